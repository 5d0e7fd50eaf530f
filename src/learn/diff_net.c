// SPDX-License-Identifier: GPL-2.0-only
/*
 * `policy diff` for the network section (learn/diff.h). Per family, the
 * CIDR prefixes of both policies form a tree by containment; the region
 * of a prefix is its addresses minus those of the prefixes inside it, and
 * every address of a region is covered by the same rules of either policy.
 * A region may be empty (its children fill it): one member is searched for
 * by halving the prefix down the branches that hold children, which costs
 * O(children x bits). Within a region, the port ranges of the rules that
 * cover it cut 0..65535 into intervals, each decided once.
 *
 * Addresses the rules never see as themselves are left out, as
 * policy_decide_net() judges them as others: 0.0.0.0 and :: (judged as
 * the loopback addresses) and ::ffff:0:0/96 (judged as IPv4).
 *
 * UNIX socket paths are compared as written in sun_path: an exact path is
 * a region of one, a prefix (ending in '/') everything that starts with it
 * minus what other rules name, and "the rest" holds abstract names.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "learn/diff_internal.h"

struct cnode {
	uint8_t addr[16];
	int len;
	bool unseen;		/* never judged as itself (see above) */
	const char *text;
	int parent;
};

struct ctree {
	int family, bits;
	enum net_rule_kind kind;
	struct cnode *n;
	size_t len;
};

static bool prefix_match(const uint8_t *p, int len, const uint8_t *a)
{
	int full = len / 8, rest = len % 8;

	if (memcmp(p, a, full))
		return false;
	return !rest || ((p[full] ^ a[full]) & (0xff << (8 - rest))) == 0;
}

/* outer strictly contains inner */
static bool ccovers(const struct cnode *outer, const struct cnode *inner)
{
	return outer->len < inner->len && prefix_match(outer->addr, outer->len, inner->addr);
}

