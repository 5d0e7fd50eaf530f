/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the files of the hold; not a public interface. */
#ifndef SEVORIX_HOLD_INTERNAL_H
#define SEVORIX_HOLD_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>
#include <linux/seccomp.h>

#include "hold/hold.h"

struct identity {
	uint64_t kdev, ino;
	uint8_t sha[32];
	const struct exec_rule *rule;	/* NULL for a loader */
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

struct hash_job;

struct hold {
	const struct policy *p;
	struct identity *denied;
	size_t ndenied;
	struct identity *loaders;
	size_t nloaders;
	struct timespec started;
	struct hash_entry cache[HASH_CACHE];
	pthread_mutex_t lock;	/* the cache */
	pthread_t threads[HOLD_THREADS];
	int nthreads;
	pthread_mutex_t recv_lock; /* one answering thread at a time waits for a call */
	pthread_t hashers[HOLD_HASHERS];
	int nhashers;
	pthread_mutex_t hq_lock;
	pthread_cond_t hq_cond;
	struct hash_job *hq_head;
	int hq_len;
	bool hq_stop;
	bool running;
	int stop;		/* eventfd: hold_free() asks the answering thread to end */
	int listener;
	int approvals;		/* sx_approved map fd */
	int net_approvals;	/* sx_net_approved map fd */
	struct events *ev;
	const char *jury;	/* the jury's socket */
	int workers;		/* reviews in flight (atomic) */
	bool done;		/* the answering thread ended: the agent is gone (atomic) */
	bool stopping;
};

/* One trapped call being answered. */
struct trapped {
	int pid;		/* the thread that called */
	int mem;		/* /proc/PID/mem */
	uint64_t id;
	int listener;
};

#define HOLD_HELD 1		/* a hashing thread or a review worker answers later */
#define HOLD_NEEDS_HASH 2	/* the file's content must be hashed first */
#define HOLD_MAX_WORKERS 64

/* loop.c: the answering threads. */
void *hold_loop(void *arg);
bool hold_still_valid(const struct trapped *t);
/* Answers: 0 lets the call go on (if still valid), -errno fails it. */
void hold_respond(struct hold *h, const struct trapped *t, int r);

/* exec.c */
int hold_decide_exec(struct hold *h, struct trapped *t, const struct seccomp_data *d);
/* Judges an identified call and answers or hands it on; takes c->argv. As hold_decide_exec(). */
int hold_conclude_exec(struct hold *h, const struct trapped *t, struct exec_call *c);
int hold_approve_exec(struct hold *h, int tgid, const struct exec_call *c, uint64_t argv_hash);
int hold_tgid_of(int tid);
void hold_free_argv(char **argv);

/* resolve.c: what the call names, opened O_RDONLY as the agent reaches it; fd or -errno. */
int hold_open_as_agent(const struct trapped *t, int dirfd, const char *path, int flags);

/* ident.c: content identities (cap and hashing threads described there). */
int hold_hash_file(int fd, uint64_t size, uint8_t sha[32]);
/* Fills c->sha from the cache when c's file is unchanged since it was hashed. */
bool hold_cache_get(struct hold *h, struct exec_call *c);
void hold_cache_put(struct hold *h, const struct exec_call *c);
/* Hashes fd (taken) on a hashing thread, then concludes; HOLD_HELD or -errno (argv freed). */
int hold_hash_later(struct hold *h, const struct trapped *t, struct exec_call *c, int fd);
int hold_hashers_start(struct hold *h);
/* Answers every queued call first. */
void hold_hashers_stop(struct hold *h);

/* connect.c */
int hold_decide_connect(struct hold *h, struct trapped *t, const struct seccomp_data *d);

/* review.c: asks the jury on a worker thread; returns HOLD_HELD or -errno. */
struct sx_net_approval;
int hold_review_exec(struct hold *h, const struct trapped *t, struct exec_call *c,
		     const struct exec_rule *rule);
int hold_review_connect(struct hold *h, const struct trapped *t,
			const struct sx_net_approval *k, const char *text,
			const struct net_rule *rule);
/* FNV-1a of the argv joined by spaces, as the kernel hashes it (exec.bpf.c). */
uint64_t hold_argv_hash(char *const argv[]);

#endif
