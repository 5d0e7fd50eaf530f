// SPDX-License-Identifier: GPL-2.0-only
/*
 * Masks: a denied path under an allowed one, hidden in the agent's view.
 *
 * Landlock can only allow, so a deny inside an allow used to be compiled
 * by expanding the allowed directory into its entries, which refused
 * every new name in it (a new file in ${HOME} next to a denied
 * ${HOME}/.ssh). A mount says it directly: an empty tmpfs over a denied
 * directory, an empty file over a denied file, both read-only, owned by
 * root and mode 000, so that the agent's read fails with EACCES (which is
 * logged as a denial) and nothing can be created, renamed or removed
 * there (the mount point is busy). Landlock then keeps the allowed parent
 * whole, and new names in it work.
 *
 * Not every deny can be a mask (Landlock's expansion stays for those, as
 * before): a rule that denies only some kinds of access, or that has an
 * allowed path beneath it (the mask would hide it); a file with other
 * hard links (a mask covers one name, the links would stay readable); and
 * a path that does not exist when the run starts (a mount needs a place
 * to sit). The last is said at start, with its remedy (`create:`). In a
 * private /tmp such a path needs nothing: no one outside the run can
 * create it there.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "sandbox/internal.h"

/* made on the run's fresh /dev/shm, bound over each denied file, then unlinked */
#define MASK_FILE_SRC "/dev/shm/.sevorix-mask"

bool sbx_maskable(const struct policy *p, const struct file_rule *r)
{
	static const unsigned int kinds[] = { SX_ACCESS_READ, SX_ACCESS_WRITE, SX_ACCESS_EXEC };
	const struct file_rule *by;

	if (r->action != SX_DENY || !p->files.present || !strcmp(r->expanded, "/"))
		return false;
	for (size_t i = 0; i < 3; i++)
		if (policy_decide_file(p, r->expanded, kinds[i], &by) != SX_DENY)
			return false;
	for (size_t i = 0; i < p->nfile_rules; i++)
		if (p->file_rules[i].action == SX_ALLOW &&
		    sbx_under(p->file_rules[i].expanded, r->expanded))
			return false;
	return true;
}

/* The outermost allow rule above path, or NULL (then only a default allow reaches it). */
static const struct file_rule *allowed_above(const struct policy *p, const char *path)
{
	const struct file_rule *best = NULL;

	for (size_t i = 0; i < p->nfile_rules; i++) {
		const struct file_rule *q = &p->file_rules[i];

		if (q->action == SX_ALLOW && sbx_under(path, q->expanded) &&
		    (!best || strlen(q->expanded) < strlen(best->expanded)))
			best = q;
	}
	return best;
}

bool sbx_needs_hiding(const struct policy *p, const char *path)
{
	return p->files.def == SX_ALLOW || allowed_above(p, path);
}

static bool have_shm(void)
{
	struct stat st;

	return stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode);
}

bool sbx_masked(const struct policy *p, const struct file_rule *r)
{
	struct stat st;

	if (!sbx_maskable(p, r) || !sbx_needs_hiding(p, r->expanded) ||
	    stat(r->expanded, &st) < 0)
		return false;
	return S_ISDIR(st.st_mode) || (st.st_nlink == 1 && have_shm());
}

bool sbx_under_bound(const struct sbx_points *bound, const char *path)
{
	for (size_t i = 0; i < bound->n; i++)
		if (!strcmp(bound->paths[i], path) || sbx_under(path, bound->paths[i]))
			return true;
	return false;
}

/* A denied path that cannot be masked: Landlock expands above it, and the user is told. */
static int not_masked(struct sandbox *sb, const struct file_rule *r, const char *reason)
{
	const struct file_rule *a = allowed_above(sb->p, r->expanded);
	char dir[PATH_MAX];
	struct stat st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", r->expanded);
	while ((slash = strrchr(dir, '/')) && slash != dir && (*slash = 0, stat(dir, &st) < 0))
		;
	if (slash == dir)
		strcpy(dir, "/");
	return sbx_note(sb,
			"%s (%s:%u) %s: new names directly in %s%s%s are refused while it is "
			"so (sevorix-policy(5), Masks)",
			r->expanded, r->loc.file ? r->loc.file : "?", r->loc.line, reason,
			a ? a->expanded : "/",
			strcmp(dir, a ? a->expanded : "/") ? " and the directories down to " : "",
			strcmp(dir, a ? a->expanded : "/") ? dir : "");
}

