/* SPDX-License-Identifier: GPL-2.0-only */
/* `sevorix run --learn OUT.yaml`: what the run did, written as a rulebook (learn/learn.h). */
#ifndef SEVORIX_RUN_LEARN_H
#define SEVORIX_RUN_LEARN_H

#include <stdbool.h>

#include "policy/agent.h"

struct events;
struct netlayer;
struct learn_rec;

struct run_learn {
	const char *out;	/* --learn OUT.yaml; NULL: not learning */
	bool base;		/* no --policy or --profile: run under learn_base() */
	struct policy *ref;	/* learn_reference() */
	struct learn_rec *rec;
	int stats_fd;		/* the run's sx_stats (its lost events), or -1 */
	struct policy_dns dns;	/* the run's network.dns (its upstreams copied) */
	char workspace[4096];
};

/*
 * The policy of a learning run (learn_base() when l->base, else file) and
 * the reference the learnt policy is written against. 0 or -errno (as
 * policy_load(), with diag).
 */
int run_learn_load(struct run_learn *l, const char *file, const struct agent_user *u,
		   const char *agent_dir, struct policy **ret, struct policy_diag *diag);
/* Every allowed destination reported, every kernel record recorded. 0 or -errno. */
int run_learn_start(struct run_learn *l, struct netlayer *nl, struct events *ev);
/* Writes l->out (through a temporary file, renamed over it). 0 or -errno. */
int run_learn_write(struct run_learn *l, const struct agent_user *u, char *const argv[]);
void run_learn_free(struct run_learn *l);

#endif
