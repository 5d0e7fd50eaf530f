// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hold's life cycle and its judgement of an exec. The trap is a
 * seccomp filter that sends execve and execveat to the supervisor; its
 * listener fd travels from the child to the parent over a socketpair,
 * because only the task that installs a filter receives the fd.
 *
 * An executable is recognised by what it is, not where it is: by its
 * identity (device, inode: every hard link) and by its content (SHA-256
 * taken when the policy loads, so a byte-identical copy under another name
 * is denied too). A modified copy is a different program; `exec: {written:
 * deny}` (W^X) refuses files changed since the run started in places the
 * agent may write.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <pthread.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hold/internal.h"
#include "exec/exec.h"

/* Debian bookworm's headers predate these (Linux 6.6) */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#include "util/fdpass.h"

/* The identity of the file at path (our view), its hash kept across runs where it may be. */
static int identify(struct hold *h, const char *path, struct identity *id)
{
	struct exec_file f;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = hold_stat_file(h, fd, &f);
	r = r ?: hold_hash_now(h, &f);
	close(fd);
	if (r)
		return r == -EACCES ? -EINVAL : r;
	id->kdev = f.kdev;
	id->ino = f.ino;
	id->size = f.size;
	memcpy(id->sha, f.sha, sizeof(id->sha));
	return 0;
}

/* A content identity's size, for the size filter (ident.c). */
static int add_size(struct hold *h, int64_t size)
{
	int64_t *more = realloc(h->sizes, (h->nsizes + 1) * sizeof(*more));

	if (!more)
		return -ENOMEM;
	h->sizes = more;
	h->sizes[h->nsizes++] = size;
	return 0;
}

static int add_identity(struct identity **arr, size_t *n, const struct identity *id)
{
	struct identity *a = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (!a)
		return -ENOMEM;
	*arr = a;
	a[(*n)++] = *id;
	return 0;
}

/* A dynamic loader at path (when it is a file): its identity, under that name. */
static int add_loader(struct hold *h, const char *path)
{
	struct identity id = { .rule = NULL };
	int r;

	if (identify(h, path, &id) < 0)
		return 0;
	id.path = strdup(path);
	id.canon = realpath(path, NULL);
	r = id.path ? add_identity(&h->loaders, &h->nloaders, &id) : -ENOMEM;
	if (!r && h->deny_loader)
		r = add_size(h, id.size);
	if (r) {
		free(id.path);
		free(id.canon);
	}
	return r;
}

