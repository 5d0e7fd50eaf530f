// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rulebook's reference decisions, and the network compiler checked
 * against them: for many addresses and ports, one longest-prefix lookup
 * over the compiled entries must give exactly what the sorted rules give.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/policy_text.h"
#include "../lib/tap.h"
#include "net/net.h"
#include "sevorix/abi.h"
#include "sevorix/policy.h"

static const char *policy_text =
	"version: 1\n"
	"vars: {WORKSPACE: /home/u/project}\n"
	"network:\n"
	"  default: deny\n"
	"  rules:\n"
	"    - {action: allow,  cidr: 127.0.0.0/8, ports: [8080, \"9000-9100\"]}\n" /* 6 */
	"    - {action: allow,  cidr: \"::1/128\"}\n"
	"    - {action: deny,   cidr: 169.254.169.254/32}\n"
	"    - {action: review, cidr: 0.0.0.0/0, ports: [22]}\n" /* 9 */
	"    - {action: allow,  unix: /run/user/1000/bus}\n"
	"    - {action: allow,  unix: /run/dir/}\n"
	"    - {action: allow,  cidr: 10.0.0.0/8}\n" /* 12 */
	"    - {action: deny,   cidr: 10.1.0.0/16, ports: [\"1-1023\"]}\n"
	"files:\n"
	"  default: deny\n"
	"  rules:\n"
	"    - {action: allow, path: /usr, access: [read, exec]}\n"
	"    - {action: allow, path: \"${WORKSPACE}\", access: [read, write, exec]}\n"
	"    - {action: allow, path: /home/u, access: [read]}\n"
	"    - {action: deny,  path: \"${HOME}/.ssh\"}\n"
	"exec:\n"
	"  default: allow\n"
	"  rules:\n"
	"    - {action: deny,   path: /usr/bin/nc.openbsd}\n"
	"    - {action: review, path: /usr/bin/curl}\n"
	"    - {action: review, argv: \"rm -r*\"}\n"
	"    - {action: deny,   argv: \"curl *169.254.169.254*\"}\n";

static struct policy *load(void)
{
	struct policy_env env = { "/home/u", "u", "/tmp", NULL };

	return policy_from_text(policy_text, &env);
}

static unsigned int net4(const struct policy *p, const char *a, int port, unsigned int *line)
{
	const struct net_rule *r;
	unsigned char addr[16];
	int fam = strchr(a, ':') ? AF_INET6 : AF_INET;
	enum sx_action act;

	inet_pton(fam, a, addr);
	act = policy_decide_net(p, fam, addr, port, &r);
	*line = r ? r->loc.line : 0;
	return act;
}

static void test_net(const struct policy *p)
{
	unsigned int line;

	is_int(net4(p, "127.0.0.1", 8080, &line), SX_ALLOW, "loopback 8080 allowed");
	is_int(line, 6, "by the rule on line 6");
	is_int(net4(p, "127.0.0.1", 9050, &line), SX_ALLOW, "a port inside a range");
	is_int(net4(p, "127.0.0.1", 22, &line), SX_REVIEW, "loopback 22 falls to the /0 port rule");
	is_int(line, 9, "the /0 rule on line 9");
	is_int(net4(p, "127.0.0.1", 23, &line), SX_DENY, "loopback 23: default");
	is_int(line, 0, "no rule: default");
	is_int(net4(p, "0.0.0.0", 8080, &line), SX_ALLOW, "0.0.0.0 is judged as 127.0.0.1");
	is_int(net4(p, "::", 1, &line), SX_ALLOW, ":: is judged as ::1");
	is_int(net4(p, "::ffff:127.0.0.1", 8080, &line), SX_ALLOW, "mapped IPv6 is judged as IPv4");
	is_int(net4(p, "::ffff:169.254.169.254", 80, &line), SX_DENY, "mapped metadata denied");
	is_int(net4(p, "10.1.2.3", 80, &line), SX_DENY, "a longer prefix with ports wins");
	is_int(net4(p, "10.1.2.3", 8000, &line), SX_ALLOW, "and falls through to the shorter one");
	is_int(line, 12, "the /8 rule on line 12");
	is_int(net4(p, "2001:db8::1", 22, &line), SX_DENY, "IPv4 rules do not cover IPv6");
}

