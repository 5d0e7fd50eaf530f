// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which rule refused a file access that another layer answered with an
 * error: a function of the path and the policy alone, so that it holds
 * however a layer carries the rule out.
 *
 * First the rulebook's own answer: a path the policy denies (or sends to
 * review, which Landlock cannot hold) was refused by the deciding rule,
 * or by the section's default. A path the policy allows can still be
 * refused where a deny lies inside an allow (`${HOME}` allowed,
 * `${HOME}/.ssh` denied): Landlock only grants, so src/landlock/ grants
 * such an allowed directory entry by entry, as the entries are when the
 * run starts, leading down to the deny (landlock_build.c: expand). Entries
 * created later, symlinks and the directory itself (beyond listing) are
 * then not granted, and the refusal belongs to the deny rule that caused
 * the expansion: of the points that are not allowed beneath the deciding
 * allow rule, the one closest to the path. A denied path that the run's
 * private world hides by other means (a mask over it) is no point of
 * Landlock's (landlock_build.c: hidden) and causes no expansion; the mask
 * refuses only paths the policy denies, and those are named by the first
 * step.
 */
#include <string.h>
#include <sys/stat.h>

#include "events/internal.h"

/* Is p at or beneath base, by whole components? Both absolute, normalized. */
static bool covers(const char *base, const char *p)
{
	size_t n = strlen(base);

	if (n == 1 && base[0] == '/')
		return p[0] == '/';
	return !strncmp(p, base, n) && (p[n] == '/' || p[n] == 0);
}

/* Bytes of the leading components p and q share. */
static size_t common(const char *p, const char *q)
{
	size_t n = 0;

	for (size_t i = 0; p[i] && p[i] == q[i]; i++)
		if (p[i + 1] == '/' || p[i + 1] == 0 || q[i + 1] == '/' || q[i + 1] == 0)
			n = i + 1;
	return n;
}

/* One decision point of a (section, access kind): a rule's path and verdict. */
struct point {
	const char *path;
	bool allow;
	const struct policy_loc *loc;
};

/* A deny the run's world hides, so Landlock has no point for it (as landlock_build.c: hidden). */
static bool hidden(const struct file_op *op, const struct file_rule *fr)
{
	for (const char *const *u = op->hidden; fr->action != SX_ALLOW && u && *u; u++)
		if (!strcmp(*u, fr->expanded))
			return true;
	return false;
}

/* The first point per path in evaluation order, as the Landlock build takes them. */
static size_t file_points(const struct policy *p, const struct file_op *op, unsigned int kind,
			  struct point *pts, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nfile_rules && n < max; i++) {
		const struct file_rule *fr = &p->file_rules[i];
		bool dup = false;

		if (!(fr->access & kind) || !fr->expanded || hidden(op, fr))
			continue;
		for (size_t j = 0; j < n && !dup; j++)
			dup = !strcmp(pts[j].path, fr->expanded);
		if (!dup)
			pts[n++] = (struct point){ fr->expanded, fr->action == SX_ALLOW, &fr->loc };
	}
	return n;
}

/* Exec rules by path; review is held by the hold, so Landlock lets it through. */
static size_t exec_points(const struct policy *p, struct point *pts, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nexec_rules && n < max; i++) {
		const struct exec_rule *er = &p->exec_rules[i];
		bool dup = false;

		if (!er->expanded)
			continue;
		for (size_t j = 0; j < n && !dup; j++)
			dup = !strcmp(pts[j].path, er->expanded);
		if (!dup)
			pts[n++] = (struct point){ er->expanded, er->action != SX_DENY, &er->loc };
	}
	return n;
}

/* The deepest point covering path (points are in evaluation order), else NULL. */
static const struct point *deepest(const struct point *pts, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (covers(pts[i].path, path))
			return &pts[i];
	return NULL;
}

/*
 * Was dir expanded: allowed (by its deepest point, or the allowing default)
 * with a point that is not allowed strictly beneath it? Then Landlock
 * granted it only the listing right and its entries one by one. *block
 * is set to the point beneath it closest to near.
 */
