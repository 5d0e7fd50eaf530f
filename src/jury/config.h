/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The jury's configuration, jury.yaml (sevorix-jury(5)), as config.c reads
 * it: the jurors, the consensus rule, the deadlines, the cache, the
 * server's limits and the optional cloud judge.
 */
#ifndef SEVORIX_JURY_CONFIG_H
#define SEVORIX_JURY_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "jury/jurors/juror.h"

#define JURY_MAX_JURORS 32
#define JURY_DEFAULT_CONFIG "/etc/sevorix/jury.yaml"
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
 * gives the built-in configuration. Returns 0 or -errno; every error of the
 * file is written to err as a line "file:line:col: message" (lines that do
 * not fit are dropped). */
int jury_config_load(const char *path, struct jury_config **ret, char *err, size_t errlen);
int jury_config_builtin(struct jury_config **ret, char *err, size_t errlen);
void jury_config_free(struct jury_config *cfg);
/* How long a review may take the jury at worst, in ms: its deadline, a
 * person's (human_deadline_ms) when one sits on it, and the cloud's. */
int jury_config_worst_ms(const struct jury_config *cfg);
/* Writes the configuration back as YAML (for `sevorix jury config`). */
int jury_config_print(const struct jury_config *cfg, FILE *out);
/* "unanimous", "quorum:2", "weighted:0.5", "tiered:0" into buf. */
const char *jury_mode_name(const struct jury_config *cfg, char *buf, size_t len);

#endif
