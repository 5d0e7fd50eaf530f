/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The jury: configuration, one review, the answer.
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

#include "jury/jurors/juror.h"

#define JURY_MAX_JURORS 32
#define JURY_DEFAULT_CONFIG "/etc/sevorix/jury.yaml"
#define JURY_DEFAULT_SOCKET "/var/run/sevorix/slm.sock"
#define JURY_DEFAULT_DATA_DIR "/usr/local/share/sevorix/jury"

enum jury_mode {
	JURY_UNANIMOUS = 0,
	JURY_QUORUM = 1,
	JURY_WEIGHTED = 2,
	JURY_TIERED = 3, /* fast jurors first; models only when they split */
};

struct jury_config {
	char *path; /* the file read, or "(built-in)" */
	struct juror_config jurors[JURY_MAX_JURORS];
	size_t njurors;
	enum jury_mode mode;
	int quorum; /* JURY_QUORUM: allows needed */
	double threshold; /* JURY_WEIGHTED, JURY_TIERED: score needed to allow */
	int deadline_ms; /* per review, local jurors */
	size_t cache_size; /* entries; 0 disables the cache */
	int cache_ttl_ms;
	int client_timeout_ms; /* a connection idle or stalled this long is closed */
	int max_clients;
	char *data_dir;
	/* The optional cloud judge (cloud.url NULL when absent). */
	char *cloud_url;
	int cloud_deadline_ms;
	int cloud_failures; /* consecutive failures that open the breaker */
	int cloud_cooldown_ms; /* open -> half-open after this long */
};

/* Loads path; path NULL means JURY_DEFAULT_CONFIG, and a missing default file
 * gives the built-in configuration. Returns 0 or -errno; errors are written to
 * err as "file:line:col: message". */
int jury_config_load(const char *path, struct jury_config **ret, char *err, size_t errlen);
int jury_config_builtin(struct jury_config **ret, char *err, size_t errlen);
void jury_config_free(struct jury_config *cfg);
/* Writes the configuration back as YAML (for `sevorix jury config`). */
int jury_config_print(const struct jury_config *cfg, FILE *out);
/* "unanimous", "quorum:2", "weighted:0.5", "tiered:0" into buf. */
const char *jury_mode_name(const struct jury_config *cfg, char *buf, size_t len);

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
/* The cloud judge's circuit breaker (jury_cloud.h), or NULL without a cloud. */
const char *jury_cloud_state(const struct jury *j);

/* The tiered rule's first tier: true when the counted votes of the fast
 * jurors (those that ask no model) are all allows or all denies, with that
 * verdict in *verdict. Model jurors' votes and abstentions are ignored. */
bool jury_fast_agree(const struct jury_config *cfg, const struct jury_vote *votes,
		     size_t nvotes, enum vote_verdict *verdict);

/* Consensus over nvotes votes, one per cfg->jurors[i]. Writes the verdict and
 * a reason naming the jurors that decided. */
void jury_consensus(const struct jury_config *cfg, const struct jury_vote *votes, size_t nvotes,
		    enum vote_verdict *verdict, char *reason, size_t reasonlen);

#endif
