// SPDX-License-Identifier: GPL-2.0-only
/*
 * The writable set as mount flags. Landlock decides reads, writes and
 * executes by path, but not chmod, chown, utimensat, the xattr calls or
 * (for files opened before) truncate: those are checked by the kernel
 * against the mount, so every mount of the agent's view is read-only
 * except where the policy lets the agent write. The calls then fail with
 * EROFS in the kernel itself, with no check in user space that a racing
 * thread could get around.
 *
 * Points are the paths of the rules, shallow first. Each one that wants
 * another state than the one it inherits from the nearest point above it
 * gets a mount of its own: a read-only one is bound onto itself and made
 * read-only with everything mounted below it; a writable one gets the
 * host's own copy of its tree back (taken before anything was made
 * read-only), so a mount the host made read-only never becomes writable
 * here. O(points^2) over a handful of rules.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sandbox/internal.h"

int sbx_points_add(struct sbx_points *pts, const char *path, const struct file_rule *rule)
{
	const char **paths;
	const struct file_rule **rules;

	for (size_t i = 0; i < pts->n; i++)
		if (!strcmp(pts->paths[i], path))
			return 0;
	paths = realloc(pts->paths, (pts->n + 1) * sizeof(*paths));
	if (!paths)
		return -ENOMEM;
	pts->paths = paths;
	rules = realloc(pts->rules, (pts->n + 1) * sizeof(*rules));
	if (!rules)
		return -ENOMEM;
	pts->rules = rules;
	pts->paths[pts->n] = path;
	pts->rules[pts->n++] = rule;
	return 0;
}

void sbx_points_free(struct sbx_points *pts)
{
	free(pts->paths);
	free(pts->rules);
	*pts = (struct sbx_points){ 0 };
}

size_t sbx_depth(const char *p)
{
	size_t n = 0;

	for (; *p; p++)
		n += *p == '/';
	return n;
}

void sbx_points_sort(struct sbx_points *pts)
{
	/* insertion sort: a policy has tens of rules */
	for (size_t i = 1; i < pts->n; i++) {
		const char *p = pts->paths[i];
		const struct file_rule *r = pts->rules[i];
		size_t j = i;

		while (j > 0 && (sbx_depth(pts->paths[j - 1]) > sbx_depth(p) ||
				 (sbx_depth(pts->paths[j - 1]) == sbx_depth(p) &&
				  strcmp(pts->paths[j - 1], p) > 0))) {
			pts->paths[j] = pts->paths[j - 1];
			pts->rules[j] = pts->rules[j - 1];
			j--;
		}
		pts->paths[j] = p;
		pts->rules[j] = r;
	}
}

/* The state of the nearest point above i (already decided), or base. */
static bool inherited(const struct sbx_points *pts, const bool *state, size_t i, bool base)
{
	size_t best = 0, at = (size_t)-1;

	for (size_t j = 0; j < i; j++)
		if (sbx_under(pts->paths[i], pts->paths[j]) && strlen(pts->paths[j]) > best) {
			best = strlen(pts->paths[j]);
			at = j;
		}
	return at == (size_t)-1 ? base : state[at];
}

/* A writable point: the host's copy of its tree, taken first, mounted on it. */
static int give_back(struct sandbox *sb, struct sandbox *pre, const char *path,
		     const struct file_rule *rule)
{
	struct sbx_step *c = sbx_add(pre, SBX_CLONE, path, "a copy of a writable path");
	struct sbx_step *a;

	if (!c)
		return -ENOMEM;
	c->slot = (int)sb->nslots++;
	c->rule = rule;
	a = sbx_add(sb, SBX_ATTACH, path, "the writable path");
	if (!a)
		return -ENOMEM;
	a->slot = c->slot;
	a->rule = rule;
	pre->nslots = sb->nslots;
	return 0;
}

/* A read-only point: its own mount, read-only with everything below it. */
static int take_away(struct sandbox *sb, const char *path, const struct file_rule *rule)
{
	struct sbx_step *s = sbx_add(sb, SBX_BIND_SELF, path, "a read-only path");

	if (!s)
		return -ENOMEM;
	s->rule = rule;
	s = sbx_add(sb, SBX_READONLY, path, "a read-only path");
	if (!s)
		return -ENOMEM;
	s->flags = SBX_RO;
	s->rule = rule;
	return 0;
}

/* pts: the points, sorted; those with no point above them inherit base. */
int sbx_plan_writable(struct sandbox *sb, struct sandbox *pre, const struct sbx_points *pts,
		      bool base)
{
	bool *state = calloc(pts->n + 1, sizeof(*state));
	int r = 0;

	if (!state)
		return -ENOMEM;
	for (size_t i = 0; i < pts->n && !r; i++) {
		const char *path = pts->paths[i];
		bool want = sbx_writable(sb->p, path), had = inherited(pts, state, i, base);
		struct stat st;

		state[i] = had;
		if (stat(path, &st) < 0)
			continue; /* nothing there: Landlock grants nothing either */
		state[i] = want;
		if (want == had)
			continue;
		r = want ? give_back(sb, pre, path, pts->rules[i]) :
			   take_away(sb, path, pts->rules[i]);
	}
	free(state);
	return r;
}
