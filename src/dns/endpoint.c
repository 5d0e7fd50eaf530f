// SPDX-License-Identifier: GPL-2.0-only
/*
 * Server addresses as a policy writes them ("192.0.2.53", "[::1]:5353")
 * and as resolv.conf(5) lists them. Numeric only: the resolver cannot ask
 * DNS where DNS is.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/resolver.h"

static int port_of(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '+' || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

static int fill(struct dns_endpoint *ep, const char *host, uint16_t port)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ep->ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ep->ss;

	memset(ep, 0, sizeof(*ep));
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		ep->len = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		ep->len = sizeof(*a6);
		return 0;
	}
	return -EINVAL;
}

int dns_endpoint_parse(const char *text, uint16_t default_port, struct dns_endpoint *ep)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon = strchr(text, ':'), *from = text, *port_text = NULL;
	size_t hlen = strlen(text);
	uint16_t port = default_port;

	if (text[0] == '[') { /* [v6]:port or [v6] */
		const char *close = strchr(text, ']');

		if (!close || (close[1] && close[1] != ':'))
			return -EINVAL;
		from = text + 1;
		hlen = (size_t)(close - from);
		port_text = close[1] ? close + 2 : NULL;
	} else if (colon && !strchr(colon + 1, ':')) { /* v4:port; a bare v6 has two colons */
		hlen = (size_t)(colon - text);
		port_text = colon + 1;
	}
	if (hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, from, hlen);
	host[hlen] = 0;
	if (port_text && port_of(port_text, &port))
		return -EINVAL;
	return fill(ep, host, port);
}

int dns_endpoint_text(const struct dns_endpoint *ep, char *out, size_t cap)
{
	char a[INET6_ADDRSTRLEN];
	int n;

	if (ep->ss.ss_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)&ep->ss;

		inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
		n = snprintf(out, cap, "%s:%u", a, ntohs(s->sin_port));
	} else {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)&ep->ss;

		inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
		n = snprintf(out, cap, "[%s]:%u", a, ntohs(s->sin6_port));
	}
	return n < 0 || (size_t)n >= cap ? -ENOSPC : n;
}

/*
 * "nameserver ADDR" lines (a scope suffix such as %eth0 is dropped with
 * the line: a link-local server needs an interface we would have to
 * guess). Other keywords, comments and lines past max are ignored.
 */
int dns_resolv_conf(const char *path, struct dns_endpoint *out, size_t max)
{
	FILE *f = fopen(path, "re");
	char line[512];
	size_t n = 0;

	if (!f)
		return -errno;
	while (n < max && fgets(line, sizeof(line), f)) {
		char key[16], addr[INET6_ADDRSTRLEN + 1];

		if (sscanf(line, "%15s %46s", key, addr) != 2 || strcmp(key, "nameserver"))
			continue;
		if (fill(&out[n], addr, 53) == 0)
			n++;
	}
	fclose(f);
	return n ? (int)n : -ENOENT;
}
