/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The stand-in agents' one way to turn "ADDR" and a port into a sockaddr
 * (tests/kernel/net_agent.c, tests/dns/dns_agent.c).
 */
#ifndef SEVORIX_TEST_SOCKADDR_H
#define SEVORIX_TEST_SOCKADDR_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* An IPv4 or IPv6 address; exits 3 on anything else (a bad test, not a result). */
static inline socklen_t make_addr(const char *a, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, a, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		return sizeof(*in);
	}
	if (inet_pton(AF_INET6, a, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return sizeof(*in6);
	}
	fprintf(stderr, "bad address %s\n", a);
	exit(3);
}

#endif
