// SPDX-License-Identifier: GPL-2.0-only
/*
 * Answering trapped execs. The arguments live in the agent's memory, which
 * another of its threads may change at any time, so what is read here is
 * only used to decide; what is enforced is bound to the file that was
 * opened and checked (device, inode, ctime) through a one-shot approval
 * that the kernel compares with the image it really loads.
 *
 * Order per notification: open /proc/TID/mem, check the notification is
 * still valid (so TID is still the trapped task, not a recycled pid), read
 * the path and argv, resolve the path against the agent's root, cwd or
 * dirfd, open and identify the file, judge, store the approval, check the
 * notification once more, answer.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "events/events.h"
#include "hold/internal.h"
#include "exec/exec.h"
#include "sevorix/abi.h"
#include "util/sha256.h"

#define ARGV_MAX_ARGS 65536
#define ARGV_MAX_BYTES (1 << 20)

/* Reads a NUL-terminated string at addr; returns its length or -errno. */
static ssize_t read_str(const struct trapped *t, uint64_t addr, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len - 1) {
		ssize_t n = pread(t->mem, buf + got, len - 1 - got < 256 ? len - 1 - got : 256,
				  addr + got);
		char *nul;

		if (n <= 0)
			return n < 0 ? -errno : -EFAULT;
		nul = memchr(buf + got, 0, n);
		if (nul)
			return nul - buf;
		got += n;
	}
	return -ENAMETOOLONG;
}

