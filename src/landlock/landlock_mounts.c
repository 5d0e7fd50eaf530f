// SPDX-License-Identifier: GPL-2.0-only
/*
 * Read-only trees: where the files layer may grant the truncate right
 * together with read, at no loss.
 *
 * Why. Landlock works out at every open(2) whether the file may later be
 * truncated (the right is "optional": asked for on every open of a file,
 * and kept in the open file for ftruncate and O_TRUNC). When the files
 * layer handles the right and no rule on the way up grants it, which is
 * the case for every file the policy lets the agent only read, the
 * kernel walks from the file up to the root on every open, taking and
 * dropping a reference on every directory on the way: the hottest
 * dentries of the machine ("/", /usr, /etc). Stopping the walk at the
 * rule that grants the read needs the rule to grant truncate too.
 *
 * When it loses nothing. Truncating needs write access to the mount the
 * file is reached through: truncate(2) and open(O_TRUNC) get EROFS from a
 * read-only mount before any LSM hook, and ftruncate(2) needs a file
 * opened for writing, which a read-only mount refuses. The run's private
 * world (src/sandbox/) makes every mount read-only except where the policy
 * lets the agent write. A Landlock rule, though, is a rule on an inode and
 * grants beneath it wherever the walk meets that inode: through another
 * mount of the same filesystem (a bind mount), and from mounts hung
 * beneath it. So a rule's tree counts as read-only only when the kernel's
 * own mount table says so:
 *   - the rule's path is on a read-only mount;
 *   - no writable mount of the same filesystem has its root at, above or
 *     beneath the rule's place in that filesystem (same inode reached on
 *     a writable mount, or a writable tree cut out of it);
 *   - no writable mount hangs, through any chain of mounts, on a mount
 *     point at or beneath the rule's place.
 * Anything unknown (a mount table that does not fit, a mount not listed,
 * a path that cannot be read back) is "not read-only": the rule keeps
 * today's rights, which is slower, never weaker.
 *
 * Used in the child that makes the rulesets, after the mounts of the view
 * are made and before the agent exists (the agent can make no mount:
 * Landlock refuses mount calls of a restricted task, and the hardening
 * filter refuses them unless the policy relaxes `mount`, in which case
 * nothing here is used). System calls and plain loops only: no
 * allocation, no stdio, so that it is safe after fork of a threaded
 * process.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "landlock/landlock_internal.h"

/* Parses a decimal number at *s, moving *s past it. Returns false if there is none. */
static bool parse_uint(char **s, unsigned int *v)
{
	char *p = *s;
	unsigned long n = 0;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9' && n <= UINT_MAX)
		n = n * 10 + (unsigned int)(*p++ - '0');
	if (n > UINT_MAX)
		return false;
	*v = (unsigned int)n;
	*s = p;
	return true;
}

/* The next space-separated field of a line, NUL-terminated in place; NULL at the line's end. */
static char *field(char **s, char *end)
{
	char *p = *s, *f;

	while (p < end && *p == ' ')
		p++;
	if (p >= end)
		return NULL;
	f = p;
	while (p < end && *p != ' ')
		p++;
	if (p < end)
		*p++ = '\0';
	*s = p;
	return f;
}

/* Undoes mountinfo's octal escapes (\040 for a space, \134 for a backslash) in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* One line of /proc/self/mountinfo into m; false when it does not read as one. */
static bool parse_line(char *s, char *end, struct landlock_mount *m)
{
	char *root, *point, *opts;

	if (!parse_uint(&s, &m->id) || *s++ != ' ' || !parse_uint(&s, &m->parent) ||
	    *s++ != ' ' || !parse_uint(&s, &m->major) || *s++ != ':' ||
	    !parse_uint(&s, &m->minor))
		return false;
	root = field(&s, end);
	point = field(&s, end);
	opts = field(&s, end);
	if (!root || !point || !opts || root[0] != '/' || point[0] != '/')
		return false;
	unescape(root);
	unescape(point);
	m->root = root;
	m->point = point;
	/* the mount's own flags come first: "ro" or "rw" */
	m->ro = opts[0] == 'r' && opts[1] == 'o' && (opts[2] == ',' || opts[2] == '\0');
	return true;
}

int landlock_mounts_parse(struct landlock_mounts *t, size_t len)
{
	char *s = t->buf, *end = t->buf + len;

	t->n = 0;
	while (s < end) {
		char *nl = memchr(s, '\n', (size_t)(end - s));

		if (!nl)
			return -EINVAL; /* a cut line: the table is not whole */
		*nl = '\0';
		if (t->n == LANDLOCK_MOUNTS_MAX)
			return -E2BIG;
		if (!parse_line(s, nl, &t->m[t->n]))
			return -EINVAL;
		t->n++;
		s = nl + 1;
	}
	return 0;
}

