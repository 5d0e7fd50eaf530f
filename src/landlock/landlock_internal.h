/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared between the files of src/landlock/ only.
 */
#ifndef SEVORIX_LANDLOCK_INTERNAL_H
#define SEVORIX_LANDLOCK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "landlock/landlock.h"

/* Rights that a rule on a non-directory may carry. */
uint64_t landlock_file_rights(void);

/* files and exec sections into plan->layers (plan->abi set). Returns 0 or -errno. */
int landlock_build_fs(const struct policy *p, struct landlock_plan *plan, char *err,
		      size_t errlen);

/*
 * The mount table of the view, for the truncate right on read-only trees
 * (landlock_mounts.c). Made in the parent with the plan (the child that
 * reads the table into it cannot allocate); the strings point into buf.
 */
#define LANDLOCK_MOUNTINFO_MAX (64 * 1024)
#define LANDLOCK_MOUNTS_MAX 1024

struct landlock_mount {
	unsigned int id, parent, major, minor;
	bool ro;	   /* the mount's own flag */
	const char *root;  /* the mount's root in its filesystem */
	const char *point; /* where it is mounted in the view */
};

struct landlock_mounts {
	char buf[LANDLOCK_MOUNTINFO_MAX];
	struct landlock_mount m[LANDLOCK_MOUNTS_MAX];
	size_t n;
};

/* Reads /proc/self/mountinfo into t (system calls only). Returns 0 or -errno. */
int landlock_mounts_load(struct landlock_mounts *t);
/* Parses the len bytes in t->buf (in place). Returns 0, or -EINVAL/-E2BIG. */
int landlock_mounts_parse(struct landlock_mounts *t, size_t len);
/*
 * Is the tree at path, on mount mnt_id, read-only wherever a Landlock rule
 * on it grants: its mount read-only, no writable mount reaching its inode
 * or hanging beneath it? Unknown is false.
 */
bool landlock_mounts_ro_tree(const struct landlock_mounts *t, unsigned int mnt_id,
			     const char *path);
/* The same for the file or directory open at fd (its mount id and path from the kernel). */
bool landlock_mounts_ro_fd(const struct landlock_mounts *t, int fd);

/* Writes "file:line:col: message" (or just the message when loc has no file) to err. */
void landlock_err(char *err, size_t errlen, const struct policy_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
