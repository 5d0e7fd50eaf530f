/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the files of the hold; not a public interface. */
#ifndef SEVORIX_HOLD_INTERNAL_H
#define SEVORIX_HOLD_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>
#include <linux/seccomp.h>

#include "hold/hold.h"
#include "review/review.h"

struct identity {
	uint64_t kdev, ino;
	uint8_t sha[32];
	const struct exec_rule *rule;	/* NULL for a loader */
	char *path;			/* a loader's path as found, else NULL */
	char *canon;			/* a loader's path with no symlink in it */
	int64_t size;
};

/* A binfmt_misc entry (misc.c). */
struct misc_entry {
	char interpreter[1920];	/* MAX_REGISTER_LENGTH */
	char ext[256];		/* matched by extension when !is_magic */
	bool is_magic, has_mask, preserve_argv0;
	int offset, size;
	unsigned char magic[128], mask[128];
	unsigned long ino;	/* registration order */
};

/* Content hashes by (dev, ino, size, ctime): a file is hashed once while unchanged. */
#define HASH_CACHE 256
struct hash_entry {
	uint64_t kdev, ino;
	int64_t size, ctime_sec, ctime_nsec;
	uint8_t sha[32];
};

/*
 * The bound on the work of one exec (ident.c): at most HOLD_HASH_CAP bytes
 * read for its hash, on one of HOLD_HASHERS threads, with at most
 * HOLD_HASH_QUEUE calls waiting; HOLD_THREADS answering threads take
 * turns receiving the trapped calls and never read file contents.
 */
#define HOLD_HASH_CAP (16u << 20)
#define HOLD_HASHERS 2
#define HOLD_HASH_QUEUE 32
#define HOLD_THREADS 4
#define HOLD_STUCK_MS 20	/* a decision this long: another thread receives (loop.c) */

/*
 * What statfs said of the files of one mount and device (ident.c), by the
 * mount's unique id (never reused) and st_dev (a btrfs subvolume has its
 * own): a mount's filesystem never changes. Mounts that were noexec are
 * not kept, so a remount can only make the kernel refuse what the hold
 * let go, never the other way.
 */
#define MOUNT_CACHE 16
struct mount_entry {
	uint64_t id, kdev, fsid;	/* id 0: an empty slot */
	enum exec_fs fs;
};

/*
 * The roots of the agent's tasks already opened (resolve.c), by their
 * mount's unique id, device and inode: the same mount and directory, so a
 * path resolves from the kept descriptor exactly as from a fresh open of
 * /proc/PID/root. Kept until the hold ends and never replaced (a
 * descriptor in use by a call is never closed under it); when all slots
 * are taken, roots are opened per call as before.
 */
#define ROOT_CACHE 4
struct root_entry {
	uint64_t mnt, dev, ino;
	int fd;
};

#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U	/* Linux 6.8 */
#endif

struct hash_job;

