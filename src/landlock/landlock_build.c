// SPDX-License-Identifier: GPL-2.0-only
/*
 * From the rulebook to the set of Landlock rules (pure computation).
 *
 * For one section and one access kind the rulebook is a set of decision
 * points: the paths of its rules, each allow or not (deny and review; the
 * first rule of a path in evaluation order wins), plus the section default
 * at "/". Landlock grants an access beneath any path that has a rule, so we
 * emit rules for exactly the allowed hierarchies: an allow point with no
 * other-decision point under it is one rule; one with a deny under it is
 * expanded into its current directory entries, skipping entries that are
 * decision points themselves (they are compiled on their own) and
 * recursing only into entries that lead to a deny. Expansion reads the
 * directories as they are when the policy is compiled; this is O(entries
 * of the expanded directories), bounded by LANDLOCK_MAX_RULES.
 *
 * Everything that cannot be granted exactly is not granted (fail-closed):
 * entries created later in an expanded directory, symlinks met while
 * expanding, allowed paths that do not exist or cannot be read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "landlock/landlock.h"
#include "landlock/landlock_internal.h"
#include "landlock/landlock_uapi.h"

#define MAX_DEPTH 64

struct point {
	const char *path;
	bool allow;
};

/* One (layer, access kind) compilation. */
struct build {
	struct point *pts;
	size_t npts;
	struct stat *denied; /* non-directories that are not allowed, by identity */
	size_t ndenied;
	uint64_t access; /* Landlock rights granted by this kind */
	struct landlock_layer *layer;
	struct landlock_plan *plan;
};

/* Is p strictly beneath base? Both absolute and normalized. */
static bool path_under(const char *p, const char *base)
{
	size_t n = strlen(base);

	if (n == 1 && base[0] == '/')
		return p[0] == '/' && p[1] != '\0';
	return strncmp(p, base, n) == 0 && p[n] == '/';
}

static bool is_point(const struct build *b, const char *path)
{
	for (size_t i = 0; i < b->npts; i++)
		if (strcmp(b->pts[i].path, path) == 0)
			return true;
	return false;
}

/* Is there a point that does not allow strictly beneath path? */
static bool has_block_under(const struct build *b, const char *path)
{
	for (size_t i = 0; i < b->npts; i++)
		if (!b->pts[i].allow && path_under(b->pts[i].path, path))
			return true;
	return false;
}

