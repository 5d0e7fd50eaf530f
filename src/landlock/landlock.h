/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Landlock layer (K3): the rulebook's `files`, `exec` and, where it can be
 * said by port, `network` sections as Landlock rulesets, plus the scopes
 * that keep the agent from signalling or reaching (abstract UNIX sockets)
 * processes outside its domain.
 *
 * How a rule becomes Landlock rules. Landlock only allows: an access is
 * granted when a rule on the file or on one of its parent directories
 * grants it. The rulebook's order (most specific path first) is resolved
 * here, per access kind (read, write, exec), into the set of paths whose
 * whole hierarchy is allowed:
 *   - an allowed path with nothing denied beneath it becomes one rule;
 *   - an allowed directory with a deny beneath it (`${HOME}/.ssh` under
 *     `${HOME}`) is expanded into its entries as they exist now, minus the
 *     denied one, recursively down to the denied path. Entries created
 *     later in an expanded directory are not covered, so they are denied
 *     (fail-closed). `files: default: allow` is the same with "/" as the
 *     allowed directory;
 *   - `review` is compiled as deny (Landlock cannot hold a call);
 *   - symbolic links met while expanding are not followed: an access
 *     through one is judged on the path it resolves to.
 * Each section is its own ruleset layer, so the kernel intersects them:
 * executing a file needs the `files` exec right (when `files` is present)
 * and an allow in `exec` (when `exec` is present). A section absent from
 * the policy is not restricted. Network: when the `network` default is not
 * allow, TCP connect is allowed only to the ports of the allow/review
 * rules (Landlock cannot see addresses; the cgroup layer decides those).
 *
 * A minimal policy must allow what the agent needs to start: read+exec of
 * the dynamic loader and libraries (/usr on merged-/usr systems), read of
 * /etc (ld.so.cache, nsswitch, resolv.conf) and read+write of /dev (null,
 * tty). Nothing is added silently.
 *
 * Use: landlock_plan_compile() in the parent before fork (opens the paths,
 * builds the ruleset fds, reports errors before the agent starts);
 * landlock_plan_apply() in the child after the uid change and
 * no_new_privs, before the seccomp filter (only prctl and
 * landlock_restrict_self: async-signal-safe).
 */
#ifndef SEVORIX_LANDLOCK_H
#define SEVORIX_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sevorix/policy.h"

/* Upper bound on the rules of one layer; a larger expansion is an error. */
#define LANDLOCK_MAX_RULES 16384
/* Upper bound on TCP ports; more makes the network layer "not expressible". */
#define LANDLOCK_MAX_PORTS 4096

enum landlock_layer_kind {
	LANDLOCK_LAYER_FILES = 0, /* files section + TCP ports + scopes */
	LANDLOCK_LAYER_EXEC = 1,  /* exec section: the execute right only */
	LANDLOCK_LAYER_COUNT = 2,
};

struct landlock_rule {
	char *path;	 /* absolute */
	uint64_t access; /* LANDLOCK_ACCESS_FS_* granted beneath path */
	bool is_dir;
};

struct landlock_layer {
	bool present;
	uint64_t handled_fs;
	uint64_t handled_net;
	uint64_t scoped;
	struct landlock_rule *rules; /* sorted by path */
	size_t nrules;
	uint16_t *ports; /* TCP connect allowed; sorted, unique */
	size_t nports;
	int ruleset_fd; /* -1 until built; O_CLOEXEC */
};

struct landlock_plan {
	int abi; /* Landlock ABI the plan was built for */
	struct landlock_layer layers[LANDLOCK_LAYER_COUNT];
	uint32_t restrict_flags; /* landlock_restrict_self() flags (ABI 7 logging); default 0 */
	size_t nmissing;	 /* allowed paths that do not exist: nothing granted */
	size_t nsymlinks;	 /* symlinks skipped while expanding */
	bool net_not_expressible; /* network section present but left to other layers */
	const char *const *unexpanded; /* denied paths hidden otherwise (see landlock_plan_build_with) */
	struct landlock_mounts *mounts; /* the view's mount table, read by landlock_plan_rulesets() */
};

/*
 * Highest Landlock ABI of this kernel (>= 1), or -EOPNOTSUPP when Landlock
 * is compiled out or disabled. Cached after the first call.
 */
int landlock_probe(void);

/*
 * policy -> plan, in the parent. Opens every path, creates the rulesets.
 * h may be NULL (safe default: every scope the kernel has). On error
 * returns -errno and writes one "file:line:col: message" line (or a plain
 * message) to err. A policy with a `files` or `exec` section on a kernel
 * without Landlock is -EOPNOTSUPP (fail-closed: the caller must not run
 * the agent unenforced). Returns 0 and sets *ret on success.
 */
int landlock_plan_compile(const struct policy *p, const struct hardening_opts *h,
			  struct landlock_plan **ret, char *err, size_t errlen);

/*
 * The same, for a given ABI and without creating rulesets (fds stay -1):
 * the pure computation, for tests and `sevorix policy` explanations.
 */
int landlock_plan_build(const struct policy *p, const struct hardening_opts *h, int abi,
			struct landlock_plan **ret, char *err, size_t errlen);

/*
 * As landlock_plan_build(), for this kernel's ABI, leaving out the denied
 * paths in unexpanded (NULL-terminated; NULL: none): the caller hides
 * them otherwise (sevorix run masks them with a mount), so the allowed
 * directory above them is one rule instead of its entries. The rulesets
 * are not made: a process that changes its mounts makes them afterwards
 * with landlock_plan_rulesets(), so that the rules are opened on what
 * the agent will see. unexpanded must outlive the plan.
 */
int landlock_plan_build_with(const struct policy *p, const struct hardening_opts *h,
			     const char *const *unexpanded, struct landlock_plan **ret, char *err,
			     size_t errlen);

/*
 * Creates the rulesets of a plan from landlock_plan_build_with(), opening
 * each rule's path now (a path that is gone gets no rule: fail closed).
 * A files rule that grants read on a tree that the mounts of this
 * process's view make read-only everywhere the rule reaches also grants
 * truncate: the mounts refuse truncating there anyway (EROFS), and
 * Landlock then stops its walk at the rule on every open instead of
 * going up to the root (landlock_mounts.c). Not when the policy relaxes
 * the hardening's `mount` (the agent could change the mounts).
 * System calls only (for a child between fork and exec). Returns 0, or
 * -errno with *failed the index of the rule that failed (rules of every
 * layer in order, then the ports), for landlock_rulesets_error().
 */
int landlock_plan_rulesets(struct landlock_plan *plan, size_t *failed);
/* The message for a failure of landlock_plan_rulesets(). */
void landlock_rulesets_error(const struct landlock_plan *plan, size_t failed, int e, char *err,
			     size_t errlen);

/*
 * In the forked child: sets no_new_privs and restricts the calling thread
 * with every layer. Allocates nothing. Returns 0 or -errno; on error the
 * caller must _exit() without exec (fail-closed).
 */
int landlock_plan_apply(const struct landlock_plan *plan);

void landlock_plan_free(struct landlock_plan *plan);

/*
 * What the plan (or, with plan NULL, this kernel) enforces and what not,
 * one line per item. Returns 0, or -ENOSPC when buf was too small.
 */
int landlock_describe(const struct landlock_plan *plan, char *buf, size_t len);

/* Landlock rights for an enum sx_access set on this ABI (exported for tests). */
uint64_t landlock_access_for(unsigned int sx_access, int abi);

#endif