struct hold {
	const struct policy *p;
	struct identity *denied;
	size_t ndenied;
	struct identity *loaders;
	size_t nloaders;
	bool deny_loader;	/* a direct exec of a loader is denied */
	bool argv_rules;	/* the policy has deny or review argv rules */
	struct misc_entry *misc;
	size_t nmisc;
	uint64_t key[2];	/* the secret of the argv and environment hashes (abi.h) */
	int64_t *sizes;		/* of every content identity, sorted (the size filter) */
	size_t nsizes;
	struct store *store;	/* hashes kept across runs (store.c), or NULL */
	/* our root's identity, taken once, to see whether an agent's is the same */
	uint64_t root_dev, root_ino;
	bool root_known;
	struct timespec started;
	struct hash_entry cache[HASH_CACHE];
	struct mount_entry mounts[MOUNT_CACHE];
	struct root_entry roots[ROOT_CACHE];
	int nroots;
	pthread_mutex_t lock;	/* the caches */
	struct hold_thread {
		struct hold *h;
		int index;
		pthread_t id;
	} threads[HOLD_THREADS];
	int nthreads;
	/* the answering threads' roles (loop.c): who receives, since when it decides */
	pthread_mutex_t role_lock;
	pthread_cond_t role_cond;
	int receiver;		/* index of the receiving thread, -1 none */
	int watcher;		/* the waiting thread that watches the receiver, -1 none */
	bool busy;		/* the receiver is deciding a call, since busy_since */
	struct timespec busy_since;
	bool ended;		/* the threads end: stop asked, or the agent gone */
	pthread_t hashers[HOLD_HASHERS];
	int nhashers;
	pthread_mutex_t hq_lock;
	pthread_cond_t hq_cond;
	struct hash_job *hq_head;
	int hq_len;
	bool hq_stop;
	bool running;
	int stop;		/* eventfd: hold_free() asks the answering thread to end */
	int proc;		/* O_PATH our /proc, or -1 (paths are used then) */
	int self_fds;		/* O_PATH our /proc/self/fd, or -1 */
	int listener;
	int approvals;		/* sx_approved map fd */
	int net_approvals;	/* sx_net_approved map fd */
	struct events *ev;
	struct dns_names *names; /* the run's learnt names (docs/dns.md), or NULL */
	const char *jury;	/* the jury's socket */
	int workers;		/* reviews in flight (atomic) */
	bool done;		/* the answering thread ended: the agent is gone (atomic) */
	bool stopping;
};

/* One trapped call being answered. */
struct trapped {
	int pid;		/* the thread that called */
	uint64_t id;
	int listener;
	int proc;		/* the hold's O_PATH /proc (not the call's: never closed), or -1 */
	/* the task's view, opened once per call (-1 on other threads: opened again) */
	int root;		/* O_PATH its root */
	bool root_kept;		/* root is one of the hold's (roots): not closed with the call */
	bool root_ours;		/* its root is the supervisor's: paths need no stripping */
	bool unprivileged;	/* its uid is not root's (false when unknown) */
};

#define HOLD_HELD 1		/* a hashing thread or a review worker answers later */
#define HOLD_NEEDS_HASH 2	/* the file's content must be hashed first */
#define HOLD_MAX_WORKERS 64

/* loop.c: the answering threads. */
void *hold_loop(void *arg);
bool hold_still_valid(const struct trapped *t);
/*
 * Reads up to len bytes of the task's memory at addr (at most
 * HOLD_MEM_PAGES pages), stopping at the first page it cannot read: the
 * count, or -errno. By pid: what was read is the trapped task's only once
 * hold_still_valid() has said so after it.
 */
#define HOLD_MEM_PAGES 8
ssize_t hold_mem_read(const struct trapped *t, void *buf, size_t len, uint64_t addr);
/* Answers: 0 lets the call go on, -errno fails it (a call no longer held: nothing happens). */
void hold_respond(struct hold *h, const struct trapped *t, int r);

/* exec.c */
int hold_decide_exec(struct hold *h, struct trapped *t, const struct seccomp_data *d);
/* Judges an identified call and answers or hands it on; takes c. As hold_decide_exec(). */
int hold_conclude_exec(struct hold *h, const struct trapped *t, struct exec_call *c);
/* Stores the one-shot approval of c for the thread tid. Returns 0 or -errno. */
int hold_approve_exec(struct hold *h, int tid, const struct exec_call *c);
/* Under W^X: sets c->written_lib when LD_PRELOAD or LD_AUDIT names a library written in the run. */
void hold_preload_check(struct hold *h, const struct trapped *t, struct exec_call *c);
int hold_tgid_of(int tid);
void hold_free_argv(char **argv);
/* Frees what c owns (paths, descriptors, argv, kargv, envp). */
void hold_call_free(struct exec_call *c);

