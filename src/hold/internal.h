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

struct hold {
	const struct policy *p;
	struct identity *denied;
	size_t ndenied;
	struct identity *loaders;
	size_t nloaders;
	struct timespec started;
	struct hash_entry cache[HASH_CACHE];
	pthread_mutex_t lock;	/* the cache */
	pthread_t thread;
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

#define HOLD_HELD 1		/* the jury was asked: a worker answers later */
#define HOLD_MAX_WORKERS 64

/* loop.c: the answering thread. */
void *hold_loop(void *arg);
bool hold_still_valid(const struct trapped *t);
/* Answers: 0 lets the call go on (if still valid), -errno fails it. */
void hold_respond(struct hold *h, const struct trapped *t, int r);

/* exec.c */
int hold_decide_exec(struct hold *h, struct trapped *t, const struct seccomp_data *d);
int hold_approve_exec(struct hold *h, int tgid, const struct exec_call *c, uint64_t argv_hash);
int hold_tgid_of(int tid);
void hold_free_argv(char **argv);

/* resolve.c: what the call names, opened O_RDONLY as the agent reaches it; fd or -errno. */
int hold_open_as_agent(const struct trapped *t, int dirfd, const char *path, int flags);

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
