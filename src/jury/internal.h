/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The jury's state, shared by jury.c (one review) and ballot.c (the local
 * jurors' votes), and the clock they and human.c wait by; the rest of
 * Sevorix sees only jury.h.
 */
#ifndef SEVORIX_JURY_INTERNAL_H
#define SEVORIX_JURY_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "jury/jury.h"
#include "jury/metrics.h"

struct jury {
	const struct jury_config *cfg;
	struct juror_config jcfg[JURY_MAX_JURORS]; /* with deadlines resolved */
	const struct juror_ops *ops[JURY_MAX_JURORS];
	struct juror *jurors[JURY_MAX_JURORS]; /* NULL: failed to open */
	char open_err[JURY_MAX_JURORS][160];
	struct jury_cache *cache;
	struct jury_cloud *cloud;
	struct jury_metrics metrics;
	pthread_mutex_t lock; /* guards nthreads */
	pthread_cond_t idle;
	int nthreads; /* voter threads still running */
};

static inline int64_t jury_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A condition variable whose waits are timed by CLOCK_MONOTONIC (jury_now_us()). */
static inline void jury_cond_init(pthread_cond_t *c)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(c, &ca);
	pthread_condattr_destroy(&ca);
}

/* Waits on c (from jury_cond_init(), m held) until signalled or deadline_us passes. */
static inline void jury_cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m,
					int64_t deadline_us)
{
	struct timespec ts = { .tv_sec = deadline_us / 1000000,
			       .tv_nsec = (deadline_us % 1000000) * 1000 };

	pthread_cond_timedwait(c, m, &ts);
}

/*
 * Every local juror of j votes on r into ans->votes, and ans->nvotes is
 * set: the in-process jurors inline, those with an endpoint on threads of
 * their own, all by the review's deadline (a missing vote is an error
 * vote). Under the tiered rule the model jurors are asked only when the
 * fast ones split; otherwise their votes read "abstain: not asked". The
 * votes cast are counted in j's metrics. ctx, when not NULL, is r's context
 * (context.h): each juror judges it too, and the stricter vote counts.
 */
void jury_ballot(struct jury *j, const struct review *r, const struct review *ctx,
		 struct jury_answer *ans);

/* Has a human juror been handed r's run (jury.c, human.h)? */
bool jury_run_escalated(struct jury *j, const struct review *r);

#endif