static void test_unix_files_exec(const struct policy *p)
{
	const struct net_rule *nr;
	const struct file_rule *fr;
	const struct exec_rule *er;
	char *rm[] = { "rm", "-rf", "/", NULL }, *ls[] = { "ls", NULL };
	char *curl[] = { "curl", "http://169.254.169.254/", NULL };

	is_int(policy_decide_unix(p, "/run/user/1000/bus", &nr), SX_ALLOW, "unix exact path");
	is_int(policy_decide_unix(p, "/run/user/1000/bus2", &nr), SX_DENY, "exact is not prefix");
	is_int(policy_decide_unix(p, "/run/dir/x.sock", &nr), SX_ALLOW, "unix prefix rule");
	is_int(policy_decide_file(p, "/usr/bin/ls", SX_ACCESS_READ, &fr), SX_ALLOW, "read /usr");
	is_int(policy_decide_file(p, "/usr/bin/ls", SX_ACCESS_WRITE, &fr), SX_DENY,
	       "write /usr: the allow does not name write");
	is_int(policy_decide_file(p, "/usrx", SX_ACCESS_READ, &fr), SX_DENY,
	       "/usr never matches /usrx");
	is_int(policy_decide_file(p, "/home/u/project/a.c", SX_ACCESS_WRITE, &fr), SX_ALLOW,
	       "workspace write");
	is_int(policy_decide_file(p, "/home/u/.ssh/id_rsa", SX_ACCESS_READ, &fr), SX_DENY,
	       "deny inside allow: ~/.ssh");
	is_int(policy_decide_file(p, "/home/u/notes", SX_ACCESS_READ, &fr), SX_ALLOW,
	       "the rest of /home/u is readable");
	is_int(policy_decide_exec(p, "/usr/bin/nc.openbsd", ls, &er), SX_DENY, "exec by path");
	is_int(policy_decide_exec(p, "/usr/bin/rm", rm, &er), SX_REVIEW, "exec by argv glob");
	is_int(policy_decide_exec(p, "/usr/bin/ls", ls, &er), SX_ALLOW, "exec default");
	is_int(policy_decide_exec(p, "/usr/bin/curl", curl, &er), SX_DENY,
	       "the stricter of path (review) and argv (deny) wins");
}

/* A user-space longest-prefix lookup over the compiled entries. */
struct entries {
	int family[512];
	unsigned char addr[512][16];
	unsigned int prefix[512];
	struct sx_net_value v[512];
	int n;
};

static int collect(void *ctx, int family, const unsigned char *addr, unsigned int prefix,
		   const struct sx_net_value *v)
{
	struct entries *e = ctx;

	if (e->n >= 512)
		return -1;
	e->family[e->n] = family;
	memcpy(e->addr[e->n], addr, 16);
	e->prefix[e->n] = prefix;
	e->v[e->n++] = *v;
	return 0;
}

static int ignore_unix(void *ctx, const struct sx_unix_key *k, const struct sx_unix_value *v)
{
	(void)ctx, (void)k, (void)v;
	return 0;
}

static bool covers(const unsigned char *net, unsigned int bits, const unsigned char *a)
{
	unsigned int full = bits / 8, rest = bits % 8;

	return !memcmp(net, a, full) && (!rest || !((net[full] ^ a[full]) & (0xff << (8 - rest))));
}

