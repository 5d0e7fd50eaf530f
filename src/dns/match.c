// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host rules checked, ordered and matched (match.h explains the order).
 * Two sorted arrays, exact names and wildcard suffixes, each ordered by
 * name, then strictness, then the caller's order, so that the first entry
 * of a name is the one that decides it; and the first * rule.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dns/match.h"

struct entry {
	char *name;	/* the exact name, or a wildcard's suffix (without "*.") */
	enum sx_action action;
	unsigned int id;
	size_t order;
};

struct dns_hosts {
	struct entry *exact;
	size_t nexact;
	struct entry *wild;
	size_t nwild;
	bool have_star;
	struct dns_match star;
	enum sx_action def;
};

static bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

static int fault(const char **why, size_t *off, const char *msg, size_t at)
{
	*why = msg;
	*off = at;
	return -EINVAL;
}

/* The labels of name[0..len): LDH, 1-63 bytes, no '-' at either end. */
static int check_labels(const char *name, size_t len, size_t base, const char **why,
			size_t *off)
{
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		unsigned char c = i < len ? (unsigned char)name[i] : '.';

		if (c == '.') {
			if (i == start)
				return fault(why, off, "empty label (two dots, or a dot at the start)",
					     base + i);
			if (i - start > 63)
				return fault(why, off, "label longer than 63 characters", base + start);
			if (name[start] == '-' || name[i - 1] == '-')
				return fault(why, off, "a label may not begin or end with '-'",
					     base + (name[start] == '-' ? start : i - 1));
			start = i + 1;
		} else if (c >= 0x80) {
			return fault(why, off,
				     "non-ASCII character: write the name in its IDNA ASCII form "
				     "(xn--...)",
				     base + i);
		} else if (c == '*') {
			return fault(why, off,
				     "'*' stands only alone or as the whole first label (*.example.com)",
				     base + i);
		} else if (c == ':') {
			return fault(why, off, "an IP address is not a host name: use a cidr rule",
				     base);
		} else if (!host_char((char)c)) {
			return fault(why, off, "character not allowed in a host name", base + i);
		}
	}
	return 0;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

int dns_host_check(const char *host, const char **why, size_t *off)
{
	size_t len = strlen(host), base = 0;
	const char *last;
	int r;

	if (!strcmp(host, "*"))
		return 0;
	if (len && host[len - 1] == '.')
		len--;
	if (!len)
		return fault(why, off, "empty host name", 0);
	if (host[0] == '*' && host[1] == '.')
		base = 2;
	if (len <= base)
		return fault(why, off, "a wildcard needs a name after '*.'", 0);
	if (len - base > DNS_HOST_MAX)
		return fault(why, off, "name longer than 253 characters", base + DNS_HOST_MAX);
	r = check_labels(host + base, len - base, base, why, off);
	if (r)
		return r;
	last = memrchr(host + base, '.', len - base);
	last = last ? last + 1 : host + base;
	if (all_digits(last, (size_t)(host + len - last)))
		return fault(why, off, "an IP address is not a host name: use a cidr rule", base);
	return 0;
}

/* Lower case, without one trailing dot; false when it is not a plain host name. */
static bool normalize(const char *in, char *out, size_t cap)
{
	size_t len = strlen(in);
	const char *why;
	size_t off;

	if (len && in[len - 1] == '.')
		len--;
	if (!len || len >= cap)
		return false;
	for (size_t i = 0; i < len; i++)
		out[i] = in[i] >= 'A' && in[i] <= 'Z' ? (char)(in[i] + 'a' - 'A') : in[i];
	out[len] = 0;
	return check_labels(out, len, 0, &why, &off) == 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->action != y->action)
		return x->action > y->action ? -1 : 1; /* stricter first */
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The first entry named key, or NULL. */
static const struct entry *find(const struct entry *v, size_t n, const char *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(v[mid].name, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strcmp(v[lo].name, key) ? &v[lo] : NULL;
}

static int add(struct entry *v, size_t *n, const char *name, const struct dns_host_rule *r,
	       size_t order)
{
	char buf[DNS_HOST_MAX + 2];

	if (!normalize(name, buf, sizeof(buf)))
		return -EINVAL;
	v[*n] = (struct entry){ .name = strdup(buf), .action = r->action, .id = r->id,
				.order = order };
	if (!v[*n].name)
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* Sorts one rule into h; -EINVAL when its host is malformed. */
static int place(struct dns_hosts *h, const struct dns_host_rule *r, size_t i)
{
	const char *why;
	size_t off;

	if (dns_host_check(r->host, &why, &off))
		return -EINVAL;
	if (!strcmp(r->host, "*")) {
		/* the strictest * decides; among equals the first */
		if (!h->have_star || r->action > h->star.action)
			h->star = (struct dns_match){ r->action, (int)r->id };
		h->have_star = true;
		return 0;
	}
	if (r->host[0] == '*')
		return add(h->wild, &h->nwild, r->host + 2, r, i);
	return add(h->exact, &h->nexact, r->host, r, i);
}

int dns_hosts_new(const struct dns_host_rule *rules, size_t n, enum sx_action def,
		  struct dns_hosts **ret, size_t *bad)
{
	struct dns_hosts *h = calloc(1, sizeof(*h));
	int r = 0;

	if (!h)
		return -ENOMEM;
	h->def = def;
	h->exact = calloc(n + 1, sizeof(*h->exact));
	h->wild = calloc(n + 1, sizeof(*h->wild));
	if (!h->exact || !h->wild)
		r = -ENOMEM;
	for (size_t i = 0; i < n && !r; i++) {
		r = place(h, &rules[i], i);
		if (r && bad)
			*bad = i;
	}
	if (r) {
		dns_hosts_free(h);
		return r;
	}
	qsort(h->exact, h->nexact, sizeof(*h->exact), cmp_entry);
	qsort(h->wild, h->nwild, sizeof(*h->wild), cmp_entry);
	*ret = h;
	return 0;
}

void dns_hosts_free(struct dns_hosts *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nexact; i++)
		free(h->exact[i].name);
	for (size_t i = 0; i < h->nwild; i++)
		free(h->wild[i].name);
	free(h->exact);
	free(h->wild);
	free(h);
}

struct dns_match dns_hosts_match(const struct dns_hosts *h, const char *name)
{
	char buf[DNS_HOST_MAX + 2];
	const struct entry *e;

	if (normalize(name, buf, sizeof(buf))) {
		e = find(h->exact, h->nexact, buf);
		/* wildcards: every proper suffix after a dot, the longest first */
		for (const char *s = strchr(buf, '.'); !e && s; s = strchr(s + 1, '.'))
			e = find(h->wild, h->nwild, s + 1);
		if (e)
			return (struct dns_match){ e->action, (int)e->id };
	}
	if (h->have_star)
		return h->star;
	return (struct dns_match){ h->def, -1 };
}
