// SPDX-License-Identifier: GPL-2.0-only
/*
 * Answering trapped execs. The arguments live in the agent's memory, which
 * another of its threads may change at any time, so what is read here is
 * only used to decide; what is enforced is bound to what was checked
 * through a one-shot approval that the kernel compares with what it really
 * loads (abi.h, sx_approval): the files (device, inode, ctime), the ELF
 * interpreter where it is not the system's loader, and every byte of argv
 * (and of the environment under W^X) where the decision depended on them.
 *
 * Order per notification: open the task's view (/proc/TID, its root),
 * read the path and argv from its memory (by TID), then check the
 * notification is still valid: a pid is not reused while its task lives,
 * and the task lives while its call is held, so what was read and opened
 * before the check was the trapped task's. Then resolve the path as the
 * agent would (resolve.c), find every file the kernel will load and the
 * argv it will hold (chain.c), hash what must be hashed (on a hashing
 * thread: ident.c), judge, store the approval, answer (the answer reaches
 * only this very call: loop.c).
 *
 * argv and the environment are read whole: up to MAX_ARG_STRLEN (128 KiB)
 * a string, as the kernel allows, and ARGV_MAX_BYTES in all; a longer one
 * is refused (E2BIG), so nothing the kernel copies was left unread.
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
#include "util/siphash.h"

#define ARGV_MAX_ARGS 65536
#define ARGV_MAX_BYTES (4 << 20)
#define ARG_STRLEN_MAX (32 * 4096)	/* MAX_ARG_STRLEN */

/*
 * The strings of one exec often share a page (the path is usually argv[0],
 * and the arguments follow one another), so the last page read for the
 * call being decided is kept and what lies in it is not read again.
 */
static __thread struct {
	uint64_t id, addr;
	size_t len;
	char data[4096];
} piece;

/* Reads a NUL-terminated string at addr, up to a page end per read; its length or -errno. */
static ssize_t read_str(const struct trapped *t, uint64_t addr, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len - 1) {
		uint64_t at = addr + got;
		size_t n, want = len - 1 - got;
		char *nul;

		if (piece.id != t->id || at < piece.addr || at >= piece.addr + piece.len) {
			ssize_t r = hold_mem_read(t, piece.data, 4096 - (at & 4095), at);

			piece.len = 0;
			if (r <= 0)
				return r < 0 ? r : -EFAULT;
			piece.id = t->id;
			piece.addr = at;
			piece.len = r;
		}
		n = piece.addr + piece.len - at;
		n = n < want ? n : want;
		memcpy(buf + got, piece.data + (at - piece.addr), n);
		nul = memchr(buf + got, 0, n);
		if (nul)
			return nul - buf;
		got += n;
	}
	return -E2BIG;
}

