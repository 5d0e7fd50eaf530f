/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `sevorix policy apply RUN FILE` for a running `sevorix run`. What lives
 * in kernel maps changes at once (the command rewrites them through the
 * run's pins); the run's supervisor learns the new rules of its hold on
 * SIGUSR1, reading the request from RUN_STATE_DIR/RUN.apply and answering
 * in RUN.apply.out; the Landlock ruleset and seccomp filter that the agent
 * applied to itself at start cannot change from outside, and the rows that
 * would need them are listed as needing a restart of the agent.
 */
#ifndef SEVORIX_APPLY_APPLY_H
#define SEVORIX_APPLY_APPLY_H

#include <stdio.h>

#include "sevorix/policy.h"

struct hold;
struct events;
struct agent_user;

/* The command's side; returns its exit status. */
int run_apply(const char *id, const char *file);

/*
 * The supervisor's side, on SIGUSR1: loads the requested policy for user
 * u with ${WORKSPACE} cwd (jury, when not NULL, replaces its jury socket),
 * starts a new hold with it in place of *h (when *h is not NULL), points
 * ev at it and replaces *p. Writes its answer for the command. Returns 0
 * or -errno; on error nothing changed.
 */
int run_apply_receive(const char *id, const struct agent_user *u, const char *cwd,
		      const char *jury, struct policy **p, struct hold **h, struct events *ev);

/* Prints the rows of old and new that differ and that only a restart applies. */
int apply_restart_rows(const struct policy *old, const struct policy *new, FILE *out);

#endif
