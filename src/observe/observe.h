/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Denials that other layers make without telling (bpf/observe.bpf.c):
 * Landlock answers an open or exec it refuses with EACCES, the seccomp
 * filters with EPERM. The observer sees such a call fail at syscall exit
 * and writes it to the run's event stream as "observed". It only logs:
 * nothing depends on it to enforce, so its links are not pinned and a
 * run whose observer cannot load still enforces every rule.
 */
#ifndef SEVORIX_OBSERVE_H
#define SEVORIX_OBSERVE_H

struct execlayer;
struct netlayer;
struct observer;

/*
 * Loads and attaches the observer of the run whose layers nl and x are
 * (it reads their cgroup and writes their ring buffer). Returns 0 or -errno.
 */
int observe_start(const struct netlayer *nl, const struct execlayer *x, struct observer **ret);
/* Detaches and frees. Accepts NULL. */
void observe_stop(struct observer *o);

#endif
