/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the grounding juror (grounding.c, fs.c): resolving programs
 * and paths inside the agent's filesystem view, and what a binary knows.
 */
#ifndef SEVORIX_JURY_GROUNDING_H
#define SEVORIX_JURY_GROUNDING_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define GR_CACHE 32
#define GR_FLAGS 64
#define GR_MAX_BINARY (4u << 20) /* larger binaries: options not checked */

struct gr_binary {
	dev_t dev;
	ino_t ino;
	const char *map; /* the file, mapped read-only; NULL when not ELF or too large */
	size_t len;
	uint64_t flag_hash[GR_FLAGS]; /* flags already looked up ... */
	bool flag_known[GR_FLAGS];    /* ... and whether the binary knows them */
	int nflags;
};

struct juror {
	pthread_mutex_t lock;
	struct gr_binary bins[GR_CACHE];
	int nbins, next;
};

/* Opens path inside root (RESOLVE_IN_ROOT): O_PATH fd or -errno. */
int gr_open_in(int rootfd, const char *path, int flags);
/* Resolves a program name through PATH inside root; fd of the file or -errno. */
int gr_which(int rootfd, const char *prog, const char *cwd, char *found, size_t len);
/* 1 when the ELF binary behind fd mentions flag, 0 when not, -errno when it cannot tell. */
int gr_binary_knows(struct juror *j, int fd, const char *flag);
void gr_cache_free(struct juror *j);

#endif
