/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the files of src/sandbox/; not a public interface. */
#ifndef SEVORIX_SANDBOX_INTERNAL_H
#define SEVORIX_SANDBOX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sandbox/sandbox.h"

/*
 * One step of building the view. The plan is made in the supervisor and
 * run in order by the child (enter.c), which only makes system calls:
 * every string is ready, every fd has its slot.
 */
enum sbx_kind {
	SBX_UNSHARE,   /* new mount and IPC namespaces */
	SBX_PRIVATE,   /* no mount events to or from the host */
	SBX_CLONE,     /* a detached copy of the host tree at path (its flags kept), into slot */
	SBX_READONLY,  /* path (a mount root) and every mount below it read-only */
	SBX_BIND_SELF, /* path onto itself, with the mounts below it: a mount root */
	SBX_ATTACH,    /* the copy in slot onto path */
	SBX_TMPFS,     /* a fresh tmpfs on path: mode, uid, gid, flags (MS_*) */
	SBX_DIR,       /* mkdir path: mode, uid, gid (a mount point or its parent) */
	SBX_FILE,      /* an empty file: mode, uid, gid */
	SBX_SYMLINK,   /* path -> src (a link of the command's chain) */
	SBX_MASK_DIR,  /* an empty read-only mode-000 tmpfs on path */
	SBX_MASK_FILE, /* src (an empty mode-000 file) bound read-only on path */
	SBX_UNLINK,    /* path removed (the masks' source, once bound) */
	SBX_PROC,      /* the PID namespace's procfs on path */
	SBX_MQUEUE,    /* the IPC namespace's mqueue on path */
	SBX_WRITE,     /* src written into path (a sysctl of the namespace) */
	SBX_CHDIR,     /* the agent's directory, in the new view */
};

/* SBX_READONLY flags */
#define SBX_RO 1  /* read-only (else writable) */
#define SBX_ONE 2 /* that mount alone, not the mounts below it */

struct sbx_step {
	enum sbx_kind kind;
	char *path;
	char *src;
	int slot;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	unsigned long flags;
	bool optional;		      /* ENOENT: the kernel or system lacks it; skipped */
	const struct file_rule *rule; /* the rule that asked, or NULL */
	const char *why;	      /* what the step is for, static text */
};

struct sandbox {
	const struct policy *p;
	struct sbx_step *steps;
	size_t nsteps;
	int *slots; /* SBX_CLONE fds, filled in the child */
	size_t nslots;
	char **unexpanded; /* NULL-terminated */
	size_t nunexpanded;
	char **notes; /* NULL-terminated */
	size_t nnotes;
	size_t nmounts;
};

/* plan.c */
struct sbx_step *sbx_add(struct sandbox *sb, enum sbx_kind kind, const char *path, const char *why);
int sbx_unexpanded(struct sandbox *sb, const char *path);
int sbx_note(struct sandbox *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Is p strictly beneath base (both absolute, normalized)? */
bool sbx_under(const char *p, const char *base);
/* A write of path is allowed by the policy (the writable set). */
bool sbx_writable(const struct policy *p, const char *path);

/*
 * writable.c: the writable set over points (paths with the rule that
 * names them), sorted shallow first by sbx_points_sort(); those with no
 * point above them inherit base (true: writable as on the host). Copies
 * of host trees go to pre, the rest to sb. Returns 0 or -errno.
 */
struct sbx_points {
	const char **paths;
	const struct file_rule **rules;
	size_t n;
};
int sbx_plan_writable(struct sandbox *sb, struct sandbox *pre, const struct sbx_points *pts,
		      bool base);
int sbx_points_add(struct sbx_points *pts, const char *path, const struct file_rule *rule);
/* The number of '/' in p: "/" is 1, "/usr" 1, "/usr/lib" 2. */
size_t sbx_depth(const char *p);
void sbx_points_free(struct sbx_points *pts);
void sbx_points_sort(struct sbx_points *pts);

/* masks.c: which denied paths a mask hides, and the steps of the masks. */
bool sbx_maskable(const struct policy *p, const struct file_rule *r);
bool sbx_needs_hiding(const struct policy *p, const char *path);
/* r's path will be hidden by a mask (it exists, and nothing else keeps it from one). */
bool sbx_masked(const struct policy *p, const struct file_rule *r);
/* Is path one of bound, or beneath one? */
bool sbx_under_bound(const struct sbx_points *bound, const char *path);
/* shm: a private /dev/shm is mounted already (the masks of files are made there). */
int sbx_plan_masks(struct sandbox *sb, bool tmp_private, bool shm, const struct sbx_points *bound);

/* tmp.c: the private /tmp. bound receives the host paths bound into it. */
int sbx_plan_tmp(struct sandbox *sb, struct sandbox *pre, const struct sandbox_opts *o,
		 struct sbx_points *bound);

#endif
