// SPDX-License-Identifier: GPL-2.0-only
/*
 * Opening what a trapped exec names, as the agent would reach it. The
 * path is text in the agent's memory, meant for the agent's root, cwd,
 * descriptors and mounts (its own /tmp, its own /proc under a PID
 * namespace), so it is resolved from the agent's /proc/TID/{root,cwd,fd}
 * and never against the supervisor's own view:
 *
 *  - an absolute symlink restarts at the agent's root, and ".." stops there;
 *  - /proc/self and /proc/thread-self mean the agent, in the PID namespace
 *    of the proc mount being walked (read from /proc/TID/status);
 *  - the magic links of /proc/PID (exe, cwd, root, fd/N) are followed by
 *    the kernel from the supervisor's side: they lead to the agent's own
 *    objects (re-exec through /proc/self/exe, exec of /dev/fd/N).
 *
 * The common case costs one openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
 * from the agent's root; a path that needs a magic link, goes through a
 * /proc mount or fails for any reason is walked one component at a time.
 *
 * What this finds only decides; it is not what runs. The kernel checks
 * that the image it loads is the file approved here (bpf/exec.bpf.c), so
 * a wrong resolution can only fail an exec, never let another file run.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "hold/internal.h"

#define MAX_LINKS 40		/* the kernel's MAXSYMLINKS */
#define PROC_ROOT_INO 1
#define WALK_MAX 8192		/* the remaining path, with symlink text spliced in */

struct walk {
	const struct trapped *t;
	int root, cur;		/* O_PATH: the agent's root, where the walk is */
	int links;
	char buf[2][WALK_MAX];	/* the remaining path; a splice writes the other one */
	int which;
};

/*
 * Opens /proc/TID/what (our /proc: the notification's pid is in our
 * namespace), from the hold's /proc when it has one: no walk from "/".
 * What it opens is the trapped task's only when the call is checked
 * valid after it (exec.c) or, after that check, as long as the call
 * lives: a pid is not reused while its task is held.
 */
static int proc_open(const struct trapped *t, const char *what, int flags)
{
	char p[64];
	int fd;

	if (t->proc >= 0) {
		snprintf(p, sizeof(p), "%d/%s", t->pid, what);
		fd = openat(t->proc, p, flags | O_CLOEXEC);
	} else {
		snprintf(p, sizeof(p), "/proc/%d/%s", t->pid, what);
		fd = open(p, flags | O_CLOEXEC);
	}
	return fd < 0 ? -errno : fd;
}

/* A root's mount (unique id), device and inode (internal.h, struct root_entry). */
struct root_key {
	uint64_t mnt, dev, ino;
};

/* The key of the directory at dirfd/path; false when the kernel gives no unique mount id. */
static bool root_key_of(int dirfd, const char *path, int flags, struct root_key *k)
{
	const unsigned int need = STATX_INO | STATX_MNT_ID_UNIQUE;
	struct statx sx;

	if (statx(dirfd, path, flags, need, &sx) < 0 || (sx.stx_mask & need) != need)
		return false;
	*k = (struct root_key){ sx.stx_mnt_id, makedev(sx.stx_dev_major, sx.stx_dev_minor),
				sx.stx_ino };
	return true;
}

/* The kept root of key k, or -1; under h->lock. */
static int root_find(const struct hold *h, const struct root_key *k)
{
	for (int i = 0; i < h->nroots; i++)
		if (h->roots[i].mnt == k->mnt && h->roots[i].dev == k->dev &&
		    h->roots[i].ino == k->ino)
			return h->roots[i].fd;
	return -1;
}

/* Keeps fd as the root of key k when it is that root and a slot is free; true when kept. */
static bool root_keep(struct hold *h, const struct root_key *k, int fd)
{
	struct root_key got;
	bool kept = false;

	/* the task's root may have changed between the statx and the open (another
	 * thread's chroot): only the very root of k is kept under k */
	if (!root_key_of(fd, "", AT_EMPTY_PATH, &got) || got.mnt != k->mnt || got.dev != k->dev ||
	    got.ino != k->ino)
		return false;
	pthread_mutex_lock(&h->lock);
	if (h->nroots < ROOT_CACHE && root_find(h, k) < 0) {
		h->roots[h->nroots++] = (struct root_entry){ k->mnt, k->dev, k->ino, fd };
		kept = true;
	}
	pthread_mutex_unlock(&h->lock);
	return kept;
}