/* /lib is /usr/lib (a merged /usr, as Debian 12 has): /usr's names need no search of their own. */
static bool usr_merged(void)
{
	struct stat a, b;

	return stat("/lib", &a) == 0 && stat("/usr/lib", &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/*
 * The dynamic loaders of this system, by every name they are known under.
 * With a merged /usr, each found under /lib... is also known as /usr/lib...,
 * and listing every directory of /usr/lib a second time (some 250) would
 * find nothing more.
 */
static int find_loaders(struct hold *h)
{
	static const char *const pats[] = { "/lib*/ld-linux*.so*", "/lib/*/ld-linux*.so*",
					    "/usr/lib*/ld-linux*.so*", "/usr/lib/*/ld-linux*.so*",
					    "/lib*/ld-musl*.so*", "/usr/lib*/ld-musl*.so*" };
	bool merged = usr_merged();
	char usr[PATH_MAX];
	int r = 0;

	for (size_t i = 0; i < sizeof(pats) / sizeof(*pats) && !r; i++) {
		glob_t g;

		if ((merged && !strncmp(pats[i], "/usr/", 5)) || glob(pats[i], 0, NULL, &g) != 0)
			continue;
		for (size_t j = 0; j < g.gl_pathc && !r; j++) {
			r = add_loader(h, g.gl_pathv[j]);
			if (!r && merged &&
			    snprintf(usr, sizeof(usr), "/usr%s", g.gl_pathv[j]) < (int)sizeof(usr))
				r = add_loader(h, usr);
		}
		globfree(&g);
	}
	return r;
}

/* The identities of the files that deny and review rules name. */
static int find_denied(struct hold *h)
{
	const struct policy *p = h->p;
	int r = 0;

	for (size_t i = 0; i < p->nexec_rules && !r; i++) {
		const struct exec_rule *x = &p->exec_rules[i];
		struct identity id = { .rule = x };
		char host[8192];

		if (x->action == SX_ALLOW || !x->expanded)
			continue;
		/* a rule on a missing file or a directory names no content to hash */
		if (identify(h, policy_host_path(p, x->expanded, host, sizeof(host)), &id) == 0)
			r = add_identity(&h->denied, &h->ndenied, &id) ?: add_size(h, id.size);
	}
	return r;
}

int hold_prepare(const struct policy *p, struct hold **ret, char *err, size_t errlen)
{
	struct hold *h = calloc(1, sizeof(*h));
	pthread_condattr_t ca;
	struct stat st = { 0 };
	int r = 0;

	if (!h)
		return -ENOMEM;
	h->p = p;
	h->listener = h->proc = h->self_fds = -1;
	h->root_known = stat("/", &st) == 0;
	h->root_dev = st.st_dev;
	h->root_ino = st.st_ino;
	h->stop = eventfd(0, EFD_CLOEXEC);
	if (h->stop < 0)
		r = -errno;
	clock_gettime(CLOCK_REALTIME, &h->started);
	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_init(&h->role_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* the clock of busy_since */
	pthread_cond_init(&h->role_cond, &ca);
	pthread_condattr_destroy(&ca);
	h->receiver = h->watcher = -1;
	pthread_mutex_init(&h->hq_lock, NULL);
	pthread_cond_init(&h->hq_cond, NULL);
	/* the system's loaders: a direct exec of one is denied unless the policy
	 * allows it; as the ELF interpreter at its own path, the kernel need not
	 * check which file runs first (chain.c) */
	h->deny_loader = p->exec.present && p->exec_loader != SX_ALLOW;
	r = r ?: hold_store_open(h);
	r = r ?: find_denied(h);
	r = r ?: find_loaders(h);
	if (!r && getrandom(h->key, sizeof(h->key), 0) != sizeof(h->key))
		r = -EIO; /* fail closed: no secret, no argv binding */
	for (size_t i = 0; i < p->nexec_rules; i++)
		h->argv_rules |= p->exec_rules[i].argv_glob && p->exec_rules[i].action != SX_ALLOW;
	r = r ?: hold_misc_load(h, NULL);
	if (r) {
		snprintf(err, errlen, "cannot prepare the exec checks: %s", strerror(-r));
		hold_free(h);
		return r;
	}
	hold_sizes_sort(h);
	*ret = h;
	return 0;
}

/* The listener travels as the one-byte message "L" with the fd. */
static int recv_fd(int sock)
{
	char msg[2];
	int fd, r = fdpass_recv(sock, msg, sizeof(msg), &fd, -1);

	if (!r && fd < 0)
		r = -EPROTO;
	return r < 0 ? r : fd;
}

bool hold_traps_connect(const struct policy *p)
{
	if (p->network.def == SX_REVIEW)
		return true;
	for (size_t i = 0; i < p->nnet_rules; i++)
		if (p->net_rules[i].action == SX_REVIEW && p->net_rules[i].kind != NET_RULE_UNIX)
			return true;
	return false;
}

int hold_child_install(int sock_fd, bool trap_connect)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r, fd;

	if (!ctx)
		return -ENOMEM;
	/* another ABI (x32, i386) would reach execve under another number: kill */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	r = r ?: seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(execve), 0);
	r = r ?: seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(execveat), 0);
	if (trap_connect)
		r = r ?: seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(connect), 0);
	r = r ?: seccomp_load(ctx);
	fd = r ? r : seccomp_notify_fd(ctx);
	seccomp_release(ctx);
	if (fd < 0)
		return fd;
	r = fdpass_send(sock_fd, "L", fd);
	close(fd);
	return r;
}