int landlock_mounts_load(struct landlock_mounts *t)
{
	size_t len = 0;
	int e = 0, fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);

	t->n = 0;
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t got = read(fd, t->buf + len, sizeof(t->buf) - len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			e = got < 0 ? -EIO : 0;
			break;
		}
		len += (size_t)got;
		if (len == sizeof(t->buf)) {
			e = -E2BIG; /* it may go on: a part of the table is not the table */
			break;
		}
	}
	close(fd);
	return e < 0 ? e : landlock_mounts_parse(t, len);
}

static const struct landlock_mount *find(const struct landlock_mounts *t, unsigned int id)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->m[i].id == id)
			return &t->m[i];
	return NULL;
}

/* Is p at or beneath base? Both absolute and normalized. */
static bool at_or_under(const char *p, const char *base)
{
	size_t n = strlen(base);

	if (n == 1)
		return true; /* base is "/" */
	return strncmp(p, base, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

/*
 * Where path (a path in the view, at or beneath m's mount point) is in
 * m's filesystem: m's root joined with the rest of path. False when path
 * is not beneath m's mount point or the result does not fit.
 */
static bool fs_path(const struct landlock_mount *m, const char *path, char *out, size_t size)
{
	size_t np = strlen(m->point), nr = strlen(m->root), nrest;
	const char *rest;

	if (!at_or_under(path, m->point))
		return false;
	rest = np == 1 ? path : path + np; /* "" or "/..." */
	if (!strcmp(rest, "/"))
		rest = ""; /* the mount's own root: no trailing slash */
	if (nr == 1 && rest[0])
		nr = 0; /* root "/" and a rest: the rest alone */
	nrest = strlen(rest);
	if (nr + nrest + 1 > size)
		return false;
	memcpy(out, m->root, nr);
	memcpy(out + nr, rest, nrest + 1);
	return true;
}

static bool same_fs(const struct landlock_mount *a, const struct landlock_mount *b)
{
	return a->major == b->major && a->minor == b->minor;
}

/*
 * Does writable mount w reach the inode at fx (filesystem of x): is fx
 * inside w, is w cut out of fx's tree, or does w (through its chain of
 * parents) hang on a mount point at or beneath fx?
 */
static bool reaches(const struct landlock_mounts *t, const struct landlock_mount *w,
		    const struct landlock_mount *x, const char *fx)
{
	const struct landlock_mount *cur = w, *up;
	char mp[PATH_MAX];

	if (same_fs(w, x) && (at_or_under(fx, w->root) || at_or_under(w->root, fx)))
		return true;
	for (size_t hops = 0; hops < t->n; hops++, cur = up) {
		up = find(t, cur->parent);
		if (!up || up == cur)
			return false; /* the top of the view */
		if (!fs_path(up, cur->point, mp, sizeof(mp)))
			return true; /* fail closed: a chain that does not read right */
		if (same_fs(up, x) && at_or_under(mp, fx))
			return true;
	}
	return true; /* fail closed: a loop */
}

bool landlock_mounts_ro_tree(const struct landlock_mounts *t, unsigned int mnt_id,
			     const char *path)
{
	const struct landlock_mount *x = find(t, mnt_id);
	char fx[PATH_MAX];

	/* fail closed: a mount not listed, or writable, or a path not on it */
	if (!x || !x->ro || !fs_path(x, path, fx, sizeof(fx)))
		return false;
	for (size_t i = 0; i < t->n; i++)
		if (!t->m[i].ro && reaches(t, &t->m[i], x, fx))
			return false;
	return true;
}

/* "/proc/self/fd/N" for fd, without stdio. */
static void fd_link(int fd, char *out)
{
	static const char pre[] = "/proc/self/fd/";
	char digits[12];
	size_t n = 0;
	unsigned int v = (unsigned int)fd;

	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < sizeof(digits));
	memcpy(out, pre, sizeof(pre) - 1);
	out += sizeof(pre) - 1;
	while (n)
		*out++ = digits[--n];
	*out = '\0';
}

bool landlock_mounts_ro_fd(const struct landlock_mounts *t, int fd)
{
	static const char deleted[] = " (deleted)";
	char link[32], path[PATH_MAX];
	struct statx sx;
	ssize_t n;

	/* fail closed: without the mount's id or the path, nothing is granted */
	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) < 0 ||
	    !(sx.stx_mask & STATX_MNT_ID))
		return false;
	fd_link(fd, link);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0 || path[0] != '/')
		return false;
	path[n] = '\0';
	if ((size_t)n >= sizeof(deleted) - 1 &&
	    !strcmp(path + n - (sizeof(deleted) - 1), deleted))
		return false;
	return landlock_mounts_ro_tree(t, (unsigned int)sx.stx_mnt_id, path);
}
