// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host rules (src/dns/match.h): the checker's verdicts and the byte it
 * points at, the order (exact, longest wildcard suffix, *, default; the
 * strictest of equal hosts), case and trailing dots, names that only *
 * may match.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/tap.h"
#include "dns/match.h"

static void check_ok(const char *host)
{
	const char *why = NULL;
	size_t off = 0;

	is_int(dns_host_check(host, &why, &off), 0, "'%s' is a valid host", host);
}

static void check_bad(const char *host, size_t at, const char *reason)
{
	const char *why = "";
	size_t off = 9999;
	int r = dns_host_check(host, &why, &off);

	ok(r == -EINVAL && off == at && strstr(why, reason), "'%s' is refused at byte %zu: %s",
	   host, at, reason);
	if (r != -EINVAL || off != at)
		printf("#   got %d at %zu: %s\n", r, off, why);
}

static void test_check(void)
{
	char longlabel[80], longname[300];

	check_ok("api.example.com");
	check_ok("API.Example.COM.");
	check_ok("*.example.com");
	check_ok("*");
	check_ok("xn--bcher-kva.example");
	check_ok("_dmarc.example.com");
	check_ok("localhost");
	check_bad("", 0, "empty host");
	check_bad(".", 0, "empty host");
	check_bad("a..b", 2, "empty label");
	check_bad(".a", 0, "empty label");
	check_bad("-a.com", 0, "'-'");
	check_bad("a-.com", 1, "'-'");
	check_bad("a.*.com", 2, "'*'");
	check_bad("*a.com", 0, "'*'");
	check_bad("*.*.com", 2, "'*'");
	check_bad("*.", 0, "wildcard needs a name");
	check_bad("b\xc3\xbc" "cher.de", 1, "IDNA");
	check_bad("a b.com", 1, "not allowed");
	check_bad("1.2.3.4", 0, "cidr");
	check_bad("*.10.0.0.1", 2, "cidr");
	check_bad("::1", 0, "cidr");
	memset(longlabel, 'a', 64);
	strcpy(longlabel + 64, ".com");
	check_bad(longlabel, 0, "63");
	for (int i = 0; i < 127; i++)
		memcpy(longname + 2 * i, "a.", 2);
	strcpy(longname + 254, "b");
	check_bad(longname, 253, "253");
}

enum { R_API, R_WILD, R_CDN, R_STAR, R_SECRET_DENY, R_SECRET_ALLOW, R_APEX };

static const struct dns_host_rule rules[] = {
	{ "api.example.com", SX_ALLOW, R_API },
	{ "*.example.com", SX_DENY, R_WILD },
	{ "*.cdn.example.com.", SX_ALLOW, R_CDN },
	{ "*", SX_REVIEW, R_STAR },
	{ "secret.example.com", SX_DENY, R_SECRET_DENY },
	{ "Secret.Example.com", SX_ALLOW, R_SECRET_ALLOW },
	{ "example.org", SX_ALLOW, R_APEX },
};

static void expect(const struct dns_hosts *h, const char *name, enum sx_action a, int rule)
{
	struct dns_match m = dns_hosts_match(h, name);

	ok(m.action == a && m.rule == rule, "'%s' -> %s by rule %d", name, sx_action_name(a),
	   rule);
	if (m.action != a || m.rule != rule)
		printf("#   got %s by rule %d\n", sx_action_name(m.action), m.rule);
}

static void test_match(void)
{
	struct dns_hosts *h = NULL, *d = NULL;
	size_t bad = 99;

	is_int(dns_hosts_new(rules, sizeof(rules) / sizeof(rules[0]), SX_DENY, &h, &bad), 0,
	       "the rules compile");
	expect(h, "api.example.com", SX_ALLOW, R_API);
	expect(h, "API.EXAMPLE.COM.", SX_ALLOW, R_API);
	expect(h, "x.example.com", SX_DENY, R_WILD);
	expect(h, "a.b.example.com", SX_DENY, R_WILD);
	expect(h, "example.com", SX_REVIEW, R_STAR);
	expect(h, "a.b.cdn.example.com", SX_ALLOW, R_CDN);
	expect(h, "cdn.example.com", SX_DENY, R_WILD);
	expect(h, "secret.example.com", SX_DENY, R_SECRET_DENY);
	expect(h, "example.org", SX_ALLOW, R_APEX);
	expect(h, "www.example.org", SX_REVIEW, R_STAR);
	expect(h, "other.test", SX_REVIEW, R_STAR);
	expect(h, "a\\.example.com", SX_REVIEW, R_STAR);
	expect(h, "", SX_REVIEW, R_STAR);
	dns_hosts_free(h);

	/* without *, the default decides */
	is_int(dns_hosts_new(rules, 3, SX_DENY, &d, &bad), 0, "three rules compile");
	expect(d, "other.test", SX_DENY, -1);
	expect(d, "x\\032.example.com", SX_DENY, -1);
	expect(d, "api.example.com", SX_ALLOW, R_API);
	dns_hosts_free(d);
	is_int(dns_hosts_new(rules, 0, SX_ALLOW, &d, &bad), 0, "no rules compile");
	expect(d, "anything.test", SX_ALLOW, -1);
	dns_hosts_free(d);

	struct dns_host_rule broken[] = { { "ok.test", SX_ALLOW, 0 }, { "a..b", SX_ALLOW, 1 } };
	is_int(dns_hosts_new(broken, 2, SX_DENY, &d, &bad), -EINVAL, "a malformed host fails");
	is_int(bad, 1, "and its index is given");
}

int main(void)
{
	test_check();
	test_match();
	return done_testing();
}