int hold_start(struct hold *h, int sock_fd, int approvals, int net_approvals, const char *jury,
	       struct events *ev)
{
	int fd = recv_fd(sock_fd);

	if (fd < 0)
		return fd;
	return hold_start_fd(h, fd, approvals, net_approvals, jury, ev);
}

int hold_start_fd(struct hold *h, int listener, int approvals, int net_approvals,
		  const char *jury, struct events *ev)
{
	int r;

	h->listener = listener;
	/* in the process that answers (the threads start below): /proc/self is
	 * this one; a failed open only costs the longer paths (resolve.c, ident.c) */
	h->proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	h->self_fds = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* the trapped task and the answering thread hand each other the CPU
	 * instead of waking on another one (6.6+; elsewhere EINVAL, the usual way) */
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	h->approvals = approvals;
	h->net_approvals = net_approvals;
	h->jury = jury;
	h->ev = ev;
	r = hold_hashers_start(h);
	for (int i = 0; i < HOLD_THREADS && !r; i++) {
		h->threads[i] = (struct hold_thread){ .h = h, .index = i };
		r = -pthread_create(&h->threads[i].id, NULL, hold_loop, &h->threads[i]);
		h->nthreads += !r;
	}
	/* with one answering thread the hold works, only slower: go on */
	h->running = h->nthreads > 0;
	return h->running ? 0 : r;
}

int hold_take_over(struct hold *h, struct hold *from, const char *jury, struct events *ev)
{
	int fd = fcntl(from->listener, F_DUPFD_CLOEXEC, 0), approvals = from->approvals;
	int net_approvals = from->net_approvals, r = fd < 0 ? -errno : 0;

	/* one receiver at a time: a second one could block in NOTIF_RECV forever;
	 * freed also when the dup failed, as callers free from's policy: its
	 * listener closes and the trapped calls fail (fail closed) */
	h->names = h->names ?: from->names;
	hold_free(from);
	return r ?: hold_start_fd(h, fd, approvals, net_approvals, jury, ev);
}

void hold_set_names(struct hold *h, struct dns_names *names)
{
	h->names = names;
}

int hold_listener(const struct hold *h)
{
	return h->listener;
}

bool hold_running(const struct hold *h)
{
	return h->running && !__atomic_load_n(&h->done, __ATOMIC_SEQ_CST);
}

void hold_free(struct hold *h)
{
	if (!h)
		return;
	if (h->nthreads) {
		uint64_t one = 1;

		/* not pthread_cancel(): a call being answered is finished first */
		if (write(h->stop, &one, sizeof(one)) == sizeof(one))
			for (int i = 0; i < h->nthreads; i++)
				pthread_join(h->threads[i].id, NULL);
	}
	hold_hashers_stop(h); /* the calls waiting for a hash are answered */
	/* reviews in flight end by their deadline; they use h until then */
	h->stopping = true;
	for (int i = 0; __atomic_load_n(&h->workers, __ATOMIC_SEQ_CST) > 0 && i < 6000; i++)
		usleep(1000);
	if (h->listener >= 0)
		close(h->listener);
	if (h->stop >= 0)
		close(h->stop);
	if (h->proc >= 0)
		close(h->proc);
	if (h->self_fds >= 0)
		close(h->self_fds);
	for (int i = 0; i < h->nroots; i++)
		close(h->roots[i].fd);
	free(h->denied);
	for (size_t i = 0; i < h->nloaders; i++) {
		free(h->loaders[i].path);
		free(h->loaders[i].canon);
	}
	free(h->loaders);
	free(h->misc);
	free(h->sizes);
	hold_store_close(h);
	pthread_mutex_destroy(&h->lock);
	pthread_mutex_destroy(&h->role_lock);
	pthread_cond_destroy(&h->role_cond);
	pthread_mutex_destroy(&h->hq_lock);
	pthread_cond_destroy(&h->hq_cond);
	free(h);
}

