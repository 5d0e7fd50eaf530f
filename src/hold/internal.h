/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the files of the hold; not a public interface. */
#ifndef SEVORIX_HOLD_INTERNAL_H
#define SEVORIX_HOLD_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

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
	int listener;
	int approvals;		/* sx_approved map fd */
	struct events *ev;
};

/* exec.c: the answering thread. */
void *hold_loop(void *arg);

#endif