/*
 * An empty mode-000 file, made on the run's own /dev/shm, bound over each
 * denied file and unlinked there: the binds keep it, the agent finds
 * /dev/shm empty.
 */
static int plan_file_masks(struct sandbox *sb, const struct file_rule **files, size_t n)
{
	struct sbx_step *s;

	if (!n)
		return 0;
	if (!sbx_add(sb, SBX_FILE, MASK_FILE_SRC, "the masks of denied files"))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		s = sbx_add(sb, SBX_MASK_FILE, files[i]->expanded, "a mask over a denied file");
		if (!s || !(s->src = strdup(MASK_FILE_SRC)))
			return -ENOMEM;
		s->rule = files[i];
		/* under /proc: the host's entry may have no twin in the run's /proc */
		s->optional = sbx_under(files[i]->expanded, "/proc");
	}
	return sbx_add(sb, SBX_UNLINK, MASK_FILE_SRC, "the masks of denied files") ? 0 : -ENOMEM;
}

/* Under the run's fresh /dev/shm or mqueue, nothing of the host's is there to hide. */
static bool in_fresh_fs(const char *path)
{
	return !strcmp(path, "/dev/shm") || sbx_under(path, "/dev/shm") ||
	       !strcmp(path, "/dev/mqueue") || sbx_under(path, "/dev/mqueue");
}

/* One denied rule: a mask step, a file to mask, or a note. */
static int plan_one(struct sandbox *sb, const struct file_rule *r, bool tmp_private, bool shm,
		    const struct sbx_points *bound, const struct file_rule ***files, size_t *nfiles)
{
	bool in_tmp = tmp_private &&
		      (!strcmp(r->expanded, "/tmp") || sbx_under(r->expanded, "/tmp"));
	const struct file_rule **v;
	struct stat st;
	struct sbx_step *s;

	if (stat(r->expanded, &st) < 0) {
		if (in_tmp && !sbx_under_bound(bound, r->expanded))
			return sbx_unexpanded(sb,
					      r->expanded); /* nothing outside can put it there */
		return not_masked(sb, r, "does not exist, so it cannot be masked");
	}
	if (in_fresh_fs(r->expanded))
		return sbx_unexpanded(sb, r->expanded);
	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1)
		return not_masked(sb, r, "has other hard links, so it is not masked");
	if (!S_ISDIR(st.st_mode) && !shm)
		return not_masked(sb, r,
				  "is a file, and files are masked from /dev/shm, "
				  "which this system lacks");
	if (S_ISDIR(st.st_mode)) {
		s = sbx_add(sb, SBX_MASK_DIR, r->expanded, "a mask over a denied directory");
		if (!s)
			return -ENOMEM;
		s->rule = r;
		s->flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
		s->optional = sbx_under(r->expanded, "/proc"); /* gone with the host's /proc */
	} else {
		v = realloc(*files, (*nfiles + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		*files = v;
		v[(*nfiles)++] = r;
	}
	return sbx_unexpanded(sb, r->expanded);
}

int sbx_plan_masks(struct sandbox *sb, bool tmp_private, bool shm, const struct sbx_points *bound)
{
	const struct policy *p = sb->p;
	const struct file_rule **files = NULL;
	size_t nfiles = 0;
	int r = 0;

	for (size_t i = 0; i < p->nfile_rules && !r; i++) {
		const struct file_rule *fr = &p->file_rules[i];

		if (fr->action == SX_DENY && sbx_needs_hiding(p, fr->expanded)) {
			if (sbx_maskable(p, fr))
				r = plan_one(sb, fr, tmp_private, shm, bound, &files, &nfiles);
		}
	}
	if (!r)
		r = plan_file_masks(sb, files, nfiles);
	free(files);
	return r;
}
