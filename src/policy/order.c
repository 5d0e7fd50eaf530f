// SPDX-License-Identifier: GPL-2.0-only
/*
 * Evaluation order, duplicate detection and overriding. Rules are sorted
 * so that the first match decides: the longest prefix first (CIDR bits, or
 * the number of path components), then a rule with ports before one
 * without, then deny > review > allow, then the order the files were read
 * and the file order (the sort is made stable by the file and the line).
 * Host rules go by name instead: an exact name, then the wildcards from
 * the longest suffix, then * (dns/match.h, which decides them).
 * Two rules of one file with the same selector are an error, whatever
 * their actions, because the file would not say which one is meant. Across
 * files the later one says it: a file's rules on a selector replace every
 * rule on it of the files read before (the ones it extends or includes).
 */
#include <stddef.h>
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
	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
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

	if (da != db) /* path rules (deepest first), then argv and shell rules */
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

static bool exec_selector_same(const void *x, const void *y)
{
	const struct exec_rule *a = x, *b = y;

	return str_same(a->expanded, b->expanded) || str_same(a->argv_glob, b->argv_glob) ||
	       str_same(a->shell_glob, b->shell_glob);
}

/* Runs on the rules of l's file, in file order, before policy_sort(). */
void loader_check_duplicates(struct loader *l)
{
	const struct policy *p = l->p;

	for (size_t i = 0; i < p->nnet_rules; i++)
		for (size_t j = 0; j < i; j++)
			if (p->net_rules[i].loc.src == l->src && p->net_rules[j].loc.src == l->src &&
			    net_same(&p->net_rules[i], &p->net_rules[j]))
				dup_error(l, p->net_rules[i].loc,
					  p->net_rules[i].kind == NET_RULE_HOST
						  ? "host (one rule per name, with all its ports)"
						  : "destination",
					  p->net_rules[j].loc);
	for (size_t i = 0; i < p->nfile_rules; i++)
		for (size_t j = 0; j < i; j++)
			if (p->file_rules[i].loc.src == l->src &&
			    p->file_rules[j].loc.src == l->src &&
			    str_same(p->file_rules[i].expanded, p->file_rules[j].expanded) &&
			    p->file_rules[i].access == p->file_rules[j].access)
				dup_error(l, p->file_rules[i].loc, "path and access",
					  p->file_rules[j].loc);
	for (size_t i = 0; i < p->nexec_rules; i++)
		for (size_t j = 0; j < i; j++)
			if (p->exec_rules[i].loc.src == l->src &&
			    p->exec_rules[j].loc.src == l->src &&
			    exec_selector_same(&p->exec_rules[i], &p->exec_rules[j]))
				dup_error(l, p->exec_rules[i].loc, "selector", p->exec_rules[j].loc);
}

/* The selector a later file replaces: a prefix (whatever its ports), a UNIX path or a host. */
static bool net_selector_same(const void *x, const void *y)
{
	const struct net_rule *a = x, *b = y;

	if (a->kind != b->kind)
		return false;
	if (a->kind == NET_RULE_UNIX)
		return str_same(a->unix_path, b->unix_path);
	if (a->kind == NET_RULE_HOST)
		return str_same(a->host, b->host);
	return a->text && b->text && a->prefix == b->prefix && !memcmp(a->addr, b->addr, 16);
}

static bool file_selector_same(const void *x, const void *y)
{
	return str_same(((const struct file_rule *)x)->expanded,
			((const struct file_rule *)y)->expanded);
}

static void net_clear(void *r)
{
	net_rule_clear(r);
}

static void file_clear(void *r)
{
	file_rule_clear(r);
}

static void exec_clear(void *r)
{
	exec_rule_clear(r);
}

struct rule_array {
	void *rules;	 /* an array of struct net_rule, file_rule or exec_rule */
	size_t *n;
	size_t size;	 /* of one rule */
	size_t loc_off;	 /* offsetof(rule, loc) */
	bool (*same)(const void *a, const void *b);
	void (*clear)(void *r);
};

static const struct policy_loc *loc_of(const struct rule_array *a, size_t i)
{
	return (const void *)((const char *)a->rules + i * a->size + a->loc_off);
}

/* Drops every rule of an earlier file whose selector one of file src's rules has. */
static void override(const struct rule_array *a, unsigned int src)
{
	char *r = a->rules;
	size_t out = 0;

	for (size_t i = 0; i < *a->n; i++) {
		bool drop = false;

		for (size_t j = 0; j < *a->n && loc_of(a, i)->src != src && !drop; j++)
			drop = loc_of(a, j)->src == src && a->same(r + i * a->size, r + j * a->size);
		if (drop)
			a->clear(r + i * a->size);
		else
			memmove(r + out++ * a->size, r + i * a->size, a->size);
	}
	*a->n = out;
}

void loader_override(struct loader *l)
{
	struct policy *p = l->p;
	const struct rule_array arrays[] = {
		{ p->net_rules, &p->nnet_rules, sizeof(*p->net_rules),
		  offsetof(struct net_rule, loc), net_selector_same, net_clear },
		{ p->file_rules, &p->nfile_rules, sizeof(*p->file_rules),
		  offsetof(struct file_rule, loc), file_selector_same, file_clear },
		{ p->exec_rules, &p->nexec_rules, sizeof(*p->exec_rules),
		  offsetof(struct exec_rule, loc), exec_selector_same, exec_clear },
	};

	for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++)
		override(&arrays[i], l->src);
}
