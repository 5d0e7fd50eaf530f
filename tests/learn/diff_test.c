// SPDX-License-Identifier: GPL-2.0-only
/*
 * `policy diff` is exact: for many random pairs of rulebooks, every probe
 * (a path and an access, an address and a port, a socket path, a program
 * and an argv) that the two decide differently lies in exactly one row of
 * the diff, whose sides are the probe's decisions, and no probe that they
 * decide alike lies in any row. The probes come from the rules' own
 * boundaries and from around them, so that every region is hit.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../lib/policy_text.h"
#include "../lib/tap.h"
#include "learn/diff.h"
#include "learn/diff_internal.h"
#include "policy/internal.h"

static const struct policy_env env = { "/h", "u", "/w", NULL };

static const char *const paths[] = { "/",	 "/a",	   "/a/b",   "/a/b/c", "/a/c", "/b",
				     "${HOME}", "/h/x",	   "/h/x/y", "/w",     "/w/s", "/ab" };
static const char *const probes_path[] = { "/",	  "/a",	    "/a/b", "/a/b/c", "/a/b/c/d", "/a/c",
					   "/a/d", "/b",    "/b/q", "/h",     "/h/x",	  "/h/x/y",
					   "/h/z", "/w",    "/w/s", "/w/t",   "/ab",	  "/z" };
static const char *const cidrs[] = { "0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.3/32",
				     "10.128.0.0/9", "127.0.0.0/8", "\"::/0\"", "\"2001:db8::/32\"",
				     "\"2001:db8::1/128\"", "\"::1/128\"" };
static const char *const ports[] = { "", ", ports: [22]", ", ports: [\"1-1023\"]",
				     ", ports: [443, \"8000-8100\"]" };
static const char *const unixes[] = { "/run/", "/run/a", "/run/a/", "/run/a/b", "/x" };
static const char *const globs[] = { "a*", "*b", "a?b", "*", "ab*a", "? *", "b a*" };
static const char *const actions[] = { "allow", "deny", "review" };

static void rule_set(char *buf, size_t len, size_t *off, const char *const *sel, size_t nsel,
		     const char *fmt_pre, unsigned seed, bool files)
{
	bool used[16] = { false };
	int n = rand() % 4;

	(void)seed;
	for (int i = 0; i < n; i++) {
		size_t k = rand() % nsel;
		const char *act = actions[rand() % (files ? 2 : 3)];

		if (used[k])
			continue;
		used[k] = true;
		*off += snprintf(buf + *off, len - *off, fmt_pre, act, sel[k]);
	}
}

/* A random rulebook over the selectors above. */
static struct policy *random_policy(void)
{
	static const char *const acc[] = { "", ", access: [read]", ", access: [write, exec]",
					   ", access: [read, exec]" };
	char buf[8192];
	size_t off = 0;
	bool used[64] = { false };

	off += snprintf(buf + off, sizeof(buf) - off, "version: 1\nnetwork:\n  default: %s\n  rules:\n",
			actions[rand() % 3]);
	for (int i = 0, n = rand() % 6; i < n; i++) {
		size_t c = rand() % 10, pt = rand() % 4;

		if (used[c * 4 + pt] || (pt && (c == 0 || c == 6) && rand() % 2))
			continue;
		used[c * 4 + pt] = true;
		off += snprintf(buf + off, sizeof(buf) - off, "    - {action: %s, cidr: %s%s}\n",
				actions[rand() % 3], cidrs[c], ports[pt]);
	}
	rule_set(buf, sizeof(buf), &off, unixes, 5, "    - {action: %s, unix: %s}\n", 0, false);
	off += snprintf(buf + off, sizeof(buf) - off, "    - {action: allow, unix: /never}\n");
	off += snprintf(buf + off, sizeof(buf) - off, "files:\n  default: %s\n  rules:\n",
			actions[rand() % 2 ? 0 : 1]);
	for (int i = 0, n = 1 + rand() % 5; i < n; i++) {
		size_t k = rand() % 12, a = rand() % 4;

		if (used[16 + k])
			continue;
		used[16 + k] = true;
		off += snprintf(buf + off, sizeof(buf) - off,
				"    - {action: %s, path: \"%s\"%s}\n", actions[rand() % 2], paths[k],
				acc[a]);
	}
	off += snprintf(buf + off, sizeof(buf) - off, "    - {action: deny, path: /never}\n");
	off += snprintf(buf + off, sizeof(buf) - off, "exec:\n  default: %s\n  rules:\n",
			actions[rand() % 3]);
	rule_set(buf, sizeof(buf), &off, paths + 1, 5, "    - {action: %s, path: \"%s\"}\n", 0,
		 false);
	rule_set(buf, sizeof(buf), &off, globs, 7, "    - {action: %s, argv: \"%s\"}\n", 0, false);
	off += snprintf(buf + off, sizeof(buf) - off, "    - {action: allow, path: /never}\n");
	return policy_from_text(buf, &env);
}