/* hold.c */
bool hold_written(const struct hold *h, const struct exec_file *f);
/* True when f is one of the system's loaders found at exactly path. */
bool hold_is_system_loader(const struct hold *h, const char *path, const struct exec_file *f);

/* chain.c: every file the exec loads and the argv the kernel will hold; takes fd. */
int hold_chain(struct hold *h, const struct trapped *t, int fd, const char *filename,
	       struct exec_call *c);

/* misc.c: binfmt_misc entries (dir NULL: /proc/sys/fs/binfmt_misc). */
int hold_misc_load(struct hold *h, const char *dir);
const struct misc_entry *hold_misc_match(const struct hold *h, const unsigned char *buf,
					 const char *name);

/* resolve.c: what the call names, opened O_RDONLY as the agent reaches it; fd or -errno. */
int hold_open_as_agent(const struct trapped *t, int dirfd, const char *path, int flags);
/* Opens the task's view into t (proc, root). Returns 0 or -errno. */
int hold_view_open(struct hold *h, struct trapped *t);
void hold_view_close(struct trapped *t);

/* ident.c: identities, pinning and hashing (the bounds are described there). */
/* The identity of the open file fd, which f takes (no path). Returns 0 or -errno. */
int hold_stat_file(struct hold *h, int fd, struct exec_file *f);
/* The same with f->path as the agent sees it. */
int hold_identify_file(struct hold *h, const struct trapped *t, int fd, struct exec_file *f);
/* Sorts the sizes of the content identities, once they are all known. */
void hold_sizes_sort(struct hold *h);
/* f->sha from the caches, or hashed now on this thread. Returns 0 or -errno. */
int hold_hash_now(struct hold *h, struct exec_file *f);
/* True when f's content cannot change unseen before the kernel loads it (may_seal: a memfd may be sealed). */
bool hold_pin(struct exec_file *f, bool may_seal);
/* True when the policy may recognise f by its content. */
bool hold_content_counts(const struct hold *h, const struct exec_file *f);
/* Pins what counts and fills hashes from the cache: true when one must still be taken. */
int hold_needs_hash(struct hold *h, struct exec_call *c);
int hold_hash_file(int fd, uint64_t size, uint8_t sha[32]);
/* Hashes c's files on a hashing thread, then concludes; HOLD_HELD or -errno (c freed). */
int hold_hash_later(struct hold *h, const struct trapped *t, struct exec_call *c);
int hold_hashers_start(struct hold *h);
/* Answers every queued call first. */
void hold_hashers_stop(struct hold *h);

/* store.c: hashes kept across runs (described there). */
struct store;
int hold_store_open(struct hold *h);
void hold_store_close(struct hold *h);
/* Fills f->sha when a record of this very file (unchanged) exists. */
bool hold_store_get(struct hold *h, struct exec_file *f);
void hold_store_put(struct hold *h, const struct exec_file *f);

/* connect.c */
int hold_decide_connect(struct hold *h, struct trapped *t, const struct seccomp_data *d);

/* review.c: asks the jury on a worker thread; returns HOLD_HELD or -errno. */
struct sx_net_approval;
int hold_review_exec(struct hold *h, const struct trapped *t, struct exec_call *c,
		     const struct exec_rule *rule);
int hold_review_connect(struct hold *h, const struct trapped *t,
			const struct sx_net_approval *k, const char *text, const char *host,
			const struct net_rule *rule);
/* context.c: where a reviewed exec came from (review.h's script and parents). */
struct hold_context {
	char *script;
	bool script_cut;
	char *parents[REVIEW_MAX_PARENTS];
	size_t nparents;
	char run[256];	/* the run's id (its cgroup's name under sevorix/), else the cgroup */
	uid_t uid;	/* the caller's real uid */
	bool has_uid;
};
/* Reads the context of the call of pid (a thread id will do). Returns 0 or -errno. */
int hold_read_context(int pid, struct hold_context *ctx);
void hold_context_free(struct hold_context *ctx);

#endif
