// SPDX-License-Identifier: GPL-2.0-only
/*
 * The files section of a learnt rulebook (generalize.c says the rules).
 * Every use is one (path, kind of access, count). It is first judged by
 * the reference policy: denied by one of its rules (tried, not allowed),
 * allowed by one of its system rules (that rule comes along), or left to
 * be generalized here. A creation is a use of the directory it was made
 * in. What is left collapses into directories, per kind of access: the
 * pairs (directory, entry) of every used path's ancestors are sorted, and
 * a directory with LEARN_DIR_ENTRIES distinct entries or more collapses;
 * a path becomes its highest collapsed ancestor, or stays itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "learn/gen_internal.h"

struct use {
	char *path;
	unsigned int bit;
	unsigned long count;
	bool created;		/* a use of where a creation's rule goes */
	bool create_dir;	/* ... which is the created directory itself */
	bool allowed;		/* the output allows it (not tried) */
};

struct uses {
	struct use *v;
	size_t n;
};

static int use_add(struct uses *u, const char *path, unsigned int bit, unsigned long count,
		   bool created)
{
	struct use *v = realloc(u->v, (u->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	u->v = v;
	v[u->n] = (struct use){ strdup(path), bit, count ? count : 1, created, false, false };
	return v[u->n++].path ? 0 : -ENOMEM;
}

static unsigned long total(const struct gfile *f)
{
	return f->count[0] + f->count[1] + f->count[2];
}

static int tried_denied(struct gen *g, const struct gfile *f)
{
	static const char *const acc[] = { "read", "write", "exec" };
	char what[4200], *w = learn_written(g->in->home, g->in->workspace, f->path);
	int r = 0;

	for (int k = 0; k < 3 && !r; k++) {
		snprintf(what, sizeof(what), "%s %s", acc[k], w ? w : f->path);
		if (f->bits & (1u << k))
			r = gen_tried(g, what, "refused in the learning run", NULL, f->count[k]);
	}
	free(w);
	return r;
}

/* The uses of one path: its own, or, when the run created it, its anchor's. */
static int uses_of(struct gen *g, const struct gfile *f, struct uses *u)
{
	char *anchor;
	int r = 0;

	if (f->flags & OBS_DENIED)
		return tried_denied(g, f);
	if (f->flags & OBS_CREATED) {
		bool dir;
		size_t first = u->n;

		anchor = gen_created_rule(g, f->path, &dir);
		if (!anchor)
			return -ENOMEM;
		/* a creation is a write of the directory; what it did to the new name too */
		r = use_add(u, anchor, SX_ACCESS_WRITE, total(f), true);
		for (int k = 0; k < 3 && !r; k++)
			if (f->bits & (1u << k))
				r = use_add(u, anchor, 1u << k, f->count[k], true);
		for (size_t i = first; i < u->n; i++)
			u->v[i].create_dir = dir;
		free(anchor);
		return r;
	}
	if (f->flags & OBS_ENTRIES)
		r = use_add(u, f->path, SX_ACCESS_WRITE, total(f), true);
	for (int k = 0; k < 3 && !r; k++)
		if (f->bits & (1u << k))
			r = use_add(u, f->path, 1u << k, f->count[k], false);
	return r;
}

static bool system_rule(const struct gen *g, const struct file_rule *fr)
{
	return strcmp(fr->expanded, "/") && !gen_covers(g->in->home, fr->expanded) &&
	       !gen_covers(g->in->workspace, fr->expanded);
}

static struct grule *rule_at(struct gen *g, const char *path, enum gwhy why,
			     const struct file_rule *ref)
{
	struct grule *v;

	for (size_t i = 0; i < g->nr; i++)
		if ((ref && g->r[i].ref == ref) || (!ref && !g->r[i].ref && !strcmp(g->r[i].path, path)))
			return &g->r[i];
	v = realloc(g->r, (g->nr + 1) * sizeof(*v));
	if (!v)
		return NULL;
	g->r = v;
	v[g->nr] = (struct grule){ .path = strdup(path), .why = why, .ref = ref };
	if (ref)
		v[g->nr].bits = ref->access;
	return v[g->nr].path ? &v[g->nr++] : NULL;
}

/* Tried, a system rule, or left to generalize (returned true). */
static int judge(struct gen *g, struct use *u, bool *left)
{
	static const char *const acc[] = { "", "read", "write", "", "exec" };
	const struct file_rule *fr;
	enum sx_action a = policy_decide_file(g->in->ref, u->path, u->bit, &fr);
	char what[4200], *w;

	*left = false;
	if (a != SX_ALLOW && fr) {
		w = learn_written(g->in->home, g->in->workspace, u->path);
		snprintf(what, sizeof(what), "%s %s%s", acc[u->bit], w ? w : u->path,
			 u->created ? " (creating entries)" : "");
		free(w);
		return gen_tried(g, what, "the default policy denies it", &fr->loc, u->count);
	}
	u->allowed = true;
	if (a == SX_ALLOW && fr && system_rule(g, fr))
		return rule_at(g, fr->expanded, GW_SYSTEM, fr) ? 0 : -ENOMEM;
	*left = true;
	if (u->created) {
		struct grule *r = rule_at(g, u->path, GW_CREATED, NULL);

		if (!r)
			return -ENOMEM;
		r->bits |= u->bit;
		r->why = GW_CREATED;
		r->create_dir |= u->create_dir;
		*left = false;
	}
	return 0;
}

/* A directory uses may collapse into: not /, not top-level, not $HOME or above it. */
static bool eligible(const struct gen *g, const char *dir)
{
	const char *slash = strchr(dir + 1, '/');

	if (!strcmp(dir, g->in->workspace) && strcmp(dir, "/"))
		return true;
	return strcmp(dir, "/") && slash && strcmp(dir, g->in->home) && !gen_covers(dir, g->in->home) &&
	       !gen_covers(dir, g->in->workspace);
}

struct pair {
	char *dir;
	const char *entry;	/* points into the path */
	size_t elen;
};

static int by_pair(const void *x, const void *y)
{
	const struct pair *a = x, *b = y;
	int c = strcmp(a->dir, b->dir);

	if (c)
		return c;
	if (a->elen != b->elen)
		return a->elen < b->elen ? -1 : 1;
	return memcmp(a->entry, b->entry, a->elen);
}

/* Appends (ancestor, entry below it) for every eligible ancestor of path. */
static int pairs_of(const struct gen *g, const char *path, struct pair **v, size_t *n)
{
	for (const char *c = strchr(path + 1, '/'); c; c = strchr(c + 1, '/')) {
		struct pair *m;
		char *dir = strndup(path, c - path);
		const char *next = strchr(c + 1, '/');

		if (!dir)
			return -ENOMEM;
		if (!eligible(g, dir)) {
			free(dir);
			continue;
		}
		m = realloc(*v, (*n + 1) * sizeof(*m));
		if (!m) {
			free(dir);
			return -ENOMEM;
		}
		*v = m;
		m[(*n)++] = (struct pair){ dir, c + 1, next ? (size_t)(next - c - 1) : strlen(c + 1) };
	}
	return 0;
}

/* The directories among pairs with LEARN_DIR_ENTRIES distinct entries or more, as GW_DIR rules. */
static int collapse_dirs(struct gen *g, struct pair *v, size_t n, unsigned int bit)
{
	size_t i = 0;

	if (n)
		qsort(v, n, sizeof(*v), by_pair);
	while (i < n) {
		size_t j = i, entries = 0;
		struct grule *r;

		for (; j < n && !strcmp(v[j].dir, v[i].dir); j++)
			entries += j == i || by_pair(&v[j - 1], &v[j]) != 0;
		if (entries >= LEARN_DIR_ENTRIES) {
			r = rule_at(g, v[i].dir, GW_DIR, NULL);
			if (!r)
				return -ENOMEM;
			r->bits |= bit;
			if (r->why != GW_CREATED)
				r->why = GW_DIR;
			if (entries > r->entries)
				r->entries = entries;
		}
		i = j;
	}
	return 0;
}

/* Does a rule of g other than skip, above path or at it, give bit? */
static bool covered(const struct gen *g, const char *path, unsigned int bit, const struct grule *skip)
{
	for (size_t i = 0; i < g->nr; i++)
		if (&g->r[i] != skip && (g->r[i].bits & bit) && gen_covers(g->r[i].path, path))
			return true;
	return false;
}

/* The uses left for bit: collapsed directories first, then each uncovered path itself. */
static int generalize_bit(struct gen *g, struct use *left, size_t n, unsigned int bit)
{
	struct pair *v = NULL;
	size_t np = 0;
	int r = 0;

	for (size_t i = 0; i < n && !r; i++)
		if (left[i].bit == bit && !covered(g, left[i].path, bit, NULL))
			r = pairs_of(g, left[i].path, &v, &np);
	r = r ?: collapse_dirs(g, v, np, bit);
	for (size_t i = 0; i < np; i++)
		free(v[i].dir);
	free(v);
	for (size_t i = 0; i < n && !r; i++) {
		struct grule *gr;

		if (left[i].bit != bit || covered(g, left[i].path, bit, NULL))
			continue;
		gr = rule_at(g, left[i].path, GW_PATH, NULL);
		if (!gr)
			return -ENOMEM;
		gr->bits |= bit;
	}
	return r;
}

/* Takes out of each rule what a rule above it gives already; drops rules left empty. */
static void prune(struct gen *g)
{
	size_t out = 0;

	for (size_t i = 0; i < g->nr; i++) {
		struct grule *r = &g->r[i];

		for (unsigned int bit = 1; r->why != GW_SYSTEM && bit <= SX_ACCESS_EXEC; bit <<= 1)
			for (size_t j = 0; j < g->nr && (r->bits & bit); j++)
				if (j != i && (g->r[j].bits & bit) && strcmp(g->r[j].path, r->path) &&
				    gen_covers(g->r[j].path, r->path))
					r->bits &= ~bit;
	}
	for (size_t i = 0; i < g->nr; i++) {
		if (g->r[i].bits)
			g->r[out++] = g->r[i];
		else
			free(g->r[i].path);
	}
	g->nr = out;
}

/* Each allowed use counts for the deepest rule that gives it. */
static void count_uses(struct gen *g, const struct uses *u)
{
	for (size_t i = 0; i < u->n; i++) {
		struct grule *best = NULL;

		for (size_t j = 0; u->v[i].allowed && j < g->nr; j++)
			if ((g->r[j].bits & u->v[i].bit) && gen_covers(g->r[j].path, u->v[i].path) &&
			    (!best || strlen(g->r[j].path) > strlen(best->path)))
				best = &g->r[j];
		if (best)
			best->uses += u->v[i].count;
	}
}

/* The reference policy's rules first, in its order; then by path. */
static int by_rule(const void *x, const void *y)
{
	const struct grule *a = x, *b = y;

	if (!!a->ref != !!b->ref)
		return a->ref ? -1 : 1;
	if (a->ref)
		return a->ref < b->ref ? -1 : a->ref > b->ref;
	return strcmp(a->path, b->path);
}

int gen_files(struct gen *g)
{
	struct uses u = { 0 };
	struct use *left = NULL;
	size_t nleft = 0;
	int r = 0;

	for (size_t i = 0; i < g->nf && !r; i++)
		r = uses_of(g, &g->f[i], &u);
	left = calloc(u.n + 1, sizeof(*left));
	if (!left)
		r = r ?: -ENOMEM;
	for (size_t i = 0; i < u.n && !r; i++) {
		bool keep;

		r = judge(g, &u.v[i], &keep);
		if (keep)
			left[nleft++] = u.v[i];
	}
	for (unsigned int bit = 1; bit <= SX_ACCESS_EXEC && !r; bit <<= 1)
		r = generalize_bit(g, left, nleft, bit);
	if (!r) {
		prune(g);
		count_uses(g, &u);
		if (g->nr)
			qsort(g->r, g->nr, sizeof(*g->r), by_rule);
	}
	for (size_t i = 0; i < u.n; i++)
		free(u.v[i].path);
	free(u.v);
	free(left);
	return r;
}