void hold_free_argv(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

void hold_call_free(struct exec_call *c)
{
	for (int i = 0; i < EXEC_FILES; i++) {
		free(c->f[i].path);
		c->f[i].path = NULL;
		if (c->f[i].fd >= 0)
			close(c->f[i].fd);
		c->f[i].fd = -1;
	}
	hold_free_argv(c->argv);
	hold_free_argv(c->kargv);
	hold_free_argv(c->envp);
	free(c->written_lib);
	c->argv = c->kargv = c->envp = NULL;
	c->written_lib = NULL;
}

/*
 * Reads a NULL-terminated array of strings (argv, envp); -errno on failure
 * (the exec is then refused: what cannot be read is not judged allowed).
 */
static int read_strv(const struct trapped *t, uint64_t addr, char ***ret)
{
	static __thread char buf[ARG_STRLEN_MAX];
	static __thread uint64_t ptrs[64];	/* pointers ptrs[0] = the base-th one */
	size_t n = 0, bytes = 0, base = 0, have = 0;
	char **v = calloc(1, sizeof(*v));
	int r = v ? 0 : -ENOMEM;

	while (!r && addr) {
		ssize_t len;
		char **more;

		if (n >= base + have) { /* the next pointers, up to the end of their page */
			uint64_t at = addr + n * sizeof(*ptrs), page = 4096 - (at & 4095);
			/* one pointer at least: a misaligned one may straddle the page */
			size_t want = page < sizeof(*ptrs) ? sizeof(*ptrs) :
				      page < sizeof(ptrs) ? page : sizeof(ptrs);
			ssize_t got = hold_mem_read(t, ptrs, want, at);

			if (got < (ssize_t)sizeof(*ptrs)) {
				r = -EFAULT;
				break;
			}
			base = n;
			have = got / sizeof(*ptrs);
		}
		if (!ptrs[n - base])
			break;
		len = read_str(t, ptrs[n - base], buf, ARG_STRLEN_MAX);
		if (len < 0 || n >= ARGV_MAX_ARGS || (bytes += len + 1) > ARGV_MAX_BYTES) {
			r = len < 0 ? (int)len : -E2BIG;
			break;
		}
		more = realloc(v, (n + 2) * sizeof(*v));
		if (!more || !(more[n] = strdup(buf))) {
			v = more ? more : v;
			r = -ENOMEM;
			break;
		}
		v = more;
		v[++n] = NULL;
	}
	if (r)
		hold_free_argv(v);
	*ret = r ? NULL : v;
	return r;
}

/* The name the kernel gives the exec (bprm->filename): what scripts see as their path. */
static void filename_of(int dirfd, const char *path, bool at, char *out, size_t len)
{
	if (!at || dirfd == AT_FDCWD || path[0] == '/')
		snprintf(out, len, "%s", path);
	else if (!*path)
		snprintf(out, len, "/dev/fd/%d", dirfd);
	else
		snprintf(out, len, "/dev/fd/%d/%s", dirfd, path);
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

/* The keyed hash of a string array as the kernel lays it out: each string and its NUL. */
static uint64_t strv_hash(const uint64_t key[2], char *const *v)
{
	struct siphash s;
	uint64_t h;

	siphash_init(&s, key);
	for (size_t i = 0; v && v[i]; i++)
		siphash_update(&s, v[i], strlen(v[i]) + 1);
	h = siphash_final(&s);
	return h ? h : 1; /* 0 means "not checked" */
}

static void file_key(struct sx_exec_file *k, const struct exec_file *f)
{
	*k = (struct sx_exec_file){ .dev = f->kdev, .ino = f->ino, .ctime_sec = f->ctime_sec,
				    .ctime_nsec = f->ctime_nsec };
}

int hold_approve_exec(struct hold *h, int tid, const struct exec_call *c)
{
	struct sx_approval a = { .n = c->n, .key = { h->key[0], h->key[1] } };
	__u32 k = tid;

	for (int i = 0; i < c->n; i++)
		file_key(&a.file[i], &c->f[i]);
	if (c->entry >= 0 && c->check_entry)
		file_key(&a.entry, &c->f[c->entry]);
	if (c->bind_argv)
		a.argv_hash = strv_hash(h->key, c->kargv);
	if (c->envp)
		a.env_hash = strv_hash(h->key, c->envp);
	return bpf_map_update_elem(h->approvals, &k, &a, BPF_ANY) ? -errno : 0;
}

/* Bytes of argv as the kernel copies them. */
static size_t strv_bytes(char *const *v)
{
	size_t n = 0;

	for (size_t i = 0; v && v[i]; i++)
		n += strlen(v[i]) + 1;
	return n;
}

/* True when the library at path, as the agent reaches it, was written during the run. */
static bool lib_written(struct hold *h, const struct trapped *t, const char *path, char **out)
{
	struct exec_file f = { .fd = -1 };
	int fd = hold_open_as_agent(t, AT_FDCWD, path, 0);
	bool w = fd >= 0 && hold_identify_file(h, t, fd, &f) == 0 && hold_written(h, &f);

	if (w && !*out)
		*out = strdup(f.path);
	free(f.path);
	if (f.fd >= 0)
		close(f.fd);
	return w;
}

/* Each name of a list that ld.so splits on spaces and colons; bare names in LD_LIBRARY_PATH. */
static void check_list(struct hold *h, const struct trapped *t, struct exec_call *c,
		       const char *list, char *const *envp)
{
	char *copy = strdup(list), *save = NULL, path[4096];

	for (char *n = copy ? strtok_r(copy, ": \t", &save) : NULL; n && !c->written_lib;
	     n = strtok_r(NULL, ": \t", &save)) {
		if (strchr(n, '/')) {
			lib_written(h, t, n, &c->written_lib);
			continue;
		}
		for (size_t i = 0; envp[i] && !c->written_lib; i++) {
			char *dirs, *s2 = NULL;

			if (strncmp(envp[i], "LD_LIBRARY_PATH=", 16) || !(dirs = strdup(envp[i] + 16)))
				continue;
			for (char *d = strtok_r(dirs, ":;", &s2); d && !c->written_lib;
			     d = strtok_r(NULL, ":;", &s2))
				if (snprintf(path, sizeof(path), "%s/%s", d, n) < (int)sizeof(path))
					lib_written(h, t, path, &c->written_lib);
			free(dirs);
		}
	}
	free(copy);
}

/*
 * Under W^X, libraries the loader maps into the new program before it
 * runs because the environment says so (LD_PRELOAD, LD_AUDIT; every
 * occurrence, the loader honours the last) count as what the exec loads.
 * The environment is bound to the approval (env_hash), so it cannot be
 * swapped after this; a library mapped later by the program itself
 * (dlopen) is the BPF LSM layer's and the mount options' job
 * (docs/escapes.md).
 */
void hold_preload_check(struct hold *h, const struct trapped *t, struct exec_call *c)
{
	for (size_t i = 0; c->envp && c->envp[i] && !c->written_lib; i++) {
		const char *e = c->envp[i];

		if (!strncmp(e, "LD_PRELOAD=", 11))
			check_list(h, t, c, e + 11, c->envp);
		else if (!strncmp(e, "LD_AUDIT=", 9))
			check_list(h, t, c, e + 9, c->envp);
	}
}

int hold_conclude_exec(struct hold *h, const struct trapped *t, struct exec_call *c)
{
	const struct exec_rule *rule;
	const char *reason;
	enum sx_action a;
	int r;

	if (h->p->exec_written == SX_DENY)
		hold_preload_check(h, t, c);
	a = hold_judge_exec(h, c, &rule, &reason);
	if (a == SX_REVIEW && h->p->mode != SX_MODE_AUDIT)
		return hold_review_exec(h, t, c, rule); /* takes c */
	/* the kernel matches argv rules on its first SX_ARGV_MAX - 1 bytes only:
	 * beyond them, it checks that every byte is the one judged here; shell
	 * rules are judged here only, so then every argv is bound */
	c->bind_argv = policy_has_shell_rules(h->p) ||
		       (h->argv_rules && strv_bytes(c->kargv) >= SX_ARGV_MAX);
	if (a == SX_ALLOW)
		r = hold_approve_exec(h, t->pid, c);
	else
		r = -EPERM;
	if (a != SX_ALLOW && h->ev)
		events_hold_exec(h->ev, t->pid, c->f[0].path ? c->f[0].path : "", c->argv, a,
				 rule ? &rule->loc : NULL, reason);
	hold_call_free(c);
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
	struct exec_call c = { .entry = -1 };
	char path[4096], name[4200];
	int fd, r;

	for (int i = 0; i < EXEC_FILES; i++)
		c.f[i].fd = -1;
	piece.len = 0; /* nothing of another call's memory */
	if (read_str(t, d->args[at ? 1 : 0], path, sizeof(path)) < 0)
		return -EFAULT;
	r = read_strv(t, d->args[at ? 2 : 1], &c.argv);
	if (!r && h->p->exec_written == SX_DENY) /* W^X reads LD_PRELOAD and LD_AUDIT */
		r = read_strv(t, d->args[at ? 3 : 2], &c.envp);
	/* everything of the task's memory is read: valid now, it was the trapped
	 * task's memory (and view), not a recycled pid's */
	if (!r && !hold_still_valid(t))
		r = -ESRCH;
	if (r)
		goto out; /* fail closed */
	fd = hold_open_as_agent(t, dirfd, path, flags);
	filename_of(dirfd, path, at, name, sizeof(name));
	r = fd < 0 ? fd : hold_chain(h, t, fd, name, &c); /* takes fd */
	if (!r && hold_needs_hash(h, &c))
		return hold_hash_later(h, t, &c); /* takes c */
	if (!r)
		return hold_conclude_exec(h, t, &c); /* takes c */
out:
	hold_call_free(&c);
	return r; /* the agent sees what execve would have said (ENOENT ...) */
}
