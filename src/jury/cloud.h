/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The optional cloud judge (cloud: in jury.yaml): any server that speaks the
 * review API over HTTP(S). The jury asks it first, within its own deadline;
 * on error or timeout the local jurors decide within the same review. A
 * circuit breaker skips the cloud while it is failing:
 *
 *   closed    --(N consecutive failures)-->  open
 *   open      --(cool-down elapsed)------->  half-open (one probe request)
 *   half-open --(probe succeeds)---------->  closed
 *   half-open --(probe fails)------------->  open (cool-down restarts)
 *
 * While the breaker is open a review costs no cloud latency at all.
 */
#ifndef SEVORIX_JURY_CLOUD_H
#define SEVORIX_JURY_CLOUD_H

#include <stddef.h>

#include "jury/jury.h"

struct jury_cloud;

int jury_cloud_new(const struct jury_config *cfg, struct jury_cloud **ret);
void jury_cloud_free(struct jury_cloud *c);

/* Asks the cloud judge about the raw request. Returns 0 with ans's verdict,
 * reason, consensus and votes filled from the cloud's answer; or -EAGAIN
 * (breaker open), -ETIMEDOUT, -EIO (unreachable, HTTP error, malformed
 * answer). *state is always set: "ok", "open", "timeout" or "error". */
int jury_cloud_review(struct jury_cloud *c, const char *raw, size_t rawlen, struct jury_answer *ans,
		      const char **state);

/* "closed", "open" or "half-open" (open, cool-down over, next review probes). */
const char *jury_cloud_breaker(struct jury_cloud *c);

#endif
