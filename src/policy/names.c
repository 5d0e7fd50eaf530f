// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rulebook's egress by name (docs/dns.md): `host` rules and the
 * `network.dns` mapping. A host is checked by the same function that the
 * resolver's matcher trusts (dns_host_check), so every host that loads is
 * one the matcher can hold; its fault is reported at the byte where it is,
 * not at the start of the scalar. Upstreams are parsed as the resolver
 * will parse them, so a typo stops the file, not the run.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dns/match.h"
#include "dns/resolver.h"
#include "policy/internal.h"

/* The column of byte off of scalar n's value (a quoted scalar starts after its quote). */
static size_t scalar_col(const yaml_node_t *n, size_t off)
{
	bool quoted = n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
		      n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;

	return ydoc_col(n) + quoted + off;
}

char *loader_host(struct loader *l, yaml_node_t *n)
{
	const char *s = ydoc_scalar(&l->y, n, "host"), *why;
	size_t off, len;
	char *h;

	if (!s)
		return NULL;
	if (dns_host_check(s, &why, &off) < 0) {
		ydoc_error_at(&l->y, ydoc_line(n), scalar_col(n, off), "host '%s': %s", s, why);
		return NULL;
	}
	h = strdup(s);
	if (!h)
		return NULL;
	len = strlen(h);
	if (len > 1 && h[len - 1] == '.')
		h[len - 1] = 0;
	for (char *c = h; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return h;
}

/* upstream: [ADDR, "ADDR:PORT", "[V6]:PORT"], at most POLICY_DNS_UPSTREAM_MAX */
static int on_upstream(struct ydoc *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct policy_dns *dns = &loader_of(y)->p->dns;
	yaml_node_item_t *it;

	(void)key, (void)k, (void)arg;
	if (v->type != YAML_SEQUENCE_NODE) {
		ydoc_error(y, v,
			   "upstream: expected a list such as [192.0.2.53, \"127.0.0.1:5353\"]");
		return 0;
	}
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *n = ydoc_node(y, *it);
		const char *s = ydoc_scalar(y, n, "upstream");
		struct dns_endpoint ep;

		if (!s)
			continue;
		if (dns_endpoint_parse(s, 53, &ep) < 0)
			ydoc_error(y, n, "upstream: '%s' is not ADDR, ADDR:PORT or [V6ADDR]:PORT",
				   s);
		else if (dns->nupstream == POLICY_DNS_UPSTREAM_MAX)
			ydoc_error(y, n, "upstream: at most %d servers", POLICY_DNS_UPSTREAM_MAX);
		else
			dns->upstream[dns->nupstream++] = strdup(s);
	}
	if (v->data.sequence.items.start == v->data.sequence.items.top)
		ydoc_error(y, v, "upstream: empty list (leave it out to use /etc/resolv.conf)");
	return 0;
}

static int on_ttl_bound(struct ydoc *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct policy_dns *dns = &loader_of(y)->p->dns;
	long s;

	(void)k, (void)arg;
	if (ydoc_long(y, v, !strcmp(key, "min") ? "ttl.min" : "ttl.max", 0, 604800, &s) == 0)
		*(!strcmp(key, "min") ? &dns->ttl_min : &dns->ttl_max) = (unsigned int)s;
	return 0;
}

static const struct ydoc_key ttl_keys[] = { { "min", on_ttl_bound },
					    { "max", on_ttl_bound },
					    { NULL } };

static int on_ttl(struct ydoc *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct policy_dns *dns = &loader_of(y)->p->dns;

	(void)k, (void)arg;
	ydoc_map(y, v, key, ttl_keys, NULL);
	if (dns->ttl_min > dns->ttl_max)
		ydoc_error(y, v, "ttl: min (%u) is greater than max (%u)", dns->ttl_min,
			   dns->ttl_max);
	return 0;
}

static int on_grace(struct ydoc *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	long s;

	(void)key, (void)k, (void)arg;
	if (ydoc_long(y, v, "dns.grace", 0, 3600, &s) == 0)
		loader_of(y)->p->dns.grace = (unsigned int)s;
	return 0;
}

static const struct ydoc_key dns_keys[] = {
	{ "upstream", on_upstream }, { "ttl", on_ttl }, { "grace", on_grace }, { NULL }
};

int loader_dns(struct ydoc *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct loader *l = loader_of(y);
	struct policy_dns *d = &l->p->dns;

	(void)arg;
	if (d->present && d->loc.src == l->src)
		ydoc_error(y, k, "'dns' given twice");
	if (d->present && d->loc.src != l->src) { /* a file read before: this one replaces it */
		for (size_t i = 0; i < d->nupstream; i++)
			free(d->upstream[i]);
		d->nupstream = 0;
		d->ttl_min = POLICY_DNS_TTL_MIN;
		d->ttl_max = POLICY_DNS_TTL_MAX;
		d->grace = POLICY_DNS_GRACE;
	}
	d->present = true;
	d->loc = loader_loc(l, k);
	return ydoc_map(y, v, key, dns_keys, NULL);
}

/*
 * Host resolvers behind UNIX sockets resolve outside the run: the name
 * would leave the machine before any rule saw it.
 */
bool policy_unix_resolver(const char *path, bool prefix)
{
	static const char *const resolvers[] = { "/run/systemd/resolve/", "/run/nscd/",
						 "/var/run/nscd/" };

	for (size_t j = 0; j < sizeof(resolvers) / sizeof(*resolvers); j++)
		if (!strncmp(path, resolvers[j], strlen(resolvers[j])) ||
		    (prefix && !strncmp(resolvers[j], path, strlen(path))))
			return true;
	return false;
}

/*
 * A rulebook that names hosts allows no such socket. Runs once on the
 * whole rulebook (its files extended and included).
 */
void loader_check_names(struct loader *l)
{
	const struct policy *p = l->p;
	const char *file = l->y.file;

	if (!policy_names_hosts(p))
		return;
	for (size_t i = 0; i < p->nnet_rules; i++) {
		const struct net_rule *r = &p->net_rules[i];

		if (r->kind != NET_RULE_UNIX || r->action == SX_DENY || !r->unix_path ||
		    !policy_unix_resolver(r->unix_path, r->unix_prefix))
			continue;
		l->y.file = r->loc.file ?: file; /* the file the rule was read from */
		ydoc_error_at(&l->y, r->loc.line, r->loc.col,
			      "unix: %s reaches a host resolver, which would look names up "
			      "outside the host rules: remove it, or deny it in a file "
			      "that extends this one",
			      r->unix_path);
		l->y.file = file;
	}
}

bool policy_names_hosts(const struct policy *p)
{
	if (p->dns.present)
		return true;
	for (size_t i = 0; i < p->nnet_rules; i++)
		if (p->net_rules[i].kind == NET_RULE_HOST)
			return true;
	return false;
}
