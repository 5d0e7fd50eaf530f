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

/* A script's interpreter is what the kernel finally loads: it is approved too. */
static void interpreter_of(const struct trapped *t, int fd, struct exec_call *c)
{
	char line[256], *end;
	ssize_t n = pread(fd, line, sizeof(line) - 1, 0);
	struct stat st;
	int ifd;

	if (n < 3 || line[0] != '#' || line[1] != '!')
		return;
	line[n] = 0;
	end = line + 2 + strspn(line + 2, " \t");
	end[strcspn(end, " \t\n")] = 0;
	ifd = hold_open_as_agent(t, AT_FDCWD, end, 0);
	if (ifd >= 0 && fstat(ifd, &st) == 0) {
		c->alt_kdev = exec_kdev(st.st_dev);
		c->alt_ino = st.st_ino;
	}
	if (ifd >= 0)
		close(ifd);
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

/* Fills c from the opened file: 0, HOLD_NEEDS_HASH (c->sha not set yet) or -errno. */
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
	c->size = st.st_size;
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
	return hold_cache_get(h, c) ? 0 : HOLD_NEEDS_HASH;
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

int hold_conclude_exec(struct hold *h, const struct trapped *t, struct exec_call *c)
{
	const struct exec_rule *rule;
	const char *reason;
	enum sx_action a = hold_judge_exec(h, c, &rule, &reason);
	int r;

	if (a == SX_REVIEW && h->p->mode != SX_MODE_AUDIT)
		return hold_review_exec(h, t, c, rule); /* takes c->argv */
	if (a == SX_ALLOW)
		r = hold_approve_exec(h, hold_tgid_of(t->pid), c, 0);
	else
		r = -EPERM;
	if (a != SX_ALLOW && h->ev)
		events_hold_exec(h->ev, t->pid, c->path, c->argv, a, rule ? rule->loc.line : 0,
				 reason);
	hold_free_argv(c->argv);
	return h->p->mode == SX_MODE_AUDIT && r == -EPERM ? 0 : r;
}

/*
 * Reads and identifies one trapped exec; returns 0 to let it go on, -errno
 * to fail it, or HOLD_HELD when a hashing thread or the jury answers later.
 */
int hold_decide_exec(struct hold *h, struct trapped *t, const struct seccomp_data *d)
{
	bool at = d->nr == __NR_execveat;
	int dirfd = at ? (int)d->args[0] : AT_FDCWD, flags = at ? (int)d->args[4] : 0;
	struct exec_call c = { 0 };
	char path[4096];
	int fd, r;

	if (read_str(t, d->args[at ? 1 : 0], path, sizeof(path)) < 0)
		return -EFAULT;
	c.argv = read_argv(t, d->args[at ? 2 : 1]);
	if (!c.argv)
		return -EPERM; /* fail closed */
	fd = hold_open_as_agent(t, dirfd, path, flags);
	r = fd < 0 ? fd : identify_call(h, t, fd, &c);
	if (r == HOLD_NEEDS_HASH)
		return hold_hash_later(h, t, &c, fd); /* takes fd and c.argv */
	if (fd >= 0)
		close(fd);
	if (r < 0) {
		hold_free_argv(c.argv);
		return r; /* the agent sees what execve would have said (ENOENT ...) */
	}
	return hold_conclude_exec(h, t, &c);
}