static int lookup(const struct entries *e, int family, const unsigned char *a, int port)
{
	int best = -1;

	for (int i = 0; i < e->n; i++)
		if (e->family[i] == family && covers(e->addr[i], e->prefix[i], a) &&
		    (best < 0 || e->prefix[i] > e->prefix[best]))
			best = i;
	if (best < 0)
		return -1;
	for (unsigned int j = 0; j < e->v[best].n; j++)
		if (port >= e->v[best].e[j].port_lo && port <= e->v[best].e[j].port_hi)
			return e->v[best].e[j].action;
	return -1;
}

static void test_compile(const struct policy *p)
{
	static struct entries e;
	struct net_sink sink = { collect, ignore_unix, &e, NULL };
	const char *addrs[] = { "127.0.0.1", "127.9.9.9", "169.254.169.254", "10.1.0.1",
				"10.2.0.1", "8.8.8.8", "::1", "2001:db8::1" };
	const int ports[] = { 1, 22, 23, 80, 1023, 1024, 8080, 9000, 9100, 9101, 65535 };
	char err[256] = "";
	int mismatches = 0;

	is_int(net_compile(p, &sink, err, sizeof(err)), 0, "the network rules compile");
	for (size_t i = 0; i < sizeof(addrs) / sizeof(*addrs); i++) {
		for (size_t j = 0; j < sizeof(ports) / sizeof(*ports); j++) {
			unsigned char a[16] = { 0 };
			int fam = strchr(addrs[i], ':') ? AF_INET6 : AF_INET;
			const struct net_rule *r;

			inet_pton(fam, addrs[i], a);
			if (lookup(&e, fam, a, ports[j]) !=
			    (int)policy_decide_net(p, fam, a, ports[j], &r)) {
				printf("# mismatch for %s port %d\n", addrs[i], ports[j]);
				mismatches++;
			}
		}
	}
	is_int(mismatches, 0, "one lookup over the compiled entries equals the reference");
}

/* network.bind: its own rules and default, a wildcard address judged as it is */
static void test_bind(const struct policy *p)
{
	static const char *text = "version: 1\n"
				  "network:\n"
				  "  default: allow\n"
				  "  bind:\n"
				  "    default: deny\n"
				  "    rules:\n"
				  "      - {action: allow, cidr: 127.0.0.1/32, ports: [0, \"8000-8100\"]}\n"
				  "      - {action: allow, cidr: \"::/0\", ports: [8080]}\n";
	struct policy_env env = { "/home/u", "u", "/tmp", NULL };
	struct policy *b = policy_from_text(text, &env);
	const struct net_rule *r;
	unsigned char lo[4] = { 127, 0, 0, 1 }, any[4] = { 0 }, mapped[16] = { [10] = 0xff,
		[11] = 0xff, 127, 0, 0, 1 };

	is_int(policy_decide_bind(p, AF_INET, any, 80, &r), SX_ALLOW,
	       "without network.bind, binding is not restricted");
	if (!ok(b != NULL, "a policy with network.bind loads"))
		return;
	is_int(policy_decide_bind(b, AF_INET, lo, 8050, &r), SX_ALLOW, "bind inside a rule: allow");
	is_int(policy_decide_bind(b, AF_INET, lo, 0, &r), SX_ALLOW, "port 0 (ephemeral) by its rule");
	is_int(policy_decide_bind(b, AF_INET, lo, 9000, &r), SX_DENY, "outside: the bind default");
	is_int(policy_decide_bind(b, AF_INET, any, 8050, &r), SX_DENY,
	       "0.0.0.0 is every address, not loopback");
	is_int(policy_decide_bind(b, AF_INET6, mapped, 8050, &r), SX_ALLOW,
	       "IPv4-mapped is judged as IPv4");
	is_int(policy_decide_net(b, AF_INET, lo, 9000, &r), SX_ALLOW,
	       "bind rules do not judge connects");
	policy_free(b);
}

int main(void)
{
	struct policy *p = load();

	if (!ok(p != NULL, "the test policy loads"))
		return done_testing();
	test_net(p);
	test_unix_files_exec(p);
	test_compile(p);
	test_bind(p);
	policy_free(p);
	return done_testing();
}
