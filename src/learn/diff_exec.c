// SPDX-License-Identifier: GPL-2.0-only
/*
 * `policy diff` for the exec section (learn/diff.h). An exec is decided by
 * the stricter of its best path rule and its best argv rule, and the two
 * are independent (argv[0] is what the agent typed, not the path), so the
 * input space is the product of the path regions (the trie of both
 * policies' exec rule paths, as for files) and the argv classes (the sets
 * of argv strings that the same argv rule wins on each side, found by
 * diff_glob.c). Each pair is decided once, on the region's path and the
 * class's example.
 *
 * An argv class that differs the same way under every path region is one
 * row for any program, rather than one per region.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#include "learn/diff_internal.h"
#include "sevorix/abi.h"

/* Bound of the product walk: states of all argv patterns together. */
#define ARGV_WALK_BYTES (64u << 20)
#define ARGV_WALK_STATES 200000u

struct argv_set {
	const char **pats;	/* distinct pattern texts of both policies */
	size_t n;
	struct glob_class *cls;
	size_t ncls;
	bool complete;
	/* per class: the winning rule on each side, or NULL */
	const struct exec_rule **win_a, **win_b;
	bool *keep;		/* the first class of each (win_a, win_b) */
};

static int pat_index(struct argv_set *s, const char *pat)
{
	const char **v;

	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->pats[i], pat))
			return i;
	v = realloc(s->pats, (s->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->pats = v;
	v[s->n] = pat;
	return s->n++;
}

static int collect(struct argv_set *s, const struct policy *p)
{
	for (size_t i = 0; i < p->nexec_rules; i++) {
		int r = p->exec_rules[i].argv_glob ? pat_index(s, p->exec_rules[i].argv_glob) : 0;

		if (r < 0)
			return r;
	}
	return 0;
}

/* The first argv rule of p, in evaluation order, that class c matches. */
static const struct exec_rule *winner(const struct argv_set *s, const struct policy *p,
				      const struct glob_class *c)
{
	for (size_t i = 0; i < p->nexec_rules; i++) {
		const char *g = p->exec_rules[i].argv_glob;

		if (!g)
			continue;
		for (size_t k = 0; k < s->n; k++)
			if (!strcmp(s->pats[k], g) && (c->match[k / 64] >> (k % 64) & 1))
				return &p->exec_rules[i];
	}
	return NULL;
}

/* Does q have an argv rule with pattern g and action a? */
static bool in_other(const struct policy *q, const char *g, enum sx_action a)
{
	for (size_t i = 0; i < q->nexec_rules; i++)
		if (q->exec_rules[i].argv_glob && !strcmp(q->exec_rules[i].argv_glob, g))
			return q->exec_rules[i].action == a;
	return false;
}

/* Argv rules whose effect the walk could not establish: those not the same on both sides. */
static int undecided(struct diff_build *db, const struct policy *p, const struct policy *q,
		     const char *why)
{
	char what[SX_GLOB_MAX + 16];
	int r = 0;

	for (size_t i = 0; i < p->nexec_rules && !r; i++) {
		const struct exec_rule *x = &p->exec_rules[i];

		if (!x->argv_glob || in_other(q, x->argv_glob, x->action))
			continue;
		snprintf(what, sizeof(what), "argv \"%s\"", x->argv_glob);
		r = diff_add_undecided(db, &x->loc, what, why);
	}
	return r;
}

static int classes(struct diff_build *db, struct argv_set *s)
{
	size_t bytes = (s->n ? s->n : 1) * 16, max = ARGV_WALK_BYTES / bytes;
	const char *why = NULL;
	int r = collect(s, db->a);

	r = r ?: collect(s, db->b);
	if (r)
		return r;
	r = glob_classes(s->pats, s->n, max < ARGV_WALK_STATES ? max : ARGV_WALK_STATES, &s->cls,
			 &s->ncls, &s->complete);
	if (r == -E2BIG)
		why = "more argv patterns than the comparison takes (128)";
	else if (!r && !s->complete)
		why = "the argv patterns' combinations exceed the comparison's bound";
	if (r && r != -E2BIG)
		return r;
	if (why) {
		r = undecided(db, db->a, db->b, why);
		r = r ?: undecided(db, db->b, db->a, why);
	}
	return r;
}

static int winners(struct diff_build *db, struct argv_set *s)
{
	s->win_a = calloc(s->ncls + 1, sizeof(*s->win_a));
	s->win_b = calloc(s->ncls + 1, sizeof(*s->win_b));
	s->keep = calloc(s->ncls + 1, sizeof(*s->keep));
	if (!s->win_a || !s->win_b || !s->keep)
		return -ENOMEM;
	for (size_t i = 0; i < s->ncls; i++) {
		s->win_a[i] = winner(s, db->a, &s->cls[i]);
		s->win_b[i] = winner(s, db->b, &s->cls[i]);
		s->keep[i] = true;
		for (size_t j = 0; j < i && s->keep[i]; j++)
			s->keep[i] = s->win_a[j] != s->win_a[i] || s->win_b[j] != s->win_b[i];
	}
	return 0;
}

static void argv_set_free(struct argv_set *s)
{
	glob_classes_free(s->cls, s->ncls);
	free(s->pats);
	free(s->win_a);
	free(s->win_b);
	free(s->keep);
}

static void side_exec(const struct policy *p, const char *path, const char *argv,
		      struct diff_side *s)
{
	char *v[] = { (char *)argv, NULL };
	const struct exec_rule *r;

	s->action = policy_decide_exec(p, path, v, &r);
	s->rule = r ? &r->loc : NULL;
}

/* A row in the making: path region (-1: the rest), its argv classes, the two sides. */
struct cand {
	int region;
	size_t *cls;
	size_t ncls;
	struct diff_side a, b;
};

struct cands {
	struct cand *v;
	size_t n;
	size_t nkept;		/* argv classes kept (one per pair of winners) */
	size_t nregions;
};

static bool sides_same(const struct cand *x, const struct cand *y)
{
	return x->a.action == y->a.action && x->a.rule == y->a.rule &&
	       x->b.action == y->b.action && x->b.rule == y->b.rule;
}

static bool cand_same(const struct cand *x, const struct cand *y)
{
	return sides_same(x, y) && x->ncls == y->ncls &&
	       !memcmp(x->cls, y->cls, x->ncls * sizeof(*x->cls));
}

/* Adds class k of region i with sides c to the candidate of the same sides, or a new one. */
static int add_cand(struct cands *cs, const struct cand *c, size_t k)
{
	struct cand *m = NULL;
	size_t *v;

	for (size_t i = 0; i < cs->n && !m; i++)
		if (cs->v[i].region == c->region && sides_same(&cs->v[i], c))
			m = &cs->v[i];
	if (!m) {
		m = realloc(cs->v, (cs->n + 1) * sizeof(*m));
		if (!m)
			return -ENOMEM;
		cs->v = m;
		m = &cs->v[cs->n++];
		*m = *c;
	}
	v = realloc(m->cls, (m->ncls + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	m->cls = v;
	v[m->ncls++] = k;
	return 0;
}

static int emit(struct diff_build *db, const struct ptree *t, const struct argv_set *s,
		const struct cands *cs, const struct cand *c, bool any)
{
	struct diff_row row = { .kind = DIFF_EXEC, .rest = c->region < 0, .below = true,
				.any_path = any, .any_argv = c->ncls == cs->nkept,
				.a = c->a, .b = c->b };
	int r = 0;

	row.region = (char *)(c->region < 0 ? "/" : t->n[c->region].written);
	if (!row.any_argv) {
		row.argv = calloc(c->ncls, sizeof(*row.argv));
		if (!row.argv)
			return -ENOMEM;
		row.nargv = c->ncls;
	}
	for (size_t i = 0; i < row.nargv; i++) {
		size_t k = c->cls[i];

		row.argv[i] = (struct diff_argv){ s->win_a[k] ? s->win_a[k]->argv_glob : NULL,
						  s->win_b[k] ? s->win_b[k]->argv_glob : NULL,
						  s->cls[k].example };
	}
	if (!any)
		r = ptree_children(t, c->region, &row.except, &row.nexcept);
	r = r ?: diff_add_row(db, &row);
	free(row.except);
	free(row.argv);
	return r;
}

/* Emits the candidates; one that is the same in every path region is one row. */
static int emit_all(struct diff_build *db, const struct ptree *t, const struct argv_set *s,
		    const struct cands *cs)
{
	bool *done = calloc(cs->n + 1, sizeof(*done));
	int r = 0;

	if (!done)
		return -ENOMEM;
	for (size_t i = 0; i < cs->n && !r; i++) {
		size_t same = 0;

		if (done[i])
			continue;
		for (size_t j = i; j < cs->n; j++)
			same += cand_same(&cs->v[i], &cs->v[j]);
		if (same == cs->nregions && cs->nregions > 1) {
			for (size_t j = i; j < cs->n; j++)
				done[j] |= cand_same(&cs->v[i], &cs->v[j]);
			r = emit(db, t, s, cs, &cs->v[i], true);
		} else {
			r = emit(db, t, s, cs, &cs->v[i], false);
		}
	}
	free(done);
	return r;
}

static int regions(struct diff_build *db, const struct ptree *t, const struct argv_set *s)
{
	struct cands cs = { .nregions = t->len };
	bool root = false;
	int r = 0;

	for (size_t i = 0; i < t->len; i++)
		root |= !strcmp(t->n[i].name, "/");
	for (size_t k = 0; k < s->ncls; k++)
		cs.nkept += s->keep[k];
	cs.nregions += !root;
	for (long i = root ? 0 : -1; i < (long)t->len && !r; i++) {
		const char *path = i < 0 ? "/" : t->n[i].name;

		for (size_t k = 0; k < s->ncls && !r; k++) {
			struct cand c = { .region = i };

			if (!s->keep[k])
				continue;
			side_exec(db->a, path, s->cls[k].example, &c.a);
			side_exec(db->b, path, s->cls[k].example, &c.b);
			if (c.a.action != c.b.action)
				r = add_cand(&cs, &c, k);
		}
	}
	r = r ?: emit_all(db, t, s, &cs);
	for (size_t i = 0; i < cs.n; i++)
		free(cs.v[i].cls);
	free(cs.v);
	return r;
}

static void path_rules(struct ptree *t, const struct policy *p, int *r)
{
	for (size_t i = 0; i < p->nexec_rules && !*r; i++)
		if (p->exec_rules[i].expanded)
			*r = ptree_add(t, p->exec_rules[i].expanded, p->exec_rules[i].path);
}

int diff_exec(struct diff_build *db)
{
	struct ptree t = { .covers = diff_path_covers };
	struct argv_set s = { 0 };
	int r = 0;

	path_rules(&t, db->a, &r);
	path_rules(&t, db->b, &r);
	if (!r)
		ptree_link(&t);
	r = r ?: classes(db, &s);
	r = r ?: winners(db, &s);
	r = r ?: regions(db, &t, &s);
	argv_set_free(&s);
	ptree_free(&t);
	return r;
}
