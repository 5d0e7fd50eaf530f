/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The run's private world: the mount and IPC namespaces that `sevorix
 * run` prepares before the agent starts (the PID namespace is made by the
 * fork itself, see run/).
 *
 * What the agent sees, built from the rulebook:
 *   - every mount read-only, except the paths the policy lets it write
 *     (bound onto themselves read-write), so that chmod, chown, utimes,
 *     xattrs and truncate outside the writable set fail in the kernel
 *     (EROFS), which Landlock does not judge;
 *   - a denied path under an allowed one hidden by a mask: an empty,
 *     read-only, root-owned, mode 000 tmpfs over a directory, an empty
 *     file of the same kind over a file. A read fails with EACCES, and
 *     Landlock no longer expands the allowed parent, so new names in it
 *     work;
 *   - with `tmp: private`, a fresh tmpfs on /tmp (noexec, owned by the
 *     agent, gone with the run) holding only what the policy names under
 *     /tmp, the workspace, the current directory and the command, bound
 *     at the same paths;
 *   - a /proc of the run's PID namespace (other processes invisible), a
 *     fresh /dev/shm (noexec), the IPC namespace's mqueue, and
 *     vm.memfd_noexec=2 for the namespace.
 *
 * Use: sandbox_plan() in the supervisor before fork (it stats, reads
 * links and allocates; the plan is a list of steps with the rule that
 * asked for each); sandbox_enter() in the child that becomes PID 1 of the
 * run, as root, before the Landlock rulesets are made (so that their
 * rules are opened on the mounts the agent will see); it makes system
 * calls only. On failure it names the step, and sandbox_step_text() says
 * in the supervisor what could not be had: the run stops (fail closed).
 */
#ifndef SEVORIX_SANDBOX_H
#define SEVORIX_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sevorix/policy.h"

struct sandbox_opts {
	uid_t uid; /* the agent */
	gid_t gid;
	const char *cwd;     /* where `sevorix run` started (the agent starts there) */
	const char *command; /* the command as found on PATH, or NULL */
};

struct sandbox;

/* Returns 0 or -errno with a message in err; *ret set on success. */
int sandbox_plan(const struct policy *p, const struct sandbox_opts *o, struct sandbox **ret,
		 char *err, size_t errlen);
void sandbox_free(struct sandbox *sb);

/*
 * Denied paths that the mounts make safe without Landlock's expansion of
 * their allowed parent (a mask hides them, or they cannot appear in the
 * private /tmp): for landlock_plan_build(). NULL-terminated, owned by sb.
 */
const char *const *sandbox_unexpanded(const struct sandbox *sb);

/* Lines for the user at start (denied paths that could not be masked). NULL-terminated. */
const char *const *sandbox_notes(const struct sandbox *sb);

/* How many mounts the plan makes, for the run's first event and -v. */
size_t sandbox_mounts(const struct sandbox *sb);

/*
 * In the child, as root, in the run's new PID namespace and before any
 * other mount: unshares the mount and IPC namespaces and builds the view.
 * Async-signal-safe. Returns 0, or -errno with *step set to the failing
 * step.
 */
int sandbox_enter(struct sandbox *sb, size_t *step);

/* In the supervisor: what step `step` was for, e.g. "mask ~/.ssh (policy.yaml:12)". */
void sandbox_step_text(const struct sandbox *sb, size_t step, char *buf, size_t len);

/*
 * The `create:` rules: each path that does not exist is created as the
 * agent user (uid, gid), without following symbolic links, before
 * anything else reads the policy. Calls show(path, rule, arg) for each
 * one created. Returns 0, or -errno with a message in err (the run must
 * not start: an allow rule would grant nothing, a deny rule could not be
 * masked).
 */
int sandbox_create(const struct policy *p, uid_t uid, gid_t gid,
		   void (*show)(const char *path, const struct file_rule *r, void *arg), void *arg,
		   char *err, size_t errlen);

#endif
