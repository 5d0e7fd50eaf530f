// SPDX-License-Identifier: GPL-2.0-only
/*
 * Evaluation order and duplicate detection. Rules are sorted so that the
 * first match decides: the longest prefix first (CIDR bits, or the number
 * of path components), then a rule with ports before one without, then
 * deny > review > allow, then file order (the sort is made stable by the
 * line number). Host rules go by name instead: an exact name, then the
 * wildcards from the longest suffix, then * (dns/match.h, which decides
 * them). Two rules with the same selector are an error, whatever
 * their actions, because the file would not say which one is meant.
 */
#include <stdlib.h>
#include <string.h>

#include "policy/internal.h"

size_t policy_path_depth(const char *path)
{
	size_t n = 0;

	for (const char *c = path; *c; c++)
		n += *c == '/' && c[1] != 0;
	return n;
}

static int by_loc(const struct policy_loc *a, const struct policy_loc *b)
{
	return a->line != b->line ? (a->line < b->line ? -1 : 1) : (int)a->col - (int)b->col;
}

/*
 * How specific a host is (dns/match.h): an exact name above every
 * wildcard, a wildcard by the length of its suffix, and * last.
 */
static size_t host_rank(const char *h)
{
	if (!strcmp(h, "*"))
		return 0;
	if (h[0] == '*')
		return strlen(h);
	return 1000; /* longer than any name */
}

static int kind_rank(enum net_rule_kind k)
{
	return k == NET_RULE_HOST ? 0 : (int)k;
}

static int net_cmp(const void *x, const void *y)
{
	const struct net_rule *a = x, *b = y;
	size_t la = a->kind == NET_RULE_UNIX ? strlen(a->unix_path)
		    : a->kind == NET_RULE_HOST ? host_rank(a->host) : a->prefix;
	size_t lb = b->kind == NET_RULE_UNIX ? strlen(b->unix_path)
		    : b->kind == NET_RULE_HOST ? host_rank(b->host) : b->prefix;

	if (a->kind != b->kind) /* host rules first: their ids do not move with other rules */
		return kind_rank(a->kind) < kind_rank(b->kind) ? -1 : 1;
	if (la != lb)
		return la > lb ? -1 : 1;
	if (!!a->nports != !!b->nports)
		return a->nports ? -1 : 1;
	if (a->action != b->action)
		return a->action > b->action ? -1 : 1;
	return by_loc(&a->loc, &b->loc);
}

static int file_cmp(const void *x, const void *y)
{
	const struct file_rule *a = x, *b = y;
	size_t da = policy_path_depth(a->expanded), db = policy_path_depth(b->expanded);

	if (da != db)
		return da > db ? -1 : 1;
	if (a->action != b->action)
		return a->action > b->action ? -1 : 1;
	return by_loc(&a->loc, &b->loc);
}

static int exec_cmp(const void *x, const void *y)
{
	const struct exec_rule *a = x, *b = y;
	size_t da = a->expanded ? policy_path_depth(a->expanded) + 1 : 0;
	size_t db = b->expanded ? policy_path_depth(b->expanded) + 1 : 0;

	if (da != db) /* path rules (deepest first), then argv rules */
		return da > db ? -1 : 1;
	if (a->action != b->action)
		return a->action > b->action ? -1 : 1;
	return by_loc(&a->loc, &b->loc);
}

void policy_sort(struct policy *p)
{
	if (p->nnet_rules)
		qsort(p->net_rules, p->nnet_rules, sizeof(*p->net_rules), net_cmp);
	if (p->nfile_rules)
		qsort(p->file_rules, p->nfile_rules, sizeof(*p->file_rules), file_cmp);
	if (p->nexec_rules)
		qsort(p->exec_rules, p->nexec_rules, sizeof(*p->exec_rules), exec_cmp);
	for (size_t i = 0; i < p->nnet_rules; i++)
		p->net_rules[i].id = i;
	for (size_t i = 0; i < p->nfile_rules; i++)
		p->file_rules[i].id = i;
	for (size_t i = 0; i < p->nexec_rules; i++)
		p->exec_rules[i].id = i;
}

static bool same_ports(const struct net_rule *a, const struct net_rule *b)
{
	return a->nports == b->nports &&
	       (!a->nports || !memcmp(a->ports, b->ports, a->nports * sizeof(*a->ports)));
}

static bool str_same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static bool net_same(const struct net_rule *a, const struct net_rule *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == NET_RULE_UNIX)
		return str_same(a->unix_path, b->unix_path);
	if (a->kind == NET_RULE_HOST) /* a name is decided by one rule: its ports go together */
		return str_same(a->host, b->host);
	if (!a->text || !b->text) /* a rule that failed to parse duplicates nothing */
		return false;
	return a->prefix == b->prefix && !memcmp(a->addr, b->addr, 16) && same_ports(a, b);
}

static void dup_error(struct loader *l, struct policy_loc at, const char *what,
		      struct policy_loc first)
{
	ydoc_error_at(&l->y, at.line, at.col, "duplicate rule: same %s as the rule at line %u", what,
		      first.line);
}

/* Runs on the rules in file order, before policy_sort(). */
void loader_check_duplicates(struct loader *l)
{
	const struct policy *p = l->p;

	for (size_t i = 0; i < p->nnet_rules; i++)
		for (size_t j = 0; j < i; j++)
			if (net_same(&p->net_rules[i], &p->net_rules[j]))
				dup_error(l, p->net_rules[i].loc,
					  p->net_rules[i].kind == NET_RULE_HOST
						  ? "host (one rule per name, with all its ports)"
						  : "destination",
					  p->net_rules[j].loc);
	for (size_t i = 0; i < p->nfile_rules; i++)
		for (size_t j = 0; j < i; j++)
			if (str_same(p->file_rules[i].expanded, p->file_rules[j].expanded) &&
			    p->file_rules[i].access == p->file_rules[j].access)
				dup_error(l, p->file_rules[i].loc, "path and access",
					  p->file_rules[j].loc);
	for (size_t i = 0; i < p->nexec_rules; i++)
		for (size_t j = 0; j < i; j++)
			if (str_same(p->exec_rules[i].expanded, p->exec_rules[j].expanded) ||
			    str_same(p->exec_rules[i].argv_glob, p->exec_rules[j].argv_glob))
				dup_error(l, p->exec_rules[i].loc, "selector", p->exec_rules[j].loc);
}
