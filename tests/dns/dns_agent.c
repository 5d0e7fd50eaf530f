// SPDX-License-Identifier: GPL-2.0-only
/*
 * A stand-in agent that looks names up by hand, as Go's resolver or a
 * hand-made exfiltration packet would: it builds its own DNS query and
 * sends it to the address given, with no resolv.conf and no libc
 * resolver. Prints what the program saw:
 *   "NOERROR 127.0.0.11 from 192.0.2.53:53" (the answer's rcode, its A and
 *   AAAA addresses, and the source the kernel reported), "EPERM",
 *   "ERR <errno name>" or "TIMEOUT".
 *
 *   dns_agent udp       ADDR PORT NAME [AAAA]   sendto + recvfrom (unconnected)
 *   dns_agent connected ADDR PORT NAME [AAAA]   connect + send + recvfrom; "from" is
 *                                               getpeername's answer
 *   dns_agent tcp       ADDR PORT NAME [AAAA]   over TCP; "from" is getpeername's
 *   dns_agent hold      ADDR PORT SECONDS       TCP connect, wait, then a request and
 *                                               its answer: "ok" when the connection
 *                                               still works
 *   dns_agent connect   ADDR PORT               TCP connect: "ok" when it connected
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../lib/sockaddr.h"

static void addr_text(const struct sockaddr_storage *ss, char *out, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;

		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		snprintf(out, len, "%s:%u", a, ntohs(in->sin_port));
	} else {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		snprintf(out, len, "[%s]:%u", a, ntohs(in6->sin6_port));
	}
}

static int fail(void)
{
	if (errno == EPERM)
		puts("EPERM");
	else if (errno == EAGAIN || errno == EWOULDBLOCK)
		puts("TIMEOUT");
	else
		printf("ERR %s\n", strerrorname_np(errno) ?: "?");
	return 1;
}

/* A query for name (type 1 or 28) with id 0x5358 and RD set; returns its length. */
static size_t query(const char *name, int type, unsigned char *q)
{
	size_t n = 12;
	const char *p = name;

	memcpy(q, "\x53\x58\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12);
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);

		q[n++] = (unsigned char)l;
		memcpy(q + n, p, l);
		n += l;
		p += l + (dot != NULL);
	}
	q[n++] = 0;
	q[n++] = 0;
	q[n++] = (unsigned char)type;
	q[n++] = 0;
	q[n++] = 1;
	return n;
}

static size_t skip_name(const unsigned char *m, size_t len, size_t off)
{
	while (off < len) {
		if (m[off] >= 0xc0)
			return off + 2;
		if (m[off] == 0)
			return off + 1;
		off += 1 + m[off];
	}
	return len;
}

/* Prints the rcode and the addresses of an answer, then " from SRC". */
static int print_answer(const unsigned char *m, size_t len, const char *from)
{
	static const char *const rc[] = { "NOERROR",  "FORMERR", "SERVFAIL",
					  "NXDOMAIN", "NOTIMP",	 "REFUSED" };
	size_t off, an;

	if (len < 12 || m[0] != 0x53 || m[1] != 0x58) {
		puts("BADANSWER");
		return 1;
	}
	printf("%s", (m[3] & 15) < 6 ? rc[m[3] & 15] : "RCODE?");
	an = (size_t)m[6] << 8 | m[7];
	off = skip_name(m, len, 12) + 4;
	for (size_t i = 0; i < an && off + 10 <= len; i++) {
		size_t rdlen, type;
		char a[INET6_ADDRSTRLEN];

		off = skip_name(m, len, off);
		if (off + 10 > len)
			break;
		type = (size_t)m[off] << 8 | m[off + 1];
		rdlen = (size_t)m[off + 8] << 8 | m[off + 9];
		off += 10;
		if (off + rdlen > len)
			break;
		if ((type == 1 && rdlen == 4) || (type == 28 && rdlen == 16))
			printf(" %s",
			       inet_ntop(type == 1 ? AF_INET : AF_INET6, m + off, a, sizeof(a)));
		off += rdlen;
	}
	printf(" from %s\n", from);
	return 0;
}

static int lookup(const char *mode, struct sockaddr_storage *ss, socklen_t sl, const char *name,
		  int type)
{
	bool tcp = !strcmp(mode, "tcp"), conn = tcp || !strcmp(mode, "connected");
	unsigned char q[600], a[4096];
	struct timeval tv = { 3, 0 };
	struct sockaddr_storage from = { 0 };
	socklen_t fl = sizeof(from);
	size_t n = query(name, type, q + 2);
	char text[80];
	ssize_t got;
	int fd = socket(ss->ss_family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (conn && connect(fd, (struct sockaddr *)ss, sl) < 0)
		return fail();
	q[0] = (unsigned char)(n >> 8);
	q[1] = (unsigned char)n;
	if (tcp)
		got = send(fd, q, n + 2, 0);
	else if (conn)
		got = send(fd, q + 2, n, 0);
	else
		got = sendto(fd, q + 2, n, 0, (struct sockaddr *)ss, sl);
	if (got < 0)
		return fail();
	if (tcp) { /* a 2-byte length, then the message */
		got = recv(fd, a, 2, MSG_WAITALL);
		if (got == 2)
			got = recv(fd, a + 2, (size_t)a[0] << 8 | a[1], MSG_WAITALL);
		if (got >= 0)
			got += 2;
	} else {
		got = recvfrom(fd, a, sizeof(a), 0, (struct sockaddr *)&from, &fl);
	}
	if (got < 0)
		return fail();
	if (conn) {
		fl = sizeof(from);
		getpeername(fd, (struct sockaddr *)&from, &fl);
	}
	addr_text(&from, text, sizeof(text));
	return tcp ? print_answer(a + 2, got > 2 ? (size_t)got - 2 : 0, text) :
		     print_answer(a, (size_t)got, text);
}

/* An established connection, used again after a wait. */
static int hold(struct sockaddr_storage *ss, socklen_t sl, int seconds)
{
	int fd = socket(ss->ss_family, SOCK_STREAM, 0);
	char buf[64];

	if (connect(fd, (struct sockaddr *)ss, sl) < 0)
		return fail();
	sleep(seconds);
	if (send(fd, "GET / HTTP/1.0\r\n\r\n", 18, 0) < 0 || recv(fd, buf, sizeof(buf), 0) <= 0)
		return fail();
	puts("ok");
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	if (argc < 4 || (argc < 5 && strcmp(argv[1], "connect"))) {
		fprintf(stderr, "usage: dns_agent udp|connected|tcp|hold|connect ADDR PORT "
				"[NAME|SECONDS]\n");
		return 3;
	}
	sl = make_addr(argv[2], atoi(argv[3]), &ss);
	if (!strcmp(argv[1], "connect")) {
		if (connect(socket(ss.ss_family, SOCK_STREAM, 0), (struct sockaddr *)&ss, sl) < 0)
			return fail();
		puts("ok");
		return 0;
	}
	if (!strcmp(argv[1], "hold"))
		return hold(&ss, sl, atoi(argv[4]));
	return lookup(argv[1], &ss, sl, argv[4], argc > 5 && !strcmp(argv[5], "AAAA") ? 28 : 1);
}
