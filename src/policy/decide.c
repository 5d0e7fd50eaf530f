// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reference decisions over the sorted rules (policy.h explains the order).
 * These define what every kernel layer must compute for the same input;
 * user space uses them where it decides itself (held calls, audit of
 * events), and tests compare the kernel's answers with them.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policy/internal.h"

static bool cidr_match(const struct net_rule *r, const uint8_t *a)
{
	int full = r->prefix / 8, rest = r->prefix % 8;

	if (memcmp(r->addr, a, full))
		return false;
	return !rest || ((r->addr[full] ^ a[full]) & (0xff << (8 - rest))) == 0;
}

static bool port_match(const struct net_rule *r, uint16_t port)
{
	if (!r->nports)
		return true;
	for (size_t i = 0; i < r->nports; i++)
		if (port >= r->ports[i].lo && port <= r->ports[i].hi)
			return true;
	return false;
}

/*
 * The first rule of kinds k4/k6 that holds the address (IPv4-mapped
 * judged as IPv4) and the port, else def. any_is_loopback: 0.0.0.0 and ::
 * are judged as the loopback addresses a connect to them reaches.
 */
static enum sx_action decide_inet(const struct policy *p, enum net_rule_kind k4,
				  enum net_rule_kind k6, enum sx_action def, bool any_is_loopback,
				  int family, const void *addr, uint16_t port,
				  const struct net_rule **rule)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	enum net_rule_kind kind = family == AF_INET ? k4 : k6;
	uint8_t a[16] = { 0 };

	memcpy(a, addr, family == AF_INET ? 4 : 16);
	if (kind == k6 && !memcmp(a, mapped, 12)) {
		memmove(a, a + 12, 4);
		memset(a + 4, 0, 12);
		kind = k4;
	}
	if (any_is_loopback && kind == k4 && !memcmp(a, (uint8_t[4]){ 0 }, 4))
		memcpy(a, (uint8_t[4]){ 127, 0, 0, 1 }, 4);
	else if (any_is_loopback && kind == k6 && !memcmp(a, (uint8_t[16]){ 0 }, 16))
		a[15] = 1;
	*rule = NULL;
	for (size_t i = 0; i < p->nnet_rules; i++) {
		const struct net_rule *r = &p->net_rules[i];

		if (r->kind == kind && cidr_match(r, a) && port_match(r, port)) {
			*rule = r;
			return r->action;
		}
	}
	return def;
}

enum sx_action policy_decide_net(const struct policy *p, int family, const void *addr,
				 uint16_t port, const struct net_rule **rule)
{
	return decide_inet(p, NET_RULE_CIDR4, NET_RULE_CIDR6, p->network.def, true, family, addr,
			   port, rule);
}

enum sx_action policy_decide_bind(const struct policy *p, int family, const void *addr,
				  uint16_t port, const struct net_rule **rule)
{
	/* without network.bind, binding is not restricted (p->bind.def stays allow) */
	return decide_inet(p, NET_RULE_BIND4, NET_RULE_BIND6, p->bind.def, false, family, addr,
			   port, rule);
}

enum sx_action policy_decide_unix(const struct policy *p, const char *sun_path,
				  const struct net_rule **rule)
{
	*rule = NULL;
	for (size_t i = 0; i < p->nnet_rules; i++) {
		const struct net_rule *r = &p->net_rules[i];

		if (r->kind != NET_RULE_UNIX)
			continue;
		if (r->unix_prefix ? !strncmp(r->unix_path, sun_path, strlen(r->unix_path))
				   : !strcmp(r->unix_path, sun_path)) {
			*rule = r;
			return r->action;
		}
	}
	return p->network.def;
}

/*
 * Each requested access bit is decided by the first rule that covers the
 * path and names that bit; the strictest answer over the bits wins.
 */
enum sx_action policy_decide_file(const struct policy *p, const char *path, unsigned int access,
				  const struct file_rule **rule)
{
	enum sx_action worst = SX_ALLOW;

	*rule = NULL;
	for (unsigned int bit = 1; bit <= SX_ACCESS_EXEC; bit <<= 1) {
		const struct file_rule *hit = NULL;
		enum sx_action a = p->files.def;

		if (!(access & bit))
			continue;
		for (size_t i = 0; i < p->nfile_rules && !hit; i++)
			if ((p->file_rules[i].access & bit) &&
			    policy_path_covers(p->file_rules[i].expanded, path))
				hit = &p->file_rules[i];
		if (hit)
			a = hit->action;
		if (a > worst || (a == worst && !*rule)) {
			worst = a;
			*rule = hit;
		}
	}
	return worst;
}

/* Joins argv with single spaces into a malloc'd string. */
static char *argv_join(char *const argv[])
{
	size_t len = 1;
	char *s, *w;

	for (size_t i = 0; argv && argv[i]; i++)
		len += strlen(argv[i]) + 1;
	s = w = malloc(len);
	if (!s)
		return NULL;
	*w = 0;
	for (size_t i = 0; argv && argv[i]; i++)
		w += sprintf(w, "%s%s", i ? " " : "", argv[i]);
	return s;
}

/* The first shell rule whose pattern matches a pipeline of argv; -ENOMEM fails it. */
static int shell_rule(const struct policy *p, char *const argv[], const struct exec_rule **hit)
{
	struct shlex_result *res = NULL;
	int r = 0;

	*hit = NULL;
	for (size_t i = 0; i < p->nexec_rules && !*hit && r >= 0; i++) {
		const struct exec_rule *x = &p->exec_rules[i];

		if (!x->shell_glob)
			continue;
		if (!res)
			r = policy_shell_parse(argv, &res);
		if (r >= 0 && (r = policy_shell_match(x->shell_glob, res)) > 0)
			*hit = x;
	}
	free(res);
	return r < 0 ? r : 0;
}

enum sx_action policy_decide_exec(const struct policy *p, const char *path, char *const argv[],
				  const struct exec_rule **rule)
{
	const struct exec_rule *by_path = NULL, *by_argv = NULL, *by_shell;
	char *joined = argv_join(argv);

	*rule = NULL;
	if (!joined || shell_rule(p, argv, &by_shell) < 0) {
		free(joined);
		return SX_DENY; /* fail closed: cannot judge without memory */
	}
	for (size_t i = 0; i < p->nexec_rules; i++) {
		const struct exec_rule *r = &p->exec_rules[i];

		if (r->expanded && !by_path && path && policy_path_covers(r->expanded, path))
			by_path = r;
		if (r->argv_glob && !by_argv && policy_glob(r->argv_glob, joined))
			by_argv = r;
	}
	free(joined);
	*rule = by_path;
	if (by_argv && (!*rule || by_argv->action > (*rule)->action))
		*rule = by_argv;
	if (by_shell && (!*rule || by_shell->action > (*rule)->action))
		*rule = by_shell;
	return *rule ? (*rule)->action : p->exec.def;
}

bool policy_has_shell_rules(const struct policy *p)
{
	for (size_t i = 0; i < p->nexec_rules; i++)
		if (p->exec_rules[i].shell_glob)
			return true;
	return false;
}