static int emit_one(struct build *b, const char *path, uint64_t access, bool is_dir)
{
	struct landlock_layer *l = b->layer;
	struct landlock_rule *r;

	if (!is_dir)
		access &= landlock_file_rights();
	if (!access)
		return 0;
	if (l->nrules >= LANDLOCK_MAX_RULES)
		return -E2BIG;
	r = realloc(l->rules, (l->nrules + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	l->rules = r;
	r = &l->rules[l->nrules];
	r->path = strdup(path);
	if (!r->path)
		return -ENOMEM;
	r->access = access;
	r->is_dir = is_dir;
	l->nrules++;
	return 0;
}

/*
 * A Landlock rule on a file is a rule on its inode, which grants through
 * every name of the inode. A file that is another name (hard link) of a
 * denied file therefore gets no rule (fail-closed), or the denied name
 * would be granted too.
 */
static bool is_denied_inode(const struct build *b, const struct stat *st)
{
	for (size_t i = 0; i < b->ndenied; i++)
		if (b->denied[i].st_dev == st->st_dev && b->denied[i].st_ino == st->st_ino)
			return true;
	return false;
}

static int emit(struct build *b, const char *path, const struct stat *st)
{
	if (!S_ISDIR(st->st_mode) && st->st_nlink > 1 && is_denied_inode(b, st))
		return 0;
	return emit_one(b, path, b->access, S_ISDIR(st->st_mode));
}

/* Records the identity of every non-directory point that is not allowed. */
static int collect_denied(struct build *b)
{
	struct stat st, *v;

	for (size_t i = 0; i < b->npts; i++) {
		if (b->pts[i].allow || stat(b->pts[i].path, &st) < 0 || S_ISDIR(st.st_mode))
			continue;
		v = realloc(b->denied, (b->ndenied + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		b->denied = v;
		b->denied[b->ndenied++] = st;
	}
	return 0;
}

/*
 * The type of a directory entry, and its identity when that matters, in
 * st (st_mode always; the rest only as emit() needs it). The directory
 * listing already says whether an entry is a directory or a symbolic link
 * (a mount point is listed with the type of the directory under it, and
 * only a directory can be mounted on one), so only a file that might be
 * another name of a denied file needs its own stat: none when nothing in
 * this kind is denied. Expanding /usr/bin, most of a run's compile, then
 * costs a listing and no stat per entry. Returns 0 or -errno.
 */
static int entry_type(const struct build *b, DIR *d, const struct dirent *de, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	if (de->d_type == DT_DIR || de->d_type == DT_LNK) {
		st->st_mode = de->d_type == DT_DIR ? S_IFDIR : S_IFLNK;
		return 0;
	}
	if (de->d_type != DT_UNKNOWN && b->ndenied == 0) {
		st->st_mode = S_IFREG; /* not a directory: emit() checks nothing more */
		st->st_nlink = 1;
		return 0;
	}
	return fstatat(dirfd(d), de->d_name, st, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

/* Expands the allowed directory dir, which has a blocked point beneath it. */
static int expand(struct build *b, const char *dir, int depth)
{
	char child[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int r = 0;

	if (depth > MAX_DEPTH)
		return -ELOOP;
	/*
	 * The directory itself gets the listing right only, when reading is
	 * what is being granted: without it `ls ~` fails. It is inherited, so
	 * the names (not the contents) inside the denied path can be listed;
	 * stat(2) shows them anyway. Creating entries here stays denied.
	 */
	if (b->access & LANDLOCK_ACCESS_FS_READ_DIR) {
		r = emit_one(b, dir, LANDLOCK_ACCESS_FS_READ_DIR, true);
		if (r < 0)
			return r;
	}
	d = opendir(dir);
	/* Fail-closed: an unreadable directory grants nothing beneath it. */
	if (!d)
		return 0;
	while (r == 0 && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", strcmp(dir, "/") ? dir : "",
			     de->d_name) >= (int)sizeof(child))
			continue; /* fail-closed: too long to name, not granted */
		if (is_point(b, child))
			continue;
		if (entry_type(b, d, de, &st) < 0)
			continue; /* vanished: nothing to grant */
		if (S_ISLNK(st.st_mode)) {
			/* Fail-closed: judged on the path it resolves to. */
			b->plan->nsymlinks++;
			continue;
		}
		if (S_ISDIR(st.st_mode) && has_block_under(b, child))
			r = expand(b, child, depth + 1);
		else
			r = emit(b, child, &st);
	}
	closedir(d);
	return r;
}

/* Emits the rules for every allowed point of b. */
static int build_points(struct build *b)
{
	struct stat st;
	int r = collect_denied(b);

	if (r < 0)
		return r;
	for (size_t i = 0; i < b->npts; i++) {
		const char *p = b->pts[i].path;

		if (!b->pts[i].allow)
			continue;
		if (stat(p, &st) < 0)
			continue; /* fail-closed: a path that does not exist gets no rule */
		if (S_ISDIR(st.st_mode) && has_block_under(b, p))
			r = expand(b, p, 0);
		else
			r = emit(b, p, &st);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Adds a point unless its path already has one (the first in evaluation order wins). */
static int add_point(struct build *b, const char *path, enum sx_action a)
{
	struct point *v;

	if (is_point(b, path))
		return 0;
	v = realloc(b->pts, (b->npts + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	b->pts = v;
	/* Fail-closed: review cannot be held by Landlock, so it is compiled as deny. */
	b->pts[b->npts++] = (struct point){ .path = path, .allow = a == SX_ALLOW };
	return 0;
}

static int check_path(const char *path, const struct policy_loc *loc, const char *what, char *err,
		      size_t errlen)
{
	if (path && path[0] == '/' && strlen(path) < PATH_MAX)
		return 0;
	landlock_err(err, errlen, loc, "%s: path '%s' is not absolute, cannot compile it to Landlock",
		     what, path ? path : "");
	return -EINVAL;
}

/* A denied path that the caller hides otherwise (plan->unexpanded): no point of its own. */
static bool hidden(const struct landlock_plan *plan, const struct file_rule *fr)
{
	for (const char *const *u = plan->unexpanded; fr->action != SX_ALLOW && u && *u; u++)
		if (!strcmp(*u, fr->expanded))
			return true;
	return false;
}

/* files section, one sx_access kind. */
static int build_files_kind(const struct policy *p, struct landlock_plan *plan, unsigned int kind,
			    char *err, size_t errlen)
{
	struct build b = { .layer = &plan->layers[LANDLOCK_LAYER_FILES], .plan = plan };
	int r = 0;

	b.access = landlock_access_for(kind, plan->abi);
	for (size_t i = 0; i < p->nfile_rules && r == 0; i++) {
		const struct file_rule *fr = &p->file_rules[i];

		if (!(fr->access & kind) || hidden(plan, fr))
			continue;
		r = check_path(fr->expanded, &fr->loc, "files", err, errlen);
		if (r == 0)
			r = add_point(&b, fr->expanded, fr->action);
	}
	if (r == 0)
		r = add_point(&b, "/", p->files.def);
	if (r == 0)
		r = build_points(&b);
	free(b.pts);
	free(b.denied);
	return r;
}

/*
 * Could the agent bring a file to path, as far as the files layer (built
 * before the exec layer) says? Making a file, a directory or a symbolic
 * link, or moving one in (refer), in the deepest existing directory above
 * path or beneath a rule of the layer that grants it. Rules and path are
 * compared resolved, as Landlock sees them (a rule on /bin is one on
 * /usr/bin where /bin is a link). Without a files layer, or in doubt: yes.
 */
static bool files_can_make(const struct landlock_plan *plan, const char *path)
{
	const struct landlock_layer *f = &plan->layers[LANDLOCK_LAYER_FILES];
	const uint64_t make = LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR |
			      LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER;
	char dir[PATH_MAX], real[PATH_MAX], rule[PATH_MAX];
	char *slash;

	if (!f->present)
		return true;
	snprintf(dir, sizeof(dir), "%s", path);
	for (;;) { /* the deepest directory above path that exists */
		slash = strrchr(dir, '/');
		if (!slash)
			return true;
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (realpath(dir, real))
			break;
		if (errno != ENOENT || !strcmp(dir, "/"))
			return true;
	}
	for (size_t i = 0; i < f->nrules; i++) {
		if (!(f->rules[i].access & make))
			continue;
		if (!realpath(f->rules[i].path, rule))
			return true;
		if (!strcmp(real, rule) || path_under(real, rule))
			return true;
	}
	return false;
}

/*
 * A denied exec path that does not exist and that the agent cannot make
 * needs no point: nothing there can be executed. Carving it out would
 * expand every allowed directory above it (/usr/bin of the default policy:
 * ~880 rules, 4 ms of each run's start, for binaries most machines lack).
 * A file someone outside the run puts there later is still denied by path
 * by the exec checks; Landlock alone would not deny it. Anything in doubt
 * (the path exists, lstat fails otherwise, the agent could make it) keeps
 * the point (fail closed).
 */
static bool deny_needs_point(const struct landlock_plan *plan, const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 || errno != ENOENT)
		return true;
	return files_can_make(plan, path);
}

static int build_exec(const struct policy *p, struct landlock_plan *plan, char *err, size_t errlen)
{
	struct build b = { .layer = &plan->layers[LANDLOCK_LAYER_EXEC], .plan = plan };
	int r = 0;

	b.access = LANDLOCK_ACCESS_FS_EXECUTE;
	for (size_t i = 0; i < p->nexec_rules && r == 0; i++) {
		const struct exec_rule *er = &p->exec_rules[i];

		if (!er->expanded)
			continue; /* argv rule: enforced by the exec tracer, not by path */
		r = check_path(er->expanded, &er->loc, "exec", err, errlen);
		if (r == 0 && er->action == SX_DENY && !deny_needs_point(plan, er->expanded))
			continue;
		/* review is held and decided by the exec hold, which binds the jury's
		 * allow to the file; Landlock lets it through to be held */
		if (r == 0)
			r = add_point(&b, er->expanded,
				      er->action == SX_REVIEW ? SX_ALLOW : er->action);
	}
	if (r == 0)
		r = add_point(&b, "/", p->exec.def == SX_REVIEW ? SX_ALLOW : p->exec.def);
	if (r == 0)
		r = build_points(&b);
	free(b.pts);
	free(b.denied);
	return r;
}

static int cmp_rule(const void *a, const void *b)
{
	return strcmp(((const struct landlock_rule *)a)->path,
		      ((const struct landlock_rule *)b)->path);
}

/* Sorts by path and merges the rules that several access kinds gave one path. */
static void merge_rules(struct landlock_layer *l)
{
	size_t out = 0;

	if (l->nrules == 0)
		return;
	qsort(l->rules, l->nrules, sizeof(*l->rules), cmp_rule);
	for (size_t i = 1; i < l->nrules; i++) {
		if (strcmp(l->rules[i].path, l->rules[out].path) == 0) {
			l->rules[out].access |= l->rules[i].access;
			free(l->rules[i].path);
		} else {
			l->rules[++out] = l->rules[i];
		}
	}
	l->nrules = out + 1;
}

/* Allowed paths that do not exist (for describe: nothing was granted there). */
static void count_missing(const struct policy *p, struct landlock_plan *plan)
{
	struct stat st;

	for (size_t i = 0; p->files.present && i < p->nfile_rules; i++)
		if (p->file_rules[i].action == SX_ALLOW && stat(p->file_rules[i].expanded, &st) < 0)
			plan->nmissing++;
	for (size_t i = 0; p->exec.present && i < p->nexec_rules; i++)
		if (p->exec_rules[i].action == SX_ALLOW && p->exec_rules[i].expanded &&
		    stat(p->exec_rules[i].expanded, &st) < 0)
			plan->nmissing++;
}

int landlock_build_fs(const struct policy *p, struct landlock_plan *plan, char *err, size_t errlen)
{
	static const unsigned int kinds[] = { SX_ACCESS_READ, SX_ACCESS_WRITE, SX_ACCESS_EXEC };
	int r;

	if (p->files.present) {
		struct landlock_layer *l = &plan->layers[LANDLOCK_LAYER_FILES];

		l->present = true;
		l->handled_fs = landlock_access_for(SX_ACCESS_ALL, plan->abi);
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			r = build_files_kind(p, plan, kinds[i], err, errlen);
			if (r < 0)
				return r;
		}
		merge_rules(l);
	}
	if (p->exec.present) {
		struct landlock_layer *l = &plan->layers[LANDLOCK_LAYER_EXEC];

		l->present = true;
		l->handled_fs = LANDLOCK_ACCESS_FS_EXECUTE;
		r = build_exec(p, plan, err, errlen);
		if (r < 0)
			return r;
		merge_rules(l);
	}
	count_missing(p, plan);
	return 0;
}