static bool expanded_dir(const struct point *pts, size_t n, bool def_allow, const char *dir,
			 const char *near, const struct point **block)
{
	const struct point *q = deepest(pts, n, dir);
	size_t best = 0;

	*block = NULL;
	if (q ? !q->allow : !def_allow)
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t c;

		if (pts[i].allow || !covers(dir, pts[i].path) || !strcmp(dir, pts[i].path))
			continue;
		c = common(pts[i].path, near);
		if (!*block || c > best) {
			*block = &pts[i];
			best = c;
		}
	}
	return *block != NULL;
}

/*
 * Did the expansion leave path out? When path is an expanded directory
 * itself, anything but listing it (read) is refused. When its parent is,
 * creating or removing path is refused (that needs rights on the parent),
 * and so is any use of an entry that was not there when the rules were
 * compiled, or that is a symlink (expand() grants neither).
 */
static bool expansion(const struct point *pts, size_t n, bool def_allow, const struct file_op *op,
		      unsigned int bit, struct blame *b)
{
	const struct point *block;
	char dir[4096], *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", op->path);
	if (expanded_dir(pts, n, def_allow, dir, op->path, &block)) {
		if (bit == SX_ACCESS_READ && lstat(op->path, &st) == 0 && S_ISDIR(st.st_mode))
			return false; /* the listing right was granted */
	} else {
		slash = strrchr(dir, '/');
		if (!slash || !strcmp(op->path, "/"))
			return false;
		slash[slash == dir] = 0; /* the parent; "/" stays "/" */
		if (!expanded_dir(pts, n, def_allow, dir, op->path, &block))
			return false;
		if (!op->entry && lstat(op->path, &st) == 0 && !S_ISLNK(st.st_mode) &&
		    st.st_ctim.tv_sec < op->started)
			return false; /* there at start: granted, so refused by the file system */
	}
	b->loc = block->loc;
	snprintf(b->expanded, sizeof(b->expanded), "%s", dir);
	return true;
}

#define MAX_POINTS 4096

static bool blame_files(const struct policy *p, const struct file_op *op, struct blame *b)
{
	static struct point pts[MAX_POINTS]; /* one reader thread: the ring buffer's */
	const struct file_rule *fr;

	if (!p->files.present)
		return false;
	if (policy_decide_file(p, op->path, op->access, &fr) != SX_ALLOW) {
		b->loc = fr ? &fr->loc : NULL;
		b->section = "files";
		/* creating or removing the masked name itself needs rights on its
		 * parent, which the mask does not cover: that refusal is Landlock's */
		b->hidden = fr && hidden(op, fr) && !(op->entry && !strcmp(op->path, fr->expanded));
		return true;
	}
	for (unsigned int bit = SX_ACCESS_READ; bit <= SX_ACCESS_EXEC; bit <<= 1) {
		if ((op->access & bit) && expansion(pts, file_points(p, op, bit, pts, MAX_POINTS),
						    p->files.def == SX_ALLOW, op, bit, b)) {
			b->section = "files";
			return true;
		}
	}
	return false;
}

static bool blame_exec(const struct policy *p, const struct file_op *op, struct blame *b)
{
	const char *path = op->path;
	static struct point pts[MAX_POINTS];
	const struct exec_rule *er = NULL;

	if (!p->exec.present)
		return false;
	for (size_t i = 0; i < p->nexec_rules && !er; i++)
		if (p->exec_rules[i].expanded && covers(p->exec_rules[i].expanded, path))
			er = &p->exec_rules[i];
	b->section = "exec";
	if (er ? er->action == SX_DENY : p->exec.def == SX_DENY) {
		b->loc = er ? &er->loc : NULL;
		return true;
	}
	return expansion(pts, exec_points(p, pts, MAX_POINTS), p->exec.def != SX_DENY, op,
			 SX_ACCESS_EXEC, b);
}

bool events_blame_file(const struct policy *p, const struct file_op *op, struct blame *b)
{
	memset(b, 0, sizeof(*b));
	if (op->path[0] != '/')
		return false; /* a name we could not complete: no rule can be named */
	if (blame_files(p, op, b))
		return true;
	return (op->access & SX_ACCESS_EXEC) && blame_exec(p, op, b);
}