static bool side_is(const struct diff_side *s, enum sx_action a, const void *rule_loc)
{
	return s->action == a && s->rule == rule_loc;
}

/* ${HOME} and ${WORKSPACE} of the written region, as the test's env expands them. */
static void expand(const char *w, char *out, size_t len)
{
	if (!strncmp(w, "${HOME}", 7))
		snprintf(out, len, "/h%s", w + 7);
	else if (!strncmp(w, "${WORKSPACE}", 12))
		snprintf(out, len, "/w%s", w + 12);
	else
		snprintf(out, len, "%s", w);
}

static bool path_in(const struct diff_row *r, const char *path)
{
	char x[256];

	expand(r->region, x, sizeof(x));
	if (!r->rest && !r->any_path && strcmp(x, path) && !diff_path_covers(x, path))
		return false;
	for (size_t i = 0; i < r->nexcept && !r->any_path; i++) {
		expand(r->except[i], x, sizeof(x));
		if (!strcmp(x, path) || diff_path_covers(x, path))
			return false;
	}
	return true;
}

/* Counts the rows that hold the probe; *ok false when one holds it with other sides. */
static int rows_for_file(const struct policy_diff *d, const char *path, unsigned int bit,
			 const struct diff_side *a, const struct diff_side *b, bool *ok)
{
	int n = 0;

	for (size_t i = 0; i < d->nrows; i++) {
		const struct diff_row *r = &d->rows[i];

		if (r->kind != DIFF_FILES || !(r->access & bit) || !path_in(r, path))
			continue;
		n++;
		*ok &= side_is(&r->a, a->action, a->rule) && side_is(&r->b, b->action, b->rule);
	}
	return n;
}

static int check_files(const struct policy *pa, const struct policy *pb, const struct policy_diff *d)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(probes_path) / sizeof(*probes_path); i++) {
		for (unsigned int bit = 1; bit <= 4; bit <<= 1) {
			const struct file_rule *ra, *rb;
			struct diff_side a, b;
			bool ok = true;
			int n;

			a.action = policy_decide_file(pa, probes_path[i], bit, &ra);
			b.action = policy_decide_file(pb, probes_path[i], bit, &rb);
			a.rule = ra ? &ra->loc : NULL;
			b.rule = rb ? &rb->loc : NULL;
			n = rows_for_file(d, probes_path[i], bit, &a, &b, &ok);
			if (!ok || n != (a.action != b.action)) {
				printf("# files %s bit %u: %d rows, %s\n", probes_path[i], bit, n,
				       ok ? "sides right" : "sides wrong");
				bad++;
			}
		}
	}
	return bad;
}

static bool cidr_in(const char *cidr, int family, const uint8_t *addr)
{
	char buf[64];
	uint8_t net[16] = { 0 };
	char *slash;
	int len, full, rest;

	snprintf(buf, sizeof(buf), "%s", cidr);
	slash = strchr(buf, '/');
	*slash = 0;
	if ((strchr(buf, ':') ? AF_INET6 : AF_INET) != family)
		return false;
	inet_pton(family, buf, net);
	len = atoi(slash + 1);
	full = len / 8, rest = len % 8;
	return !memcmp(net, addr, full) &&
	       (!rest || ((net[full] ^ addr[full]) & (0xff << (8 - rest))) == 0);
}

