/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The jury's counters, exposed as Prometheus text on GET /metrics. All
 * updates are relaxed atomic additions, so counting costs a review a few
 * nanoseconds and takes no lock.
 */
#ifndef SEVORIX_JURY_METRICS_H
#define SEVORIX_JURY_METRICS_H

#include <stdint.h>
#include <stdio.h>

#include "jury/jury.h"

/* Histogram bucket upper bounds in microseconds; +Inf is implicit. */
#define JURY_NBUCKETS 14

struct jury_hist {
	uint64_t buckets[JURY_NBUCKETS + 1];
	uint64_t sum_us;
	uint64_t count;
};

struct jury_metrics {
	uint64_t reviews[2]; /* by final verdict: allow, deny */
	uint64_t cache_hits, cache_misses;
	uint64_t refused[600]; /* requests answered with an HTTP error, by status */
	uint64_t cloud[5]; /* by outcome: ok, error, timeout, open, none */
	struct jury_hist review_latency;
	uint64_t votes[JURY_MAX_JURORS][4]; /* by juror, by verdict */
	struct jury_hist juror_latency[JURY_MAX_JURORS];
};

void jury_hist_add(struct jury_hist *h, int64_t us);
void jury_metrics_write(const struct jury_metrics *m, const struct jury_config *cfg, FILE *out);

static inline void jury_count(uint64_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

#endif
