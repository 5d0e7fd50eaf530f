// SPDX-License-Identifier: GPL-2.0-only
/*
 * A stand-in agent for the network tests: performs one network action and
 * reports what the kernel answered, so a test sees exactly what an agent
 * would. Prints "ok", "EPERM" or "ERR <errno name>" and exits 0, 1 or 2.
 *
 *   net_agent connect   ADDR PORT      TCP connect (IPv4 or IPv6 address)
 *   net_agent udp       ADDR PORT      UDP sendto() without connect()
 *   net_agent sendmsg   ADDR PORT      UDP sendmsg() with msg_name
 *   net_agent tfo       ADDR PORT      TCP sendto(MSG_FASTOPEN)
 *   net_agent mptcp     ADDR PORT      connect() on an IPPROTO_MPTCP socket
 *   net_agent uring     ADDR PORT      connect through io_uring
 *   net_agent unix      PATH           connect() to a UNIX stream socket
 *   net_agent unixdgram PATH           sendto() on an unbound UNIX datagram socket
 *   net_agent loop      ADDR PORT N    N connects; prints how many got through
 *   net_agent tos       ADDR PORT      UDP connect(), then sendmsg() with no address and an
 *                                      IP_TOS (IPv6: IPV6_TCLASS) control message, as
 *                                      QUIC stacks send
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../lib/sockaddr.h"
#include "../lib/uring.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

static int report(int r)
{
	if (r >= 0) {
		puts("ok");
		return 0;
	}
	if (errno == EPERM) {
		puts("EPERM");
		return 1;
	}
	printf("ERR %s\n", strerrorname_np(errno) ?: "?");
	return 2;
}

struct uring_connect {
	int fd;
	const struct sockaddr_storage *ss;
	socklen_t len;
};

static void prep_connect(struct io_uring_sqe *sqe, const void *arg)
{
	const struct uring_connect *c = arg;

	io_uring_prep_connect(sqe, c->fd, (const struct sockaddr *)c->ss, c->len);
}

static int do_uring(int fd, struct sockaddr_storage *ss, socklen_t len)
{
	struct uring_connect c = { fd, ss, len };

	return uring_one(prep_connect, &c);
}

static int do_unix(const char *path, int type)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type, 0);

	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	if (type == SOCK_STREAM)
		return report(connect(fd, (struct sockaddr *)&un, sizeof(un)));
	return report(sendto(fd, "x", 1, 0, (struct sockaddr *)&un, sizeof(un)));
}

/* A connected UDP socket sending with a traffic-class control message. */
static int do_tos(struct sockaddr_storage *ss, socklen_t len)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} c = { 0 };
	struct iovec iov = { "x", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf,
			     .msg_controllen = sizeof(c.buf) };
	int fd = socket(ss->ss_family, SOCK_DGRAM, 0), tos = 0x10;

	if (connect(fd, (struct sockaddr *)ss, len) < 0)
		return report(-1);
	c.h.cmsg_level = ss->ss_family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
	c.h.cmsg_type = ss->ss_family == AF_INET ? IP_TOS : IPV6_TCLASS;
	c.h.cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(&c.h), &tos, sizeof(tos));
	return report(sendmsg(fd, &mh, 0));
}

static int do_loop(struct sockaddr_storage *ss, socklen_t len, int n)
{
	int through = 0;

	for (int i = 0; i < n; i++) {
		int fd = socket(ss->ss_family, SOCK_STREAM, 0);

		if (connect(fd, (struct sockaddr *)ss, len) == 0 || errno == ECONNREFUSED)
			through++;
		close(fd);
	}
	printf("%d\n", through);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct msghdr mh = { 0 };
	struct iovec iov = { "x", 1 };
	socklen_t len;
	const char *op;
	int fd;

	if (argc >= 3 && !strcmp(argv[1], "unix"))
		return do_unix(argv[2], SOCK_STREAM);
	if (argc >= 3 && !strcmp(argv[1], "unixdgram"))
		return do_unix(argv[2], SOCK_DGRAM);
	if (argc < 4) {
		fprintf(stderr, "usage: net_agent OP ADDR PORT\n");
		return 3;
	}
	op = argv[1];
	len = make_addr(argv[2], atoi(argv[3]), &ss);
	if (!strcmp(op, "loop"))
		return do_loop(&ss, len, argc > 4 ? atoi(argv[4]) : 100);
	if (!strcmp(op, "tos"))
		return do_tos(&ss, len);
	if (!strcmp(op, "udp") || !strcmp(op, "sendmsg")) {
		fd = socket(ss.ss_family, SOCK_DGRAM, 0);
		if (!strcmp(op, "udp"))
			return report(sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len));
		mh.msg_name = &ss;
		mh.msg_namelen = len;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		return report(sendmsg(fd, &mh, 0));
	}
	fd = socket(ss.ss_family, SOCK_STREAM, !strcmp(op, "mptcp") ? IPPROTO_MPTCP : 0);
	if (fd < 0)
		return report(fd);
	if (!strcmp(op, "tfo"))
		return report(sendto(fd, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&ss, len));
	if (!strcmp(op, "uring"))
		return report(do_uring(fd, &ss, len));
	return report(connect(fd, (struct sockaddr *)&ss, len));
}