int hold_view_open(struct hold *h, struct trapped *t)
{
	struct root_key k;
	bool keyed;
	char p[64];
	struct stat a;

	t->proc = h->proc;
	/* a root seen before (the same mount and directory) is not opened again */
	snprintf(p, sizeof(p), "%d/root", t->pid);
	keyed = t->proc >= 0 && root_key_of(t->proc, p, 0, &k);
	t->root = -1;
	if (keyed) {
		pthread_mutex_lock(&h->lock);
		t->root = root_find(h, &k);
		pthread_mutex_unlock(&h->lock);
	}
	t->root_kept = t->root >= 0;
	if (!t->root_kept) {
		t->root = proc_open(t, "root", O_PATH | O_DIRECTORY);
		if (t->root < 0)
			return t->root;
		t->root_kept = keyed && root_keep(h, &k, t->root);
	}
	/* /proc/PID belongs to the task's euid, or to root when it is not
	 * dumpable: then it counts as root (the careful side, also when unknown) */
	snprintf(p, sizeof(p), t->proc >= 0 ? "%d" : "/proc/%d", t->pid);
	t->unprivileged = fstatat(t->proc >= 0 ? t->proc : AT_FDCWD, p, &a, 0) == 0 &&
			  a.st_uid != 0;
	/* a kept root is the one of k */
	if (t->root_kept)
		t->root_ours = h->root_known && k.dev == h->root_dev && k.ino == h->root_ino;
	else
		t->root_ours = h->root_known && fstat(t->root, &a) == 0 &&
			       a.st_dev == h->root_dev && a.st_ino == h->root_ino;
	return 0;
}

void hold_view_close(struct trapped *t)
{
	if (t->root >= 0 && !t->root_kept)
		close(t->root);
	t->root = -1;
	t->root_kept = false;
	t->proc = -1; /* the hold's: not closed here */
}

static bool on_proc(int fd, bool root_only)
{
	struct statfs s;
	struct stat st;

	if (fstatfs(fd, &s) < 0 || s.f_type != PROC_SUPER_MAGIC)
		return false;
	return !root_only || (fstat(fd, &st) == 0 && st.st_ino == PROC_ROOT_INO);
}

static bool same_inode(int a, int b)
{
	struct stat x, y;

	return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_dev == y.st_dev &&
	       x.st_ino == y.st_ino;
}

/* The thread group and thread ids of the agent, outermost and innermost namespace. */
static int ns_ids(const struct trapped *t, int tgid[2], int tid[2])
{
	char path[64], line[512];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", t->pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f) && found < 2) {
		int *ids = !strncmp(line, "NStgid:", 7) ? tgid : !strncmp(line, "NSpid:", 6) ? tid : NULL;
		char *p = strchr(line, ':'), *end;

		if (!ids)
			continue;
		found++;
		ids[0] = ids[1] = (int)strtol(p + 1, &end, 10);
		for (p = end; *p && *p != '\n'; p = end) {
			long v = strtol(p, &end, 10);

			if (end == p)
				break;
			ids[1] = (int)v;
		}
	}
	fclose(f);
	return found == 2 ? 0 : -ESRCH;
}

/*
 * /proc/self or /proc/thread-self at the root of the proc mount w->cur:
 * the agent's directory there. A proc mount where "self" is the
 * supervisor belongs to the supervisor's namespace (outermost ids);
 * otherwise to the agent's own (innermost). Returns an O_PATH fd or -errno.
 */
