/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The jury: one review, from the request to the answer (README.md).
 *
 * A struct jury owns the opened jurors of one configuration, the verdict
 * cache, the optional cloud judge and the metrics. jury_review() is safe to
 * call from many threads at once: the cache and the breaker have their own
 * locks, the counters are atomic, and each juror's vote() is reentrant by
 * contract (juror.h).
 *
 * Fail closed, everywhere: a juror that errs, answers out of contract or is
 * late votes error, which denies unless the juror is advisory; a consensus
 * that cannot be reached denies.
 */
#ifndef SEVORIX_JURY_H
#define SEVORIX_JURY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "jury/config.h"

struct jury_vote {
	const char *juror; /* the juror's name; lives as long as the jury */
	struct vote v;
	int64_t latency_us;
};

enum jury_judge {
	JURY_JUDGE_LOCAL = 0,
	JURY_JUDGE_CLOUD = 1,
};

struct jury_answer {
	const char *id; /* borrowed from the request */
	enum vote_verdict verdict; /* VOTE_ALLOW or VOTE_DENY only */
	char reason[VOTE_REASON_MAX];
	char consensus[32];
	struct jury_vote votes[JURY_MAX_JURORS];
	size_t nvotes;
	bool cached;
	enum jury_judge judge;
	const char *cloud_state; /* NULL when no cloud; "ok", "error", "timeout", "open" */
	int64_t latency_us;
};

struct jury;

/* Opens every juror of cfg (cfg must outlive the jury). Returns 0 or -errno;
 * err names the juror that failed. */
int jury_open(const struct jury_config *cfg, struct jury **ret, char *err, size_t errlen);
void jury_close(struct jury *j);
/* Why juror i failed to open (it then votes error), or NULL when it is open. */
const char *jury_open_error(const struct jury *j, size_t i);
/* Judges one review. raw/rawlen is the request body as received, forwarded
 * to the cloud judge when one is configured (may be NULL). Always fills ans
 * with a verdict; returns 0, or -errno when the review itself was invalid. */
int jury_review(struct jury *j, const struct review *r, const char *raw, size_t rawlen,
		struct jury_answer *ans);
/* Appends the Prometheus text exposition of the jury's counters to out. */
int jury_metrics_render(struct jury *j, FILE *out);
/* Counts a request refused before review (HTTP status). */
void jury_metrics_refused(struct jury *j, int status);
const struct jury_config *jury_config_of(const struct jury *j);
/* The cloud judge's circuit breaker (cloud.h), or NULL without a cloud. */
const char *jury_cloud_state(const struct jury *j);

/* The reviews waiting for a person (of run, or all when NULL) and run's
 * standing approvals, as JSON {"pending": [...], "standing": [...]}
 * (docs/review-api.md), malloc'd. Returns 0 or -ENOMEM. */
int jury_pending(struct jury *j, const char *run, char **ret, size_t *len);
/* A person's answer to pending review id, from a peer with uid peer (see
 * human_answer() for the returns). */
struct human_answer;
int jury_pending_answer(struct jury *j, const char *id, const struct human_answer *a,
			bool has_peer, uid_t peer);

#endif