void hold_free_argv(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* Reads the argv array; NULL with errno set on failure (the exec is then denied). */
static char **read_argv(const struct trapped *t, uint64_t addr)
{
	size_t n = 0, bytes = 0;
	char **argv = calloc(1, sizeof(*argv)), buf[65536];

	while (argv && addr) {
		uint64_t ptr;
		ssize_t len;
		char **more;

		if (pread(t->mem, &ptr, sizeof(ptr), addr + n * sizeof(ptr)) != sizeof(ptr))
			goto fail;
		if (!ptr)
			return argv;
		len = read_str(t, ptr, buf, sizeof(buf));
		if (len < 0 || n >= ARGV_MAX_ARGS || (bytes += len + 1) > ARGV_MAX_BYTES)
			goto fail; /* fail closed: what cannot be read is not judged allowed */
		more = realloc(argv, (n + 2) * sizeof(*argv));
		if (!more)
			goto fail;
		argv = more;
		argv[n] = strdup(buf);
		argv[++n] = NULL;
		if (!argv[n - 1])
			goto fail;
	}
	return argv;
fail:
	hold_free_argv(argv);
	errno = EPERM;
	return NULL;
}

/*
 * /proc/self and /proc/thread-self in the agent's path are the agent's,
 * not ours. Under /proc/PID/root they would name the supervisor, or, when
 * the agent's /proc belongs to its own PID namespace (sevorix run, a
 * container), nothing at all: the supervisor has no pid there. So they
 * are read in our /proc under the trapped task's pid. Returns true when
 * path was one of them (full written).
 */
static bool own_proc(const struct trapped *t, const char *path, char *full, size_t len)
{
	if (!strncmp(path, "/proc/self", 10) && (!path[10] || path[10] == '/'))
		snprintf(full, len, "/proc/%d%s", hold_tgid_of(t->pid), path + 10);
	else if (!strncmp(path, "/proc/thread-self", 17) && (!path[17] || path[17] == '/'))
		snprintf(full, len, "/proc/%d/task/%d%s", hold_tgid_of(t->pid), t->pid, path + 17);
	else
		return false;
	return true;
}

/* Opens what the trapped call names, as the agent would see it. Returns an fd or -errno. */
static int open_target(const struct trapped *t, int dirfd, const char *path, int flags)
{
	char full[4096 + 64];
	int oflags = O_RDONLY | O_CLOEXEC | O_NONBLOCK, fd;

	if (!*path && (flags & AT_EMPTY_PATH))
		snprintf(full, sizeof(full), "/proc/%d/fd/%d", t->pid, dirfd);
	else if (own_proc(t, path, full, sizeof(full)))
		; /* the agent's own /proc entries, by its pid here */
	else if (path[0] == '/')
		snprintf(full, sizeof(full), "/proc/%d/root%s", t->pid, path);
	else if (dirfd == AT_FDCWD)
		snprintf(full, sizeof(full), "/proc/%d/cwd/%s", t->pid, path);
	else
		snprintf(full, sizeof(full), "/proc/%d/fd/%d/%s", t->pid, dirfd, path);
	if (flags & AT_SYMLINK_NOFOLLOW)
		oflags |= O_NOFOLLOW;
	if (!*path && !(flags & AT_EMPTY_PATH))
		return -ENOENT;
	fd = open(full, oflags);
	return fd < 0 ? -errno : fd;
}

static int hash_cached(struct hold *h, int fd, const struct stat *st, uint8_t sha[32])
{
	struct hash_entry *e = &h->cache[st->st_ino % HASH_CACHE];
	uint64_t kdev = exec_kdev(st->st_dev);
	int r = 0;

	pthread_mutex_lock(&h->lock);
	if (e->kdev == kdev && e->ino == st->st_ino && e->size == st->st_size &&
	    e->ctime_sec == st->st_ctim.tv_sec && e->ctime_nsec == st->st_ctim.tv_nsec) {
		memcpy(sha, e->sha, 32);
	} else {
		r = sha256_fd(fd, sha);
		if (!r) {
			*e = (struct hash_entry){ .kdev = kdev, .ino = st->st_ino,
						  .size = st->st_size,
						  .ctime_sec = st->st_ctim.tv_sec,
						  .ctime_nsec = st->st_ctim.tv_nsec };
			memcpy(e->sha, sha, 32);
		}
	}
	pthread_mutex_unlock(&h->lock);
	return r;
}

/*
 * A script's interpreter is what the kernel finally loads: it is approved
 * too. Its "#!" line is kept, split as binfmt_script splits it (the name,
 * then the rest of the line, trailing blanks cut, as one argument).
 */
static void interpreter_of(const struct trapped *t, int fd, struct exec_call *c)
{
	char line[256], full[512], *end, *arg;
	ssize_t n = pread(fd, line, sizeof(line) - 1, 0);
	struct stat st;
	size_t len;

	if (n < 3 || line[0] != '#' || line[1] != '!')
		return;
	line[n] = 0;
	line[strcspn(line, "\n")] = 0;
	end = line + 2 + strspn(line + 2, " \t");
	arg = end + strcspn(end, " \t");
	if (*arg)
		*arg++ = 0;
	arg += strspn(arg, " \t");
	for (len = strlen(arg); len && (arg[len - 1] == ' ' || arg[len - 1] == '\t');)
		arg[--len] = 0;
	snprintf(c->interp, sizeof(c->interp), "%s", end);
	snprintf(c->interp_arg, sizeof(c->interp_arg), "%s", arg);
	snprintf(full, sizeof(full), "/proc/%d/root%s", t->pid, end);
	if (*end == '/' && stat(full, &st) == 0) {
		c->alt_kdev = exec_kdev(st.st_dev);
		c->alt_ino = st.st_ino;
	}
}

/* A path read from our /proc/self/fd link, as the agent sees it (below its root). */
static void strip_root(const struct trapped *t, char *path)
{
	char link[64], root[4096];
	ssize_t n;
	size_t len;

	snprintf(link, sizeof(link), "/proc/%d/root", t->pid);
	n = readlink(link, root, sizeof(root) - 1);
	if (n <= 1)
		return; /* "/": the same view */
	root[n] = 0;
	len = n;
	if (!strncmp(path, root, len) && (path[len] == '/' || !path[len]))
		memmove(path, path + len, strlen(path + len) + 1);
	if (!*path)
		strcpy(path, "/");
}

/* Fills c from the opened file. Returns 0 or -errno. */
static int identify_call(struct hold *h, const struct trapped *t, int fd, struct exec_call *c)
{
	char link[64];
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES; /* what execve itself answers for a directory or device */
	c->kdev = exec_kdev(st.st_dev);
	c->ino = st.st_ino;
	c->ctime_sec = st.st_ctim.tv_sec;
	c->ctime_nsec = st.st_ctim.tv_nsec;
	c->mtime_sec = st.st_mtim.tv_sec;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, c->path, sizeof(c->path) - 1);
	if (n < 0)
		return -errno;
	c->path[n] = 0;
	strip_root(t, c->path);
	interpreter_of(t, fd, c);
	return hash_cached(h, fd, &st, c->sha);
}

