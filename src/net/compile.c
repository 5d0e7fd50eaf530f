// SPDX-License-Identifier: GPL-2.0-only
/*
 * The network rules compiled into trie entries (abi.h explains the layout).
 * For every distinct prefix P of a family, the entry lists every rule that
 * contains P in the policy's evaluation order, then the default. This is
 * O(prefixes x rules), which is fine for rulebooks of hundreds of rules
 * and keeps the kernel side to one lookup.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "net/net.h"
#include "sevorix/abi.h"

static bool contains(const struct net_rule *r, const struct net_rule *p)
{
	int full = r->prefix / 8, rest = r->prefix % 8;

	if (r->prefix > p->prefix || memcmp(r->addr, p->addr, full))
		return false;
	return !rest || ((r->addr[full] ^ p->addr[full]) & (0xff << (8 - rest))) == 0;
}

static int push(struct sx_net_value *v, uint16_t lo, uint16_t hi, enum sx_action a,
		uint16_t id)
{
	if (v->n >= SX_NET_MAX_ENTRIES)
		return -E2BIG;
	v->e[v->n++] = (struct sx_net_entry){ .port_lo = lo, .port_hi = hi, .rule_id = id,
					      .action = a };
	return 0;
}

/* Builds the entry of prefix P (a rule, or the /0 pseudo-rule), ending with def. */
static int build_entry(const struct policy *p, const struct net_rule *at, enum sx_action def,
		       struct sx_net_value *v)
{
	int r = 0;

	memset(v, 0, sizeof(*v));
	for (size_t i = 0; i < p->nnet_rules && !r; i++) {
		const struct net_rule *x = &p->net_rules[i];

		if (x->kind != at->kind || !contains(x, at))
			continue;
		if (!x->nports)
			r = push(v, 0, 65535, x->action, x->id);
		for (size_t j = 0; j < x->nports && !r; j++)
			r = push(v, x->ports[j].lo, x->ports[j].hi, x->action, x->id);
	}
	return r ?: push(v, 0, 65535, def, SX_RULE_DEFAULT);
}

static bool seen_before(const struct policy *p, size_t i)
{
	const struct net_rule *a = &p->net_rules[i];

	for (size_t j = 0; j < i; j++) {
		const struct net_rule *b = &p->net_rules[j];

		if (b->kind == a->kind && b->prefix == a->prefix && !memcmp(b->addr, a->addr, 16))
			return true;
	}
	return false;
}

/* The tries of one kind: cidr rules (add_inet) or bind rules (add_bind). */
static int compile_inet(const struct policy *p, enum net_rule_kind kind,
			const struct net_sink *sink, char *err, size_t errlen)
{
	struct net_rule zero = { .kind = kind, .prefix = 0 };
	bool bind = kind == NET_RULE_BIND4 || kind == NET_RULE_BIND6;
	int family = kind == NET_RULE_CIDR4 || kind == NET_RULE_BIND4 ? AF_INET : AF_INET6;
	enum sx_action def = bind ? p->bind.def : p->network.def;
	struct sx_net_value v;
	bool have_zero = false;
	int r;

	for (size_t i = 0; i <= p->nnet_rules; i++) {
		const struct net_rule *at = i < p->nnet_rules ? &p->net_rules[i] : &zero;

		if (at->kind != kind || (i < p->nnet_rules && seen_before(p, i)))
			continue;
		if (at == &zero && have_zero)
			break;
		have_zero |= at->prefix == 0;
		r = build_entry(p, at, def, &v);
		if (r == -E2BIG) {
			snprintf(err, errlen, "%s:%u: more than %d port ranges cover %s",
				 at->loc.file ?: p->file, at->loc.line, SX_NET_MAX_ENTRIES - 1,
				 at->text ?: "0/0");
			return r;
		}
		r = (bind ? sink->add_bind : sink->add_inet)(sink->ctx, family, at->addr, at->prefix,
							      &v);
		if (r < 0) {
			snprintf(err, errlen, "cannot store network rule: %s", strerror(-r));
			return r;
		}
	}
	return 0;
}

static int compile_unix(const struct policy *p, const struct net_sink *sink)
{
	struct sx_unix_value v = { .rule_id = SX_RULE_DEFAULT, .action = p->network.def };
	struct sx_unix_key k = { .prefixlen = 0 };
	int r = sink->add_unix(sink->ctx, &k, &v);

	for (size_t i = 0; i < p->nnet_rules && r >= 0; i++) {
		const struct net_rule *x = &p->net_rules[i];
		size_t len;

		if (x->kind != NET_RULE_UNIX)
			continue;
		len = strlen(x->unix_path);
		memset(&k, 0, sizeof(k));
		memcpy(k.path, x->unix_path, len);
		/* an exact path keeps its NUL inside the prefix, so "/a" never matches "/ab" */
		k.prefixlen = (x->unix_prefix ? len : len + 1) * 8;
		v = (struct sx_unix_value){ .rule_id = x->id, .action = x->action };
		r = sink->add_unix(sink->ctx, &k, &v);
	}
	return r;
}

int net_compile(const struct policy *p, const struct net_sink *sink, char *err, size_t errlen)
{
	int r = compile_inet(p, NET_RULE_CIDR4, sink, err, errlen);

	if (!r)
		r = compile_inet(p, NET_RULE_CIDR6, sink, err, errlen);
	/* without network.bind: one /0 entry that allows (p->bind.def) */
	if (!r && sink->add_bind)
		r = compile_inet(p, NET_RULE_BIND4, sink, err, errlen);
	if (!r && sink->add_bind)
		r = compile_inet(p, NET_RULE_BIND6, sink, err, errlen);
	if (!r) {
		r = compile_unix(p, sink);
		if (r < 0)
			snprintf(err, errlen, "cannot store UNIX socket rule: %s", strerror(-r));
	}
	return r;
}

size_t net_lpm_key(int family, const unsigned char *addr, unsigned int prefix,
		   union net_lpm_key *k)
{
	if (family == AF_INET) {
		k->v4 = (struct sx_lpm4_key){ .prefixlen = prefix };
		memcpy(k->v4.addr, addr, sizeof(k->v4.addr));
		return sizeof(k->v4);
	}
	k->v6 = (struct sx_lpm6_key){ .prefixlen = prefix };
	memcpy(k->v6.addr, addr, sizeof(k->v6.addr));
	return sizeof(k->v6);
}