static int cadd(struct ctree *t, const uint8_t *addr, int len, const char *text, bool unseen)
{
	struct cnode *n;

	for (size_t i = 0; i < t->len; i++) {
		if (t->n[i].len == len && !memcmp(t->n[i].addr, addr, 16)) {
			t->n[i].unseen |= unseen;
			if (!t->n[i].text)
				t->n[i].text = text;
			return 0;
		}
	}
	n = realloc(t->n, (t->len + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	t->n = n;
	n = &t->n[t->len++];
	memset(n, 0, sizeof(*n));
	memcpy(n->addr, addr, 16);
	n->len = len;
	n->text = text;
	n->unseen = unseen;
	n->parent = -1;
	return 0;
}

static int by_addr(const void *x, const void *y)
{
	const struct cnode *a = x, *b = y;
	int c = memcmp(a->addr, b->addr, 16);

	return c ? c : a->len - b->len;
}

static void clink(struct ctree *t)
{
	if (t->len)
		qsort(t->n, t->len, sizeof(*t->n), by_addr);
	for (size_t i = 0; i < t->len; i++) {
		int best = -1;

		for (size_t j = 0; j < t->len; j++)
			if (ccovers(&t->n[j], &t->n[i]) && (best < 0 || t->n[j].len > t->n[best].len))
				best = j;
		t->n[i].parent = best;
	}
}

/*
 * A member of prefix (addr, len) outside every child in ch[0..nch) (each
 * strictly inside it); false when they fill it. Returns -ENOMEM on failure.
 */
static int find_free(const uint8_t *addr, int len, int bits, const struct cnode **ch, size_t nch,
		     uint8_t out[16])
{
	const struct cnode **sub;
	int r = 0;

	if (!nch) {
		memcpy(out, addr, 16);
		return 1;
	}
	if (len >= bits)
		return 0;
	sub = malloc(nch * sizeof(*sub));
	if (!sub)
		return -ENOMEM;
	for (int half = 0; half < 2 && r == 0; half++) {
		uint8_t h[16];
		size_t k = 0;
		bool taken = false;

		memcpy(h, addr, 16);
		h[len / 8] = (h[len / 8] & ~(0x80 >> (len % 8))) | (half ? 0x80 >> (len % 8) : 0);
		for (size_t i = 0; i < nch; i++) {
			if (!prefix_match(h, len + 1, ch[i]->addr))
				continue;
			taken |= ch[i]->len == len + 1;
			sub[k++] = ch[i];
		}
		if (!taken)
			r = find_free(h, len + 1, bits, sub, k, out);
	}
	free(sub);
	return r;
}

static void side_net(const struct policy *p, int family, const uint8_t *a, uint16_t port,
		     struct diff_side *s)
{
	const struct net_rule *r;

	s->action = policy_decide_net(p, family, a, port, &r);
	s->rule = r ? &r->loc : NULL;
}

/* Interval boundaries of the rules of p that cover addr: starts of ranges and ends + 1. */
static size_t port_cuts(const struct policy *p, enum net_rule_kind kind, const uint8_t *addr,
			uint32_t *cut, size_t n)
{
	for (size_t i = 0; i < p->nnet_rules; i++) {
		const struct net_rule *r = &p->net_rules[i];

		if (r->kind != kind || !prefix_match(r->addr, r->prefix, addr))
			continue;
		for (size_t j = 0; j < r->nports; j++) {
			cut[n++] = r->ports[j].lo;
			cut[n++] = (uint32_t)r->ports[j].hi + 1;
		}
	}
	return n;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

static size_t count_ports(const struct policy *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nnet_rules; i++)
		n += p->net_rules[i].nports * 2;
	return n;
}

static bool same_sides(const struct diff_row *row, const struct diff_side *sa,
		       const struct diff_side *sb)
{
	return sa->action == row->a.action && sa->rule == row->a.rule &&
	       sb->action == row->b.action && sb->rule == row->b.rule;
}

/* The rows of the region whose member is addr: one per run of ports decided alike. */
static int port_rows(struct diff_build *db, const struct ctree *t, const uint8_t *addr,
		     struct diff_row *row)
{
	size_t n = 2 + count_ports(db->a) + count_ports(db->b), k = 0;
	uint32_t *cut = malloc(n * sizeof(*cut));
	bool open = false;
	int r = 0;

	if (!cut)
		return -ENOMEM;
	cut[k++] = 0;
	cut[k++] = 65536;
	k = port_cuts(db->a, t->kind, addr, cut, k);
	k = port_cuts(db->b, t->kind, addr, cut, k);
	qsort(cut, k, sizeof(*cut), cmp_u32);
	for (size_t i = 0; i + 1 < k && !r; i++) {
		struct diff_side sa, sb;

		if (cut[i] == cut[i + 1])
			continue;
		side_net(db->a, t->family, addr, cut[i], &sa);
		side_net(db->b, t->family, addr, cut[i], &sb);
		if (open && same_sides(row, &sa, &sb)) {
			row->port_hi = cut[i + 1] - 1;
			continue;
		}
		if (open && row->a.action != row->b.action)
			r = diff_add_row(db, row);
		row->a = sa;
		row->b = sb;
		row->port_lo = cut[i];
		row->port_hi = cut[i + 1] - 1;
		open = true;
	}
	if (!r && open && row->a.action != row->b.action)
		r = diff_add_row(db, row);
	free(cut);
	return r;
}

static bool unseen_above(const struct ctree *t, int i)
{
	for (; i >= 0; i = t->n[i].parent)
		if (t->n[i].unseen)
			return true;
	return false;
}

/* Region i (-1: every address no prefix holds). */
static int cidr_region(struct diff_build *db, const struct ctree *t, int i)
{
	static const uint8_t zero[16];
	const struct cnode **ch = malloc((t->len + 1) * sizeof(*ch));
	struct diff_row row = { .kind = DIFF_NET, .family = t->family, .below = true,
				.rest = i < 0 };
	char **names = calloc(t->len + 1, sizeof(*names));
	uint8_t addr[16];
	size_t nch = 0;
	int r;

	if (!ch || !names) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t j = 0; j < t->len; j++) {
		if (t->n[j].parent != i)
			continue;
		if (t->n[j].text) /* the addresses never judged as themselves go unnamed */
			names[row.nexcept++] = (char *)t->n[j].text;
		ch[nch++] = &t->n[j];
	}
	row.except = names;
	row.region = (char *)(i < 0 ? (t->family == AF_INET ? "0.0.0.0/0" : "::/0") : t->n[i].text);
	r = find_free(i < 0 ? zero : t->n[i].addr, i < 0 ? 0 : t->n[i].len, t->bits, ch, nch,
		      addr);
	if (r > 0)
		r = port_rows(db, t, addr, &row);
out:
	free(ch);
	free(names);
	return r;
}

static int cidr_rules(struct ctree *t, const struct policy *p)
{
	int r = 0;

	for (size_t i = 0; i < p->nnet_rules && !r; i++)
		if (p->net_rules[i].kind == t->kind)
			r = cadd(t, p->net_rules[i].addr, p->net_rules[i].prefix,
				 p->net_rules[i].text, false);
	return r;
}

static int diff_family(struct diff_build *db, int family)
{
	static const uint8_t zero[16], mapped[16] = { [10] = 0xff, [11] = 0xff };
	struct ctree t = { .family = family, .bits = family == AF_INET ? 32 : 128,
			   .kind = family == AF_INET ? NET_RULE_CIDR4 : NET_RULE_CIDR6 };
	bool root = false;
	int r = cidr_rules(&t, db->a);

	r = r ?: cidr_rules(&t, db->b);
	r = r ?: cadd(&t, zero, t.bits, NULL, true);
	if (family == AF_INET6)
		r = r ?: cadd(&t, mapped, 96, NULL, true);
	if (!r)
		clink(&t);
	for (size_t i = 0; i < t.len && !r; i++) {
		root |= t.n[i].len == 0;
		if (!unseen_above(&t, i))
			r = cidr_region(db, &t, i);
	}
	if (!r && !root)
		r = cidr_region(db, &t, -1);
	free(t.n);
	return r;
}

static bool unix_covers(const char *outer, const char *inner)
{
	size_t n = strlen(outer);

	return n && outer[n - 1] == '/' && strcmp(outer, inner) && !strncmp(outer, inner, n);
}

static void side_unix(const struct policy *p, const char *path, struct diff_side *s)
{
	const struct net_rule *r;

	s->action = policy_decide_unix(p, path, &r);
	s->rule = r ? &r->loc : NULL;
}

static int unix_region(struct diff_build *db, const struct ptree *t, int i)
{
	const char *path = i < 0 ? "" : t->n[i].name;
	struct diff_row row = { .kind = DIFF_UNIX, .rest = i < 0 };
	int r;

	side_unix(db->a, path, &row.a);
	side_unix(db->b, path, &row.b);
	if (row.a.action == row.b.action)
		return 0;
	row.region = (char *)(i < 0 ? "" : t->n[i].written);
	row.below = i < 0 || path[strlen(path) - 1] == '/';
	r = ptree_children(t, i, &row.except, &row.nexcept);
	r = r ?: diff_add_row(db, &row);
	free(row.except);
	return r;
}

static int unix_rules(struct ptree *t, const struct policy *p)
{
	int r = 0;

	for (size_t i = 0; i < p->nnet_rules && !r; i++)
		if (p->net_rules[i].kind == NET_RULE_UNIX)
			r = ptree_add(t, p->net_rules[i].unix_path, p->net_rules[i].text);
	return r;
}

static int diff_unix(struct diff_build *db)
{
	struct ptree t = { .covers = unix_covers };
	int r = unix_rules(&t, db->a);

	r = r ?: unix_rules(&t, db->b);
	if (!r)
		ptree_link(&t);
	for (size_t i = 0; i < t.len && !r; i++)
		r = unix_region(db, &t, i);
	r = r ?: unix_region(db, &t, -1);
	ptree_free(&t);
	return r;
}

int diff_network(struct diff_build *db)
{
	int r = diff_family(db, AF_INET);

	r = r ?: diff_family(db, AF_INET6);
	return r ?: diff_unix(db);
}
