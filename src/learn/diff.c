// SPDX-License-Identifier: GPL-2.0-only
/*
 * `policy diff` (learn/diff.h): the region trees, the files section and
 * the settings outside the rule sections. The network and exec sections
 * have files of their own (diff_net.c, diff_exec.c).
 *
 * Files: every access kind is decided over the same trie of rule paths
 * (both policies' rules, all kinds), since the rules covering a path are
 * exactly the rule paths that are its ancestors: two paths under the same
 * deepest node are covered by the same rules of either policy, so the node
 * itself stands for its whole region. A region's row names the kinds of
 * access that differ there, grouped when both sides' deciding rules are
 * the same for them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/diff_internal.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void row_free(struct diff_row *r)
{
	free(r->region);
	for (size_t i = 0; i < r->nexcept; i++)
		free(r->except[i]);
	free(r->except);
	for (size_t i = 0; i < r->nargv; i++) {
		free(r->argv[i].a);
		free(r->argv[i].b);
		free(r->argv[i].example);
	}
	free(r->argv);
	free(r->text_a);
	free(r->text_b);
}

int diff_add_row(struct diff_build *db, const struct diff_row *row)
{
	struct policy_diff *d = db->d;
	struct diff_row *rows = realloc(d->rows, (d->nrows + 1) * sizeof(*rows));
	struct diff_row *r;

	if (!rows)
		return -ENOMEM;
	d->rows = rows;
	r = &rows[d->nrows];
	*r = *row;
	r->region = dup_or_null(row->region);
	r->argv = row->nargv ? calloc(row->nargv, sizeof(*r->argv)) : NULL;
	for (size_t i = 0; r->argv && i < row->nargv; i++)
		r->argv[i] = (struct diff_argv){ dup_or_null(row->argv[i].a),
						 dup_or_null(row->argv[i].b),
						 strdup(row->argv[i].example) };
	r->text_a = dup_or_null(row->text_a);
	r->text_b = dup_or_null(row->text_b);
	r->except = row->nexcept ? calloc(row->nexcept, sizeof(char *)) : NULL;
	for (size_t i = 0; r->except && i < row->nexcept; i++)
		r->except[i] = strdup(row->except[i]);
	d->nrows++;
	if ((row->nexcept && !r->except) || (row->region && !r->region) ||
	    (row->nargv && !r->argv)) {
		row_free(r);
		d->nrows--;
		return -ENOMEM;
	}
	return 0;
}

int diff_add_undecided(struct diff_build *db, const struct policy_loc *rule, const char *what,
		       const char *why)
{
	struct policy_diff *d = db->d;
	struct diff_undecided *u = realloc(d->und, (d->nund + 1) * sizeof(*u));

	if (!u)
		return -ENOMEM;
	d->und = u;
	u[d->nund] = (struct diff_undecided){ rule, strdup(what), strdup(why) };
	if (!u[d->nund].what || !u[d->nund].why) {
		free(u[d->nund].what);
		free(u[d->nund].why);
		return -ENOMEM;
	}
	d->nund++;
	return 0;
}

bool diff_path_covers(const char *outer, const char *inner)
{
	size_t n = strlen(outer);

	if (!strcmp(outer, inner))
		return false;
	if (!strcmp(outer, "/"))
		return inner[0] == '/';
	return !strncmp(outer, inner, n) && inner[n] == '/';
}

int ptree_add(struct ptree *t, const char *name, const char *written)
{
	struct pnode *n;

	for (size_t i = 0; i < t->len; i++) {
		if (strcmp(t->n[i].name, name))
			continue;
		if (written && strstr(written, "${") && !strstr(t->n[i].written, "${"))
			t->n[i].written = written;
		return 0;
	}
	n = realloc(t->n, (t->len + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	t->n = n;
	n[t->len++] = (struct pnode){ name, written ? written : name, -1 };
	return 0;
}

static int by_name(const void *x, const void *y)
{
	return strcmp(((const struct pnode *)x)->name, ((const struct pnode *)y)->name);
}

/* Sorted by name (a node before what it covers); O(nodes^2): rulebooks hold hundreds of rules. */
void ptree_link(struct ptree *t)
{
	if (t->len)
		qsort(t->n, t->len, sizeof(*t->n), by_name);
	for (size_t i = 0; i < t->len; i++) {
		int best = -1;

		for (size_t j = 0; j < t->len; j++) {
			if (i == j || !t->covers(t->n[j].name, t->n[i].name))
				continue;
			if (best < 0 || t->covers(t->n[best].name, t->n[j].name))
				best = j;
		}
		t->n[i].parent = best;
	}
}

int ptree_children(const struct ptree *t, int i, char ***ret, size_t *n)
{
	char **v = NULL;
	size_t k = 0;

	for (size_t j = 0; j < t->len; j++) {
		char **m;

		if (t->n[j].parent != i || (int)j == i)
			continue;
		m = realloc(v, (k + 1) * sizeof(*m));
		if (!m) {
			free(v);
			return -ENOMEM;
		}
		v = m;
		v[k++] = (char *)t->n[j].written;
	}
	*ret = v;
	*n = k;
	return 0;
}

void ptree_free(struct ptree *t)
{
	free(t->n);
	t->n = NULL;
	t->len = 0;
}

