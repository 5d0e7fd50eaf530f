/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scores the built-in jurors on the corpus' held-out split.
 *
 *   jury_eval TEST.tsv DATADIR
 *
 * Every command is sent as the enforcement side sends it, an exec of
 * {"path":"/bin/sh","argv":["sh","-c",COMMAND]}, to each juror's own
 * vote(). "Positive" means denied: precision is the share of denies that
 * were malicious, recall the share of malicious commands denied. An error
 * vote counts as a deny and an abstain as not denying, as the jury counts
 * them. The consensus rules of src/jury/consensus.c are then applied to the
 * same votes, for several configurations, to choose the default.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jury/jurors/builtin.h"
#include "jury_corpus_io.h"

#define NJ 4

static const struct juror_ops *const ops[NJ] = { &juror_rulebook_ops, &juror_ngram_ops,
						 &juror_logreg_ops, &juror_grounding_ops };

struct score {
	long tp, fp, tn, fn;
};

struct mode {
	const char *name;
	int kind; /* 0 unanimous, 1 quorum, 2 weighted */
	double param;
	double w[NJ];
	int veto; /* juror index with veto, -1 none */
};

static const struct mode modes[] = {
	{ "unanimous", 0, 0, { 1, 1, 1, 1 }, -1 },
	{ "quorum:3, rulebook veto", 1, 3, { 1, 1, 1, 1 }, 0 },
	{ "quorum:2, rulebook veto", 1, 2, { 1, 1, 1, 1 }, 0 },
	{ "weighted:0 (1,1,1,1)", 2, 0, { 1, 1, 1, 1 }, -1 },
	{ "weighted:0 (2,1,1,0.5)", 2, 0, { 2, 1, 1, 0.5 }, -1 },
	{ "weighted:0 (2,1,1,0.5), rulebook veto", 2, 0, { 2, 1, 1, 0.5 }, 0 },
	{ "weighted:0.5 (2,1,1,0.5)", 2, 0.5, { 2, 1, 1, 0.5 }, -1 },
	{ "weighted:-0.5 (2,1,1,0.5)", 2, -0.5, { 2, 1, 1, 0.5 }, -1 },
	{ "weighted:0 (1.5,1,1,0.5), rulebook veto", 2, 0, { 1.5, 1, 1, 0.5 }, 0 },
	{ "weighted:0 (2,1,1,1), rulebook veto", 2, 0, { 2, 1, 1, 1 }, 0 },
	{ "weighted:1 (1,0.5,1,0.5), rulebook veto", 2, 1, { 1, 0.5, 1, 0.5 }, 0 },
	/* the recommended default (RECOMMEND.txt); -v 4 lists its mistakes */
	{ "weighted:0.5 (1,0.5,1,0.5), rulebook veto *", 2, 0.5, { 1, 0.5, 1, 0.5 }, 0 },
};
#define NMODES (sizeof(modes) / sizeof(modes[0]))

static void add(struct score *s, int malicious, int denied)
{
	if (malicious)
		denied ? s->tp++ : s->fn++;
	else
		denied ? s->fp++ : s->tn++;
}

static void print_score(const char *name, const struct score *s, const char *extra)
{
	double p = s->tp + s->fp ? (double)s->tp / (double)(s->tp + s->fp) : 0;
	double r = s->tp + s->fn ? (double)s->tp / (double)(s->tp + s->fn) : 0;
	double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
	double fpr = s->fp + s->tn ? (double)s->fp / (double)(s->fp + s->tn) : 0;

	printf("  %-42s P %.3f  R %.3f  F1 %.3f  benign denied %5.1f%%  %s\n", name, p, r, f,
	       100 * fpr, extra ? extra : "");
}

static double logit_allow(const struct vote *v)
{
	double p = v->verdict == VOTE_ERROR ? 0.001 :
		   v->verdict == VOTE_ALLOW ? v->confidence : 1 - v->confidence;

	p = p < 0.001 ? 0.001 : p > 0.999 ? 0.999 : p;
	return log(p / (1 - p));
}