static int proc_self(struct walk *w, bool thread)
{
	char self[32], name[64];
	int tgid[2], tid[2], level, fd, r = ns_ids(w->t, tgid, tid);
	ssize_t n = readlinkat(w->cur, "self", self, sizeof(self) - 1);

	if (r < 0)
		return r;
	self[n > 0 ? n : 0] = 0;
	level = n > 0 && atoi(self) == getpid() ? 0 : 1;
	if (thread)
		snprintf(name, sizeof(name), "%d/task/%d", tgid[level], tid[level]);
	else
		snprintf(name, sizeof(name), "%d", tgid[level]);
	fd = openat(w->cur, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* The walk goes on from fd (which it takes). */
static void move_to(struct walk *w, int fd)
{
	close(w->cur);
	w->cur = fd;
}

/* Makes "text/rest" the remaining path. */
static int splice_text(struct walk *w, const char *text, const char *rest)
{
	char *dst = w->buf[!w->which];
	int n = snprintf(dst, WALK_MAX, "%s/%s", text, rest);

	if (n < 0 || n >= WALK_MAX)
		return -ENAMETOOLONG;
	w->which = !w->which;
	if (text[0] == '/') { /* absolute: from the agent's root again */
		int fd = fcntl(w->root, F_DUPFD_CLOEXEC, 0);

		if (fd < 0)
			return -errno;
		move_to(w, fd);
	}
	return 0;
}

/*
 * A symlink at w->cur/name (next: the rest after it). In /proc, a link
 * whose text is not a relative path ("/usr/bin/node", "pipe:[7]") is a
 * magic link: the kernel follows it to the agent's object.
 */
static int follow(struct walk *w, const char *name, int link, const char *next)
{
	char text[4096];
	ssize_t n;
	int fd;

	if (++w->links > MAX_LINKS)
		return -ELOOP;
	n = readlinkat(link, "", text, sizeof(text) - 1);
	if (n < 0)
		return -errno;
	text[n] = 0;
	if (on_proc(w->cur, false) && (text[0] == '/' || strchr(text, ':'))) {
		fd = openat(w->cur, name, O_PATH | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		move_to(w, fd);
		return 0;
	}
	return splice_text(w, text, next);
}

/* One component: name, with next the rest of the path. Returns 0 or -errno. */
static int step(struct walk *w, const char *name, const char *next, bool nofollow)
{
	bool last = !next[strspn(next, "/")];
	struct stat st;
	int fd, r;

	if (!strcmp(name, "."))
		return 0;
	if (!strcmp(name, "..") && same_inode(w->cur, w->root))
		return 0; /* ".." at the agent's root stays there */
	if ((!strcmp(name, "self") || !strcmp(name, "thread-self")) && !(last && nofollow) &&
	    on_proc(w->cur, true)) {
		fd = proc_self(w, name[0] == 't');
		if (fd < 0)
			return fd;
	} else {
		fd = openat(w->cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	if (fstat(fd, &st) < 0 || !S_ISLNK(st.st_mode) || (last && nofollow)) {
		move_to(w, fd);
		return last && nofollow && S_ISLNK(st.st_mode) ? -ELOOP : 0;
	}
	r = follow(w, name, fd, next);
	close(fd);
	return r;
}

static int walk(struct walk *w, bool nofollow)
{
	const char *p = w->buf[w->which];

	for (;;) {
		int r, before = w->which;
		const char *next;
		char name[256];
		size_t len;

		p += strspn(p, "/");
		if (!*p)
			return 0;
		len = strcspn(p, "/");
		if (len >= sizeof(name))
			return -ENAMETOOLONG;
		memcpy(name, p, len);
		name[len] = 0;
		next = p + len;
		r = step(w, name, next, nofollow);
		if (r < 0)
			return r;
		/* a symlink's text was spliced into the other buffer: go on there */
		p = w->which != before ? w->buf[w->which] : next;
	}
}

/* The walk's result as a readable descriptor. */
static int reopen(int opath)
{
	char p[64];
	int fd;

	snprintf(p, sizeof(p), "/proc/self/fd/%d", opath);
	fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

/* Walks path from start (an O_PATH fd it takes) below root. Returns an fd or -errno. */
static int slow_open(const struct trapped *t, int root, int start, const char *path,
		     bool nofollow)
{
	struct walk *w = malloc(sizeof(*w));
	int r;

	if (!w) {
		close(start);
		return -ENOMEM;
	}
	*w = (struct walk){ .t = t, .root = root, .cur = start };
	snprintf(w->buf[0], WALK_MAX, "%s", path);
	r = walk(w, nofollow);
	r = r < 0 ? r : reopen(w->cur);
	close(w->cur);
	free(w);
	return r;
}

/*
 * One openat2() for the usual case; -EAGAIN when the slow walk must decide.
 * Without magic links, a path that went through /proc/self (as the
 * supervisor) can only end at a file of /proc itself, which the kernel
 * never executes; the hold refuses those as the kernel does (ident.c).
 */
static int fast_open(int start, const char *path, bool absolute, bool nofollow)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0),
		.resolve = absolute ? RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS : RESOLVE_NO_SYMLINKS,
	};
	int fd = syscall(SYS_openat2, start, path, &how, sizeof(how));

	return fd < 0 ? -EAGAIN : fd;
}

int hold_open_as_agent(const struct trapped *t, int dirfd, const char *path, int flags)
{
	bool nofollow = flags & AT_SYMLINK_NOFOLLOW, absolute = path[0] == '/';
	char what[32];
	int root, start, fd;

	if (!*path) {
		if (!(flags & AT_EMPTY_PATH))
			return -ENOENT;
		/* the descriptor itself (AT_FDCWD: the cwd, which exec refuses as a directory) */
		if (dirfd == AT_FDCWD)
			return proc_open(t, "cwd", O_RDONLY | O_NONBLOCK);
		snprintf(what, sizeof(what), "fd/%d", dirfd);
		return proc_open(t, what, O_RDONLY | O_NONBLOCK);
	}
	/* the usual case: one openat2() from the root opened for this call */
	if (absolute && t->root >= 0 && (fd = fast_open(t->root, path, true, nofollow)) != -EAGAIN)
		return fd;
	root = t->root >= 0 ? fcntl(t->root, F_DUPFD_CLOEXEC, 0)
			    : proc_open(t, "root", O_PATH | O_DIRECTORY);
	if (root < 0)
		return root == -1 ? -errno : root;
	if (absolute && t->root < 0 && (fd = fast_open(root, path, true, nofollow)) != -EAGAIN) {
		close(root);
		return fd;
	}
	if (absolute)
		start = fcntl(root, F_DUPFD_CLOEXEC, 0);
	else if (dirfd == AT_FDCWD)
		start = proc_open(t, "cwd", O_PATH | O_DIRECTORY);
	else {
		snprintf(what, sizeof(what), "fd/%d", dirfd);
		start = proc_open(t, what, O_PATH | O_DIRECTORY);
	}
	if (start < 0) {
		start = start == -1 ? -errno : start;
		close(root);
		return start;
	}
	fd = absolute ? -EAGAIN : fast_open(start, path, false, nofollow);
	if (fd == -EAGAIN)
		fd = slow_open(t, root, start, path, nofollow); /* takes start */
	else
		close(start);
	close(root);
	return fd;
}