static void side_file(const struct policy *p, const char *path, unsigned int bit,
		      struct diff_side *s)
{
	const struct file_rule *r;

	s->action = policy_decide_file(p, path, bit, &r);
	s->rule = r ? &r->loc : NULL;
}

static bool same_side(const struct diff_side *x, const struct diff_side *y)
{
	return x->action == y->action && x->rule == y->rule;
}

/* The rows of one files region: node i of t, or the rest (-1) with path "/". */
static int files_region(struct diff_build *db, const struct ptree *t, int i)
{
	const char *path = i < 0 ? "/" : t->n[i].name;
	struct diff_side sa[3], sb[3];
	bool done[3] = { false };
	char **except;
	size_t nexcept;
	int r = ptree_children(t, i, &except, &nexcept);

	for (int k = 0; k < 3 && !r; k++) {
		side_file(db->a, path, 1u << k, &sa[k]);
		side_file(db->b, path, 1u << k, &sb[k]);
	}
	for (int k = 0; k < 3 && !r; k++) {
		struct diff_row row = { .kind = DIFF_FILES, .rest = i < 0, .below = true,
					.region = (char *)(i < 0 ? "/" : t->n[i].written),
					.except = except, .nexcept = nexcept,
					.a = sa[k], .b = sb[k] };

		if (done[k] || sa[k].action == sb[k].action)
			continue;
		for (int m = k; m < 3; m++) {
			if (!done[m] && same_side(&sa[m], &sa[k]) && same_side(&sb[m], &sb[k])) {
				row.access |= 1u << m;
				done[m] = true;
			}
		}
		r = diff_add_row(db, &row);
	}
	free(except);
	return r;
}

static void add_file_rules(struct ptree *t, const struct policy *p, int *r)
{
	for (size_t i = 0; i < p->nfile_rules && !*r; i++)
		*r = ptree_add(t, p->file_rules[i].expanded, p->file_rules[i].path);
}

static int diff_files(struct diff_build *db)
{
	struct ptree t = { .covers = diff_path_covers };
	bool root = false;
	int r = 0;

	add_file_rules(&t, db->a, &r);
	add_file_rules(&t, db->b, &r);
	if (!r)
		ptree_link(&t);
	for (size_t i = 0; i < t.len && !r; i++) {
		root |= !strcmp(t.n[i].name, "/");
		r = files_region(db, &t, i);
	}
	if (!r && !root)
		r = files_region(db, &t, -1);
	ptree_free(&t);
	return r;
}

static int setting(struct diff_build *db, const char *name, const char *va, const char *vb)
{
	struct diff_row row = { .kind = DIFF_SETTING, .region = (char *)name,
				.text_a = (char *)va, .text_b = (char *)vb };

	return strcmp(va, vb) ? diff_add_row(db, &row) : 0;
}

static int diff_hardening(struct diff_build *db)
{
	const char *const *names = hardening_allow_names();
	char name[64];
	int r = 0;

	for (size_t i = 0; names[i] && !r; i++) {
		unsigned int bit;

		if (hardening_allow_from_name(names[i], &bit) < 0)
			continue;
		snprintf(name, sizeof(name), "hardening %s", names[i]);
		r = setting(db, name, db->a->hardening_allow & bit ? "allowed" : "denied",
			    db->b->hardening_allow & bit ? "allowed" : "denied");
	}
	return r;
}

/* What the rulebook says outside its rule sections, where it changes a decision. */
static int diff_settings(struct diff_build *db)
{
	const struct policy *a = db->a, *b = db->b;
	char da[16], dbl[16];
	int r;

	r = setting(db, "mode", a->mode == SX_MODE_AUDIT ? "audit" : "enforce",
		    b->mode == SX_MODE_AUDIT ? "audit" : "enforce");
	r = r ?: setting(db, "exec.written", sx_action_name(a->exec_written),
			 sx_action_name(b->exec_written));
	r = r ?: setting(db, "exec.loader", sx_action_name(a->exec_loader),
			 sx_action_name(b->exec_loader));
	r = r ?: diff_hardening(db);
	r = r ?: setting(db, "jury.local", a->jury_local, b->jury_local);
	snprintf(da, sizeof(da), "%u", a->review_deadline_ms);
	snprintf(dbl, sizeof(dbl), "%u", b->review_deadline_ms);
	return r ?: setting(db, "review.deadline_ms", da, dbl);
}

void policy_diff_free(struct policy_diff *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nrows; i++)
		row_free(&d->rows[i]);
	for (size_t i = 0; i < d->nund; i++) {
		free(d->und[i].what);
		free(d->und[i].why);
	}
	free(d->rows);
	free(d->und);
	free(d);
}

int policy_diff(const struct policy *a, const struct policy *b, struct policy_diff **ret)
{
	struct diff_build db = { a, b, calloc(1, sizeof(struct policy_diff)) };
	int r;

	*ret = NULL;
	if (!db.d)
		return -ENOMEM;
	r = diff_network(&db);
	r = r ?: diff_files(&db);
	r = r ?: diff_exec(&db);
	r = r ?: diff_settings(&db);
	if (r) {
		policy_diff_free(db.d);
		return r;
	}
	*ret = db.d;
	return 0;
}