/* The rules of src/jury/consensus.c; returns 1 for deny. */
static int consensus(const struct mode *m, const struct vote *v)
{
	int allows = 0, denies = 0, vetoed = 0;
	double score = 0;

	for (int i = 0; i < NJ; i++) {
		int d = v[i].verdict == VOTE_DENY || v[i].verdict == VOTE_ERROR;

		if (v[i].verdict == VOTE_ABSTAIN || m->w[i] == 0)
			continue;
		score += m->w[i] * logit_allow(&v[i]);
		allows += v[i].verdict == VOTE_ALLOW;
		denies += d;
		vetoed |= d && m->veto == i;
	}
	if (!allows)
		return 1;
	if (m->kind == 0)
		return denies > 0;
	if (m->kind == 1)
		return vetoed || allows < (int)m->param;
	return vetoed || score < m->param;
}

static long us_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000000L + (b.tv_nsec - a->tv_nsec) / 1000;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static struct juror *j[NJ];
static struct score js[NJ], ms[NMODES];
static long *lat[NJ];
static int verbose;

/* Every juror votes on every command; the consensus modes combine the votes. */
static void run(const struct corpus *cp)
{
	const struct corpus c = *cp;

	for (size_t k = 0; k < c.n; k++) {
		const char *args[] = { "sh", "-c", c.rows[k].command };
		struct review r = { .kind = REVIEW_EXEC, .path = "/bin/sh", .argv = args, .argc = 3,
				    .port = -1 };
		struct vote v[NJ];

		for (int i = 0; i < NJ; i++) {
			struct timespec t0;

			memset(&v[i], 0, sizeof(v[i]));
			clock_gettime(CLOCK_MONOTONIC, &t0);
			if (ops[i]->vote(j[i], &r, &v[i]) < 0)
				v[i].verdict = VOTE_ERROR;
			lat[i][k] = us_since(&t0);
			int d = v[i].verdict == VOTE_DENY || v[i].verdict == VOTE_ERROR;

			add(&js[i], c.rows[k].malicious, d);
			if (verbose == i + 1 && d != c.rows[k].malicious)
				printf("%s\t%s\t%s\t%s\n", d ? "FP" : "FN", c.rows[k].technique,
				       c.rows[k].command, v[i].reason);
		}
		for (size_t m = 0; m < NMODES; m++) {
			int d = consensus(&modes[m], v);

			add(&ms[m], c.rows[k].malicious, d);
			if (verbose == NJ + 1 && m == NMODES - 1 && d != c.rows[k].malicious)
				printf("%s\t%s\t%s | %s | %s | %s\n", d ? "FP" : "FN",
				       c.rows[k].command, v[0].reason, v[1].reason, v[2].reason,
				       v[3].reason);
		}
	}
}

int main(int argc, char **argv)
{
	struct juror_config cfg = { .data_dir = argc > 2 ? argv[2] : NULL };
	struct corpus c;
	char err[512];

	if (argc < 3) {
		fprintf(stderr, "usage: jury_eval TEST.tsv DATADIR [-v JUROR]\n");
		return 2;
	}
	/* -v N: list the mistakes of juror N (0..3), or of the last consensus (4) */
	verbose = argc > 4 && strcmp(argv[3], "-v") == 0 ? atoi(argv[4]) + 1 : 0;
	if (corpus_read(argv[1], &c) < 0 || c.n == 0) {
		fprintf(stderr, "jury_eval: %s: cannot read\n", argv[1]);
		return 1;
	}
	for (int i = 0; i < NJ; i++) {
		cfg.kind = ops[i]->kind;
		if (ops[i]->open(&cfg, &j[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "jury_eval: %s: %s\n", ops[i]->kind, err);
			return 1;
		}
		lat[i] = calloc(c.n, sizeof(long));
	}
	run(&c);
	printf("held-out split: %zu commands (%s)\n", c.n, argv[1]);
	printf("jurors (deny = positive):\n");
	for (int i = 0; i < NJ; i++) {
		char extra[96];

		qsort(lat[i], c.n, sizeof(long), cmp_long);
		snprintf(extra, sizeof(extra), "latency p50 %ld us p99 %ld us", lat[i][c.n / 2],
			 lat[i][c.n * 99 / 100]);
		print_score(ops[i]->kind, &js[i], extra);
		ops[i]->close(j[i]);
		free(lat[i]);
	}
	printf("consensus (the rules of src/jury/consensus.c on the same votes):\n");
	for (size_t m = 0; m < NMODES; m++)
		print_score(modes[m].name, &ms[m], NULL);
	corpus_free(&c);
	return 0;
}
