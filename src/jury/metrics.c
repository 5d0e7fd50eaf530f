/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Prometheus text exposition (format 0.0.4) of the jury's counters.
 * Histograms are cumulative at render time: each bucket is counted once
 * when a sample lands, and "le" buckets are summed when written.
 */
#include <stdio.h>
#include <string.h>

#include "jury/metrics.h"

static const uint64_t bucket_us[JURY_NBUCKETS] = {
	50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000,
};

/* The same bounds in seconds, as Prometheus labels. */
static const char *const bucket_le[JURY_NBUCKETS] = {
	"0.00005", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005",
	"0.01",	   "0.025",  "0.05",	"0.1",	  "0.25",  "0.5",    "1",
};

static const char *const cloud_names[] = { "ok", "error", "timeout", "open", "none" };

void jury_hist_add(struct jury_hist *h, int64_t us)
{
	size_t i;

	if (us < 0)
		us = 0;
	for (i = 0; i < JURY_NBUCKETS && (uint64_t)us > bucket_us[i]; i++)
		;
	jury_count(&h->buckets[i]);
	__atomic_fetch_add(&h->sum_us, (uint64_t)us, __ATOMIC_RELAXED);
	jury_count(&h->count);
}

static uint64_t ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Writes one histogram's series; labels is "" or `juror="x",`. */
static void hist_write(FILE *out, const char *name, const char *labels, const struct jury_hist *h)
{
	uint64_t cum = 0;
	size_t i;

	for (i = 0; i < JURY_NBUCKETS; i++) {
		cum += ld(&h->buckets[i]);
		fprintf(out, "%s_bucket{%sle=\"%s\"} %llu\n", name, labels, bucket_le[i],
			(unsigned long long)cum);
	}
	cum += ld(&h->buckets[JURY_NBUCKETS]);
	fprintf(out, "%s_bucket{%sle=\"+Inf\"} %llu\n", name, labels, (unsigned long long)cum);
	fprintf(out, "%s_sum%s%.*s%s %.6f\n", name, labels[0] ? "{" : "",
		labels[0] ? (int)(strlen(labels) - 1) : 0, labels, labels[0] ? "}" : "",
		ld(&h->sum_us) / 1e6);
	fprintf(out, "%s_count%s%.*s%s %llu\n", name, labels[0] ? "{" : "",
		labels[0] ? (int)(strlen(labels) - 1) : 0, labels, labels[0] ? "}" : "",
		(unsigned long long)ld(&h->count));
}

static void juror_write(FILE *out, const struct jury_metrics *m, const struct jury_config *cfg)
{
	char labels[160];
	size_t i, v;

	fprintf(out, "# HELP sevorix_jury_votes_total Votes cast, by juror and verdict.\n"
		     "# TYPE sevorix_jury_votes_total counter\n");
	for (i = 0; i < cfg->njurors; i++)
		for (v = 0; v < 4; v++)
			fprintf(out, "sevorix_jury_votes_total{juror=\"%s\",verdict=\"%s\"} %llu\n",
				cfg->jurors[i].name, vote_verdict_name(v),
				(unsigned long long)ld(&m->votes[i][v]));
	fprintf(out, "# HELP sevorix_jury_juror_latency_seconds Time each juror took to vote.\n"
		     "# TYPE sevorix_jury_juror_latency_seconds histogram\n");
	for (i = 0; i < cfg->njurors; i++) {
		snprintf(labels, sizeof(labels), "juror=\"%s\",", cfg->jurors[i].name);
		hist_write(out, "sevorix_jury_juror_latency_seconds", labels, &m->juror_latency[i]);
	}
}

void jury_metrics_write(const struct jury_metrics *m, const struct jury_config *cfg, FILE *out)
{
	size_t i;

	fprintf(out,
		"# HELP sevorix_jury_reviews_total Reviews answered, by verdict.\n"
		"# TYPE sevorix_jury_reviews_total counter\n"
		"sevorix_jury_reviews_total{verdict=\"allow\"} %llu\n"
		"sevorix_jury_reviews_total{verdict=\"deny\"} %llu\n",
		(unsigned long long)ld(&m->reviews[0]), (unsigned long long)ld(&m->reviews[1]));
	fprintf(out,
		"# HELP sevorix_jury_cache_hits_total Reviews answered from the cache.\n"
		"# TYPE sevorix_jury_cache_hits_total counter\n"
		"sevorix_jury_cache_hits_total %llu\n"
		"# HELP sevorix_jury_cache_misses_total Reviews not found in the cache.\n"
		"# TYPE sevorix_jury_cache_misses_total counter\n"
		"sevorix_jury_cache_misses_total %llu\n",
		(unsigned long long)ld(&m->cache_hits), (unsigned long long)ld(&m->cache_misses));
	fprintf(out, "# HELP sevorix_jury_errors_total Requests refused, by HTTP status.\n"
		     "# TYPE sevorix_jury_errors_total counter\n");
	for (i = 400; i < 600; i++)
		if (ld(&m->refused[i]) || i == 400)
			fprintf(out, "sevorix_jury_errors_total{status=\"%zu\"} %llu\n", i,
				(unsigned long long)ld(&m->refused[i]));
	if (cfg->cloud_url) {
		fprintf(out, "# HELP sevorix_jury_cloud_total Cloud judge outcomes.\n"
			     "# TYPE sevorix_jury_cloud_total counter\n");
		for (i = 0; i < 4; i++)
			fprintf(out, "sevorix_jury_cloud_total{outcome=\"%s\"} %llu\n",
				cloud_names[i], (unsigned long long)ld(&m->cloud[i]));
	}
	fprintf(out, "# HELP sevorix_jury_review_latency_seconds Time to answer a review.\n"
		     "# TYPE sevorix_jury_review_latency_seconds histogram\n");
	hist_write(out, "sevorix_jury_review_latency_seconds", "", &m->review_latency);
	juror_write(out, m, cfg);
}