static bool net_in(const struct diff_row *r, int family, const uint8_t *addr, int port)
{
	if (r->kind != DIFF_NET || r->family != family || port < (int)r->port_lo ||
	    port > (int)r->port_hi)
		return false;
	if (!r->rest && !cidr_in(r->region, family, addr))
		return false;
	for (size_t i = 0; i < r->nexcept; i++)
		if (cidr_in(r->except[i], family, addr))
			return false;
	return true;
}

static int check_net(const struct policy *pa, const struct policy *pb, const struct policy_diff *d)
{
	static const char *const addrs[] = { "10.0.0.1", "10.1.0.1", "10.1.2.3", "10.1.2.4",
					     "10.200.0.1", "127.0.0.1", "192.0.2.1", "2001:db8::1",
					     "2001:db8::2", "2001:db9::1", "::1", "fe80::1" };
	static const int pts[] = { 0, 1, 21, 22, 23, 443, 1023, 1024, 8000, 8100, 8101, 65535 };
	int bad = 0;

	for (size_t i = 0; i < sizeof(addrs) / sizeof(*addrs); i++) {
		int fam = strchr(addrs[i], ':') ? AF_INET6 : AF_INET;
		uint8_t a16[16] = { 0 };

		inet_pton(fam, addrs[i], a16);
		for (size_t j = 0; j < sizeof(pts) / sizeof(*pts); j++) {
			const struct net_rule *ra, *rb;
			struct diff_side a, b;
			bool ok = true;
			int n = 0;

			a.action = policy_decide_net(pa, fam, a16, pts[j], &ra);
			b.action = policy_decide_net(pb, fam, a16, pts[j], &rb);
			a.rule = ra ? &ra->loc : NULL;
			b.rule = rb ? &rb->loc : NULL;
			for (size_t k = 0; k < d->nrows; k++) {
				if (!net_in(&d->rows[k], fam, a16, pts[j]))
					continue;
				n++;
				ok &= side_is(&d->rows[k].a, a.action, a.rule) &&
				      side_is(&d->rows[k].b, b.action, b.rule);
			}
			if (!ok || n != (a.action != b.action)) {
				printf("# net %s port %d: %d rows\n", addrs[i], pts[j], n);
				bad++;
			}
		}
	}
	return bad;
}