/* The entry of set that f is: the same inode, or (hashed) the same content. */
static const struct identity *same_file(const struct identity *set, size_t n,
					const struct exec_file *f)
{
	for (size_t i = 0; i < n; i++)
		if ((set[i].kdev == f->kdev && set[i].ino == f->ino) ||
		    (f->hashed && !memcmp(set[i].sha, f->sha, sizeof(f->sha))))
			return &set[i];
	return NULL;
}

bool hold_is_system_loader(const struct hold *h, const char *path, const struct exec_file *f)
{
	for (size_t i = 0; i < h->nloaders; i++)
		if (h->loaders[i].kdev == f->kdev && h->loaders[i].ino == f->ino &&
		    !strcmp(h->loaders[i].path, path))
			return true;
	return false;
}

bool hold_written(const struct hold *h, const struct exec_file *f)
{
	const struct policy *p = h->p;
	const struct file_rule *fr;

	if (f->ctime_sec < h->started.tv_sec && f->mtime_sec < h->started.tv_sec)
		return false;
	/* no name (a memfd, O_TMPFILE, a deleted file): only the run can have made
	 * it; otherwise a place the agent may write */
	return f->nlink == 0 || !p->files.present ||
	       policy_decide_file(p, f->path, SX_ACCESS_WRITE, &fr) == SX_ALLOW;
}

struct verdict {
	enum sx_action a;
	const struct exec_rule *rule;
	const char *reason;
};

static void stricter(struct verdict *v, enum sx_action a, const struct exec_rule *rule,
		     const char *reason)
{
	if (a > v->a) {
		*v = (struct verdict){ a, rule, reason };
	}
}

/* One file the exec loads: i in the chain (0: the one named), or the ELF interpreter. */
static void judge_file(struct hold *h, const struct exec_call *c, int i, struct verdict *v)
{
	static const char *const copy[] = { "the same file or content as a denied executable",
					    "its interpreter is (a copy of) a denied executable" };
	const struct exec_file *f = &c->f[i];
	const struct identity *id = same_file(h->denied, h->ndenied, f);
	const struct exec_rule *rule;
	enum sx_action a;

	if (id)
		stricter(v, id->rule->action, id->rule, copy[i > 0]);
	if (h->deny_loader && i != c->entry && same_file(h->loaders, h->nloaders, f))
		stricter(v, SX_DENY, NULL,
			 "direct exec of the dynamic loader (exec: {loader: allow} permits it)");
	/* the file named with argv as passed; what the kernel loads after it, with
	 * argv as the kernel will hold it */
	a = policy_decide_exec(h->p, f->path, i == 0 ? c->argv : c->kargv, &rule);
	stricter(v, a, rule, i == 0 ? "exec rule" : "exec rule (on an interpreter)");
	if (hold_content_counts(h, f) && !f->pinned)
		stricter(v, SX_DENY, NULL,
			 f->busy ? "open for writing: its content may change after the check"
				 : "its content may change after the check (tmpfs, an unsealed "
				   "memfd, FUSE or a network filesystem)");
	if (h->p->exec_written == SX_DENY && hold_written(h, f))
		stricter(v, SX_DENY, NULL, "written since the run started (exec: {written: deny})");
}

enum sx_action hold_judge_exec(struct hold *h, const struct exec_call *c,
			       const struct exec_rule **rule, const char **reason)
{
	struct verdict v = { SX_ALLOW, NULL, "" };

	for (int i = 0; i < c->n; i++)
		judge_file(h, c, i, &v);
	if (c->entry >= 0)
		judge_file(h, c, c->entry, &v);
	/* the kernel's own argv, for what its argv rules will see */
	if (c->kargv) {
		const struct exec_rule *ar = NULL;
		enum sx_action a = policy_decide_exec(h->p, NULL, c->kargv, &ar);

		if (ar) /* an argv rule: without a path, no path rule or default applies */
			stricter(&v, a, ar, "exec rule (on argv as the kernel holds it)");
	}
	if (c->written_lib)
		stricter(&v, SX_DENY, NULL,
			 "LD_PRELOAD or LD_AUDIT names a library written since the run started "
			 "(exec: {written: deny})");
	*rule = v.rule;
	*reason = v.reason;
	return v.a;
}