int hold_tgid_of(int tid)
{
	char path[64], line[256];
	int tgid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	if (f)
		fclose(f);
	return tgid;
}

int hold_approve_exec(struct hold *h, int tgid, const struct exec_call *c, uint64_t argv_hash)
{
	struct sx_approval a = { .dev = c->kdev, .ino = c->ino, .ctime_sec = c->ctime_sec,
				 .ctime_nsec = c->ctime_nsec, .alt_dev = c->alt_kdev,
				 .alt_ino = c->alt_ino, .argv_hash = argv_hash };
	__u32 key = tgid;

	return bpf_map_update_elem(h->approvals, &key, &a, BPF_ANY) ? -errno : 0;
}

/*
 * The argv the kernel will hold once it loads the file: for a script,
 * binfmt_script's (the interpreter, its argument, the file name as execve
 * got it, then argv[1] on), else argv itself. Returns 0 or -ENOMEM.
 */
static int kernel_argv_hash(struct exec_call *c, int dirfd, const char *path, int flags)
{
	char name[4096 + 32];
	size_t argc = 0, n = 0;
	char **v;

	if (!c->interp[0]) {
		c->argv_hash = hold_argv_hash(c->argv);
		return 0;
	}
	if (dirfd == AT_FDCWD || path[0] == '/')
		snprintf(name, sizeof(name), "%s", path);
	else if (!path[0] && (flags & AT_EMPTY_PATH))
		snprintf(name, sizeof(name), "/dev/fd/%d", dirfd);
	else
		snprintf(name, sizeof(name), "/dev/fd/%d/%s", dirfd, path);
	while (c->argv[argc])
		argc++;
	v = calloc(argc + 4, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v[n++] = c->interp;
	if (c->interp_arg[0])
		v[n++] = c->interp_arg;
	v[n++] = name;
	for (size_t i = 1; i < argc; i++)
		v[n++] = c->argv[i];
	c->argv_hash = hold_argv_hash(v);
	free(v);
	return 0;
}

/*
 * Reads and judges one trapped exec; returns 0 to let it go on, -errno to
 * fail it, or HOLD_HELD when the jury was asked and a worker will answer.
 */
int hold_decide_exec(struct hold *h, struct trapped *t, const struct seccomp_data *d)
{
	bool at = d->nr == __NR_execveat;
	int dirfd = at ? (int)d->args[0] : AT_FDCWD, flags = at ? (int)d->args[4] : 0;
	struct exec_call c = { 0 };
	const struct exec_rule *rule;
	const char *reason;
	char path[4096];
	enum sx_action a;
	int fd, r;

	if (read_str(t, d->args[at ? 1 : 0], path, sizeof(path)) < 0)
		return -EFAULT;
	c.argv = read_argv(t, d->args[at ? 2 : 1]);
	if (!c.argv)
		return -EPERM; /* fail closed */
	fd = open_target(t, dirfd, path, flags);
	r = fd < 0 ? fd : identify_call(h, t, fd, &c);
	if (fd >= 0)
		close(fd);
	r = r ?: kernel_argv_hash(&c, dirfd, path, flags);
	if (r < 0) {
		hold_free_argv(c.argv);
		return r; /* the agent sees what execve would have said (ENOENT ...) */
	}
	a = hold_judge_exec(h, &c, &rule, &reason);
	if (a == SX_REVIEW && h->p->mode != SX_MODE_AUDIT)
		return hold_review_exec(h, t, &c, rule); /* takes c.argv */
	/* shell rules judged the argv here, not in the kernel: bind the approval to it */
	if (a == SX_ALLOW)
		r = hold_approve_exec(h, hold_tgid_of(t->pid), &c,
				      policy_has_shell_rules(h->p) ? c.argv_hash : 0);
	else
		r = -EPERM;
	if (a != SX_ALLOW && h->ev)
		events_hold_exec(h->ev, t->pid, c.path, c.argv, a, rule ? &rule->loc : NULL, reason);
	hold_free_argv(c.argv);
	return h->p->mode == SX_MODE_AUDIT && r == -EPERM ? 0 : r;
}

