// SPDX-License-Identifier: GPL-2.0-only
/*
 * route: routing past the network layer, one attempt per invocation, for
 * tests/escape/route.t. Each attempt names an allowed destination A to
 * the kernel while asking for its packets to go to B first. Prints "OK"
 * when the system calls succeeded (the packet was handed to the kernel),
 * else the errno name; whether a packet to B really left is for the test
 * to see on the wire.
 *
 *   route rthdr A B PORT            UDP: setsockopt(IPV6_RTHDR, a type 4
 *                                   segment routing header naming B), sendto A
 *   route rthdr-connected A B PORT  the same on a UDP socket connected to A
 *   route rthdr-tcp A B PORT        the header on a TCP socket, connect to A
 *   route rthdr-uring A B PORT      the socket option set through io_uring
 *                                   (which seccomp never sees), then sendto A
 *   route lsrr A B PORT             IPv4: setsockopt(IP_OPTIONS, loose source
 *                                   route through B), sendto A
 *   route lsrr-cmsg A B PORT        the same option as an IP_RETOPTS control
 *                                   message of sendmsg (which seccomp never sees)
 *   route plain A B PORT            UDP sendto A, no header: the allowed case
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/uring.h"

#ifndef IORING_OP_URING_CMD
#define IORING_OP_URING_CMD 46
#endif
#define SOCKET_URING_OP_SETSOCKOPT 3

static int report(long r)
{
	if (r >= 0) {
		puts("OK");
		return 0;
	}
	printf("%s\n", strerrorname_np(errno) ?: "E?");
	return 1;
}

/* A type 4 routing header (RFC 8754) of one segment, B, left to visit: none. */
static size_t srh(const char *b, unsigned char *h)
{
	memset(h, 0, 24);
	h[1] = 2;	/* hdrlen: 16 bytes of segments, in 8-byte units */
	h[2] = 4;	/* type: segment routing */
	h[3] = 0;	/* segments left */
	h[4] = 0;	/* last entry */
	inet_pton(AF_INET6, b, h + 8);
	return 24;
}

/* Loose source route through b (RFC 791), padded with a NOP. */
static size_t lsrr(const char *b, unsigned char *o)
{
	o[0] = 131;	/* IPOPT_LSRR */
	o[1] = 7;	/* length */
	o[2] = 4;	/* pointer */
	inet_pton(AF_INET, b, o + 3);
	o[7] = 1;	/* IPOPT_NOOP */
	return 8;
}

struct sockopt {
	int fd, level, opt, len;
	const void *val;
};

static void prep_setsockopt(struct io_uring_sqe *sqe, const void *arg)
{
	const struct sockopt *o = arg;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = o->fd;
	sqe->off = SOCKET_URING_OP_SETSOCKOPT;			/* cmd_op, in the low 32 bits */
	sqe->addr = (__u64)(__u32)o->level | (__u64)(__u32)o->opt << 32; /* level, optname */
	sqe->splice_fd_in = o->len;				/* optlen */
	sqe->addr3 = (__u64)(unsigned long)o->val;		/* optval */
}

static long uring_setsockopt(int fd, int level, int opt, void *val, int len)
{
	struct sockopt o = { fd, level, opt, len, val };

	return uring_one(prep_setsockopt, &o);
}

static long v6(const char *op, const char *a, const char *b, int port)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	bool tcp = !strcmp(op, "rthdr-tcp");
	int fd = socket(AF_INET6, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	unsigned char h[24];
	size_t n = srh(b, h);
	long r;

	inet_pton(AF_INET6, a, &sa.sin6_addr);
	if (!strcmp(op, "rthdr-uring"))
		r = uring_setsockopt(fd, IPPROTO_IPV6, IPV6_RTHDR, h, (int)n);
	else
		r = setsockopt(fd, IPPROTO_IPV6, IPV6_RTHDR, h, (socklen_t)n);
	if (r < 0)
		return r;
	if (tcp) {
		fcntl(fd, F_SETFL, O_NONBLOCK);
		r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
		if (r < 0 && errno == EINPROGRESS)
			r = 0; /* the SYN was handed to the kernel */
		usleep(300000);
		return r;
	}
	if (!strcmp(op, "rthdr-connected"))
		return connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -1
			       : send(fd, "secret", 6, 0);
	return sendto(fd, "secret", 6, 0, (struct sockaddr *)&sa, sizeof(sa));
}

static long v4(const char *op, const char *a, const char *b, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(8)];
	} c = { 0 };
	struct iovec iov = { "secret", 6 };
	struct msghdr m = { .msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov,
			    .msg_iovlen = 1 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	unsigned char o[8];
	size_t n = lsrr(b, o);

	inet_pton(AF_INET, a, &sa.sin_addr);
	if (!strcmp(op, "lsrr")) {
		if (setsockopt(fd, IPPROTO_IP, IP_OPTIONS, o, (socklen_t)n) < 0)
			return -1;
		return sendto(fd, "secret", 6, 0, (struct sockaddr *)&sa, sizeof(sa));
	}
	m.msg_control = c.buf;
	m.msg_controllen = sizeof(c.buf);
	c.h.cmsg_level = IPPROTO_IP;
	c.h.cmsg_type = IP_RETOPTS;
	c.h.cmsg_len = CMSG_LEN(n);
	memcpy(CMSG_DATA(&c.h), o, n);
	return sendmsg(fd, &m, 0);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: route rthdr|rthdr-connected|rthdr-tcp|rthdr-uring|lsrr|lsrr-cmsg "
				"A B PORT\n");
		return 2;
	}
	if (!strcmp(argv[1], "plain")) {
		struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(atoi(argv[4])) };

		inet_pton(AF_INET6, argv[2], &sa.sin6_addr);
		return report(sendto(socket(AF_INET6, SOCK_DGRAM, 0), "hello", 5, 0,
				     (struct sockaddr *)&sa, sizeof(sa)));
	}
	if (!strncmp(argv[1], "rthdr", 5))
		return report(v6(argv[1], argv[2], argv[3], atoi(argv[4])));
	if (!strncmp(argv[1], "lsrr", 4))
		return report(v4(argv[1], argv[2], argv[3], atoi(argv[4])));
	fprintf(stderr, "route: unknown attempt '%s'\n", argv[1]);
	return 2;
}