/* The argv rule that wins for argv on p's side, as the pattern's text (NULL: none). */
static const char *argv_winner(const struct policy *p, const char *argv)
{
	for (size_t i = 0; i < p->nexec_rules; i++)
		if (p->exec_rules[i].argv_glob && policy_glob(p->exec_rules[i].argv_glob, argv))
			return p->exec_rules[i].argv_glob;
	return NULL;
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool exec_in(const struct diff_row *r, const char *path, const char *wa, const char *wb)
{
	bool cls = r->any_argv;

	if (r->kind != DIFF_EXEC || !path_in(r, path))
		return false;
	for (size_t i = 0; i < r->nargv && !cls; i++)
		cls = str_eq(r->argv[i].a, wa) && str_eq(r->argv[i].b, wb);
	return cls;
}

static int check_exec(const struct policy *pa, const struct policy *pb, const struct policy_diff *d)
{
	static const char alpha[] = "ab *?";
	int bad = 0;

	for (size_t i = 0; i < sizeof(probes_path) / sizeof(*probes_path); i++) {
		for (int t = 0; t < 40; t++) {
			char argv[8] = "", *v[] = { argv, NULL };
			const struct exec_rule *ra, *rb;
			struct diff_side a, b;
			bool ok = true;
			int n = 0, len = rand() % 7;

			for (int c = 0; c < len; c++)
				argv[c] = alpha[rand() % 5];
			argv[len] = 0;
			a.action = policy_decide_exec(pa, probes_path[i], v, &ra);
			b.action = policy_decide_exec(pb, probes_path[i], v, &rb);
			a.rule = ra ? &ra->loc : NULL;
			b.rule = rb ? &rb->loc : NULL;
			for (size_t k = 0; k < d->nrows; k++) {
				if (!exec_in(&d->rows[k], probes_path[i], argv_winner(pa, argv),
					     argv_winner(pb, argv)))
					continue;
				n++;
				ok &= side_is(&d->rows[k].a, a.action, a.rule) &&
				      side_is(&d->rows[k].b, b.action, b.rule);
			}
			if (!ok || n != (a.action != b.action)) {
				printf("# exec %s argv '%s': %d rows\n", probes_path[i], argv, n);
				bad++;
			}
		}
	}
	return bad;
}

static int check_unix(const struct policy *pa, const struct policy *pb, const struct policy_diff *d)
{
	static const char *const probes[] = { "", "/run", "/run/", "/run/a", "/run/a/", "/run/a/b",
					      "/run/a/bc", "/run/b", "/x", "/x/y", "/y" };
	int bad = 0;

	for (size_t i = 0; i < sizeof(probes) / sizeof(*probes); i++) {
		const struct net_rule *ra, *rb;
		enum sx_action a = policy_decide_unix(pa, probes[i], &ra);
		enum sx_action b = policy_decide_unix(pb, probes[i], &rb);
		int n = 0;

		for (size_t k = 0; k < d->nrows; k++) {
			const struct diff_row *r = &d->rows[k];
			bool in = r->kind == DIFF_UNIX &&
				  (r->rest || !strcmp(r->region, probes[i]) ||
				   (r->below && !strncmp(r->region, probes[i], strlen(r->region))));

			for (size_t e = 0; in && e < r->nexcept; e++)
				in = strcmp(r->except[e], probes[i]) &&
				     !(r->except[e][strlen(r->except[e]) - 1] == '/' &&
				       !strncmp(r->except[e], probes[i], strlen(r->except[e])));
			n += in && r->a.action == a && r->b.action == b;
		}
		if (n != (a != b)) {
			printf("# unix '%s': %d rows\n", probes[i], n);
			bad++;
		}
	}
	return bad;
}

/* Each class's example matches exactly the patterns of its set. */
static void check_classes(void)
{
	struct glob_class *c;
	size_t n;
	bool complete, right = true;
	int r = glob_classes(globs, 7, 100000, &c, &n, &complete);

	ok(r == 0 && complete && n > 7, "glob classes of 7 patterns: %zu classes", n);
	for (size_t i = 0; i < n; i++)
		for (size_t p = 0; p < 7; p++)
			right &= policy_glob(globs[p], c[i].example) == !!(c[i].match[0] >> p & 1);
	ok(right, "every class's example matches exactly its patterns");
	glob_classes_free(c, n);
	r = glob_classes(globs, 7, 3, &c, &n, &complete);
	ok(r == 0 && !complete && n >= 1, "a walk cut short by its bound says so");
	glob_classes_free(c, n);
}

int main(void)
{
	int pairs = 0, bad[4] = { 0 };
	size_t rows[5] = { 0 };

	srand(19);
	check_classes();
	while (pairs < 300) {
		struct policy *pa = random_policy(), *pb = random_policy();
		struct policy_diff *d = NULL;

		if (pa && pb && policy_diff(pa, pb, &d) == 0) {
			bad[0] += check_files(pa, pb, d);
			bad[1] += check_net(pa, pb, d);
			bad[2] += check_exec(pa, pb, d);
			bad[3] += check_unix(pa, pb, d);
			for (size_t i = 0; i < d->nrows; i++)
				rows[d->rows[i].kind]++;
			pairs++;
		}
		policy_diff_free(d);
		policy_free(pa);
		policy_free(pb);
	}
	ok(rows[DIFF_NET] > 300 && rows[DIFF_UNIX] > 100 && rows[DIFF_FILES] > 300 &&
	   rows[DIFF_EXEC] > 300, "the pairs differ: %zu network, %zu unix, %zu files, %zu exec rows",
	   rows[DIFF_NET], rows[DIFF_UNIX], rows[DIFF_FILES], rows[DIFF_EXEC]);
	is_int(bad[0], 0, "files: %d random pairs, every probe in its one row", pairs);
	is_int(bad[1], 0, "network: every address and port in its one row");
	is_int(bad[2], 0, "exec: every program and argv in its one row");
	is_int(bad[3], 0, "unix: every socket path in its one row");
	return done_testing();
}
