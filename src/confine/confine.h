/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The agent's kernel confinement as one step: the Landlock plan (K3) and
 * the seccomp hardening filter (K4 denials), prepared together in the
 * parent and applied together in the child, Landlock first.
 *
 * In `sevorix run`:
 *   parent, before fork:   confine_prepare_late(policy, &hardening, unexpanded, &cf, err, ...)
 *   child (the run's init), after its mounts:  confine_rulesets(&cf, &failed)
 *   the agent, after the uid change and no_new_privs:  confine_child(&cf)
 *   parent, after fork:    confine_release(&cf)
 * confine_child() runs just before exec; it allocates nothing. Any error
 * there must stop the exec (fail-closed). confine_prepare() makes the
 * rulesets at once, for callers that do not change their mounts.
 */
#ifndef SEVORIX_CONFINE_H
#define SEVORIX_CONFINE_H

#include <stddef.h>

#include "landlock/landlock.h"
#include "seccomp/hardening.h"

struct confine {
	struct landlock_plan *plan;	   /* NULL: Landlock not used (no section needs it, no kernel) */
	struct hardening_filter *filter;
	struct hardening_opts opts;
};

/*
 * Returns 0 or -errno with a one-line message in err. A policy with
 * files/exec rules on a kernel without Landlock is -EOPNOTSUPP; a kernel
 * without seccomp filters is -EOPNOTSUPP (both fail-closed).
 */
int confine_prepare(const struct policy *p, const struct hardening_opts *h, struct confine *c,
		    char *err, size_t errlen);
/*
 * The same for a child that changes its mounts first (sevorix run): the
 * Landlock rulesets are not made here but by confine_rulesets() in the
 * child after its mounts, so that a rule on /tmp is a rule on the /tmp
 * the agent sees. unexpanded: denied paths the mounts hide (see
 * landlock_plan_build_with()); it must outlive c.
 */
int confine_prepare_late(const struct policy *p, const struct hardening_opts *h,
			 const char *const *unexpanded, struct confine *c, char *err,
			 size_t errlen);
/* In the child, as root, after the mounts: landlock_plan_rulesets(). 0 or -errno, *failed set. */
int confine_rulesets(struct confine *c, size_t *failed);
/* In the child: landlock_plan_apply(), then hardening_filter_apply(). 0 or -errno. */
int confine_child(void *arg);
void confine_release(struct confine *c);
/* landlock_describe() + hardening_describe(), for doctor and the run's first event. */
int confine_describe(const struct confine *c, char *buf, size_t len);

#endif
