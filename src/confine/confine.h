/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The agent's kernel confinement as one step: the Landlock plan (K3) and
 * the seccomp hardening filter (K4 denials), prepared together in the
 * parent and applied together in the child, Landlock first.
 *
 * In `sevorix run`:
 *   parent, before fork:  confine_prepare(policy, &hardening, &cf, err, sizeof(err))
 *   child_spec:           .confine = confine_child, .confine_arg = &cf
 *   parent, after fork:   confine_release(&cf)
 * confine_child() runs after the uid change and no_new_privs, before exec;
 * it allocates nothing. Any error there must stop the exec (fail-closed).
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
/* In the child: landlock_plan_apply(), then hardening_filter_apply(). 0 or -errno. */
int confine_child(void *arg);
void confine_release(struct confine *c);
/* landlock_describe() + hardening_describe(), for doctor and the run's first event. */
int confine_describe(const struct confine *c, char *buf, size_t len);

#endif
