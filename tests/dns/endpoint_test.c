// SPDX-License-Identifier: GPL-2.0-only
/*
 * Upstream servers as a policy writes them and as resolv.conf(5) lists
 * them (src/dns/endpoint.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/tap.h"
#include "dns/resolver.h"

static void endpoint_is(const char *text, const char *want)
{
	struct dns_endpoint ep;
	char out[64] = "";

	if (dns_endpoint_parse(text, 53, &ep) == 0)
		dns_endpoint_text(&ep, out, sizeof(out));
	is_str(out, want, "server '%s' is %s", text, want);
}

static void test_endpoints(void)
{
	static const char *const bad[] = { "1.2.3.4:0", "1.2.3.4:70000", "dns.example",
					   "[::1",	"1.2.3.4:",	"",
					   "[::1]x",	"1.2.3.4:+5" };
	struct dns_endpoint ep[3];
	char path[] = "/tmp/sevorix-resolv.XXXXXX";
	int fd, n = 0;

	endpoint_is("192.0.2.53", "192.0.2.53:53");
	endpoint_is("127.0.0.1:5353", "127.0.0.1:5353");
	endpoint_is("::1", "[::1]:53");
	endpoint_is("[2001:db8::53]:5353", "[2001:db8::53]:5353");
	endpoint_is("[::1]", "[::1]:53");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		n += dns_endpoint_parse(bad[i], 53, &ep[0]) == -EINVAL;
	is_int(n, (int)(sizeof(bad) / sizeof(bad[0])), "malformed server addresses are refused");

	fd = mkstemp(path);
	dprintf(fd, "# comment\nsearch example.test\nnameserver 192.0.2.1\n"
		    "nameserver fe80::1%%eth0\nnameserver bogus\nnameserver 2001:db8::2\n"
		    "options ndots:2\nnameserver 192.0.2.4\nnameserver 192.0.2.5\n");
	close(fd);
	n = dns_resolv_conf(path, ep, 3);
	is_int(n, 3, "resolv.conf: the first three usable nameservers");
	char t[64];
	dns_endpoint_text(&ep[1], t, sizeof(t));
	is_str(t, "[2001:db8::2]:53", "resolv.conf: a scoped or malformed line is skipped");
	fd = open(path, O_WRONLY | O_TRUNC);
	dprintf(fd, "search example.test\n");
	close(fd);
	is_int(dns_resolv_conf(path, ep, 3), -ENOENT, "resolv.conf without nameservers: -ENOENT");
	unlink(path);
	is_int(dns_resolv_conf(path, ep, 3), -ENOENT, "no resolv.conf: -ENOENT");
}

int main(void)
{
	test_endpoints();
	return done_testing();
}
