/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trains the statistical jurors' models from the corpus' train split.
 *
 *   jury_train TRAIN.tsv OUTDIR   -> OUTDIR/ngram.model, OUTDIR/logreg.model
 *
 * Each command is parsed exactly as the jury will see it, as the script
 * of {"argv":["sh","-c",COMMAND]}, and turned into features by the same
 * code the jurors run (src/jury/jurors/stats/features*.c). Training is
 * deterministic: fixed example order from a seeded shuffle, no threads.
 * naive Bayes: Laplace-smoothed multinomial counts, classes weighted
 * equally (no prior from the corpus' proportions); logistic regression:
 * class-balanced SGD with L2 decay over binary features.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jury/jurors/stats/features.h"
#include "jury/jurors/stats/model.h"
#include "shell/shlex.h"
#include "jury_corpus_io.h"

#define NB_ALPHA 0.5
#define LR_EPOCHS 12
#define LR_RATE 0.2
#define LR_L2 1e-4

struct example {
	uint32_t *chars, *toks;
	int nchars, ntoks;
	int y;
};

static struct example *featurize(const struct corpus *c)
{
	struct example *ex = calloc(c->n, sizeof(*ex));
	struct shlex_result *res = malloc(sizeof(*res));
	uint32_t *f = malloc(sizeof(*f) * FEAT_MAX);

	if (!ex || !res || !f)
		abort();
	for (size_t i = 0; i < c->n; i++) {
		const char *argv[] = { "sh", "-c", c->rows[i].command };

		shlex_parse_argv(res, argv, 3);
		ex[i].y = c->rows[i].malicious;
		ex[i].nchars = features_chars(res->text, res->textlen, f, FEAT_MAX);
		ex[i].chars = malloc(sizeof(*f) * (size_t)ex[i].nchars + 1);
		memcpy(ex[i].chars, f, sizeof(*f) * (size_t)ex[i].nchars);
		ex[i].ntoks = jurors_dedup(f, features_tokens(res, f, FEAT_MAX));
		ex[i].toks = malloc(sizeof(*f) * (size_t)ex[i].ntoks + 1);
		memcpy(ex[i].toks, f, sizeof(*f) * (size_t)ex[i].ntoks);
	}
	free(f);
	free(res);
	return ex;
}

static void train_nb(const struct example *ex, size_t n, struct jurors_model *m)
{
	double *cnt[2], tot[2] = { 0, 0 };
	size_t nclass[2] = { 0, 0 };

	cnt[0] = calloc(FEAT_DIM, sizeof(double));
	cnt[1] = calloc(FEAT_DIM, sizeof(double));
	if (!cnt[0] || !cnt[1])
		abort();
	for (size_t i = 0; i < n; i++)
		nclass[ex[i].y]++;
	for (size_t i = 0; i < n; i++) {
		/* each class weighs the same in total, whatever its size */
		double wgt = (double)n / (2.0 * (double)nclass[ex[i].y]);

		for (int k = 0; k < ex[i].nchars; k++)
			cnt[ex[i].y][ex[i].chars[k]] += wgt;
		tot[ex[i].y] += wgt * ex[i].nchars;
	}
	for (uint32_t f = 0; f < FEAT_DIM; f++)
		m->w[f] = (float)(log((cnt[1][f] + NB_ALPHA) / (tot[1] + NB_ALPHA * FEAT_DIM)) -
				  log((cnt[0][f] + NB_ALPHA) / (tot[0] + NB_ALPHA * FEAT_DIM)));
	m->h.bias = 0;
	free(cnt[0]);
	free(cnt[1]);
}

/* Picks the scale that maximizes the mean log-likelihood of p = sigmoid(scale*score). */
static float calibrate_nb(const struct example *ex, size_t n, const struct jurors_model *m)
{
	double best = -1e300;
	float best_s = 0.05f;

	for (float s = 0.005f; s < 1.0f; s *= 1.25f) {
		double ll = 0;

		for (size_t i = 0; i < n; i++) {
			double z = m->h.bias;

			for (int k = 0; k < ex[i].nchars; k++)
				z += m->w[ex[i].chars[k]];
			z *= s * (ex[i].y ? 1 : -1);
			ll += z > 30 ? 0 : -log1p(exp(-z));
		}
		/* shrink: the training fit is optimistic, so prefer the milder scale */
		if (ll > best) {
			best = ll;
			best_s = s;
		}
	}
	return best_s * 0.5f;
}

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

static void train_lr(const struct example *ex, size_t n, struct jurors_model *m)
{
	size_t *order = malloc(n * sizeof(*order)), nclass[2] = { 0, 0 };
	uint64_t seed = 20240611;
	double bias = 0;

	if (!order)
		abort();
	for (size_t i = 0; i < n; i++) {
		order[i] = i;
		nclass[ex[i].y]++;
	}
	memset(m->w, 0, FEAT_DIM * sizeof(float));
	for (int ep = 0; ep < LR_EPOCHS; ep++) {
		double rate = LR_RATE / (1.0 + ep);

		for (size_t i = n - 1; i > 0; i--) {
			size_t j = lcg(&seed) % (i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (size_t k = 0; k < n; k++) {
			const struct example *e = &ex[order[k]];
			double z = bias, g, wgt = (double)n / (2.0 * (double)nclass[e->y]);

			for (int q = 0; q < e->ntoks; q++)
				z += m->w[e->toks[q]];
			g = wgt * (e->y - 1.0 / (1.0 + exp(-z)));
			bias += rate * g * 0.1;
			for (int q = 0; q < e->ntoks; q++)
				m->w[e->toks[q]] +=
					(float)(rate * (g - LR_L2 * m->w[e->toks[q]] * n /
								    (double)e->ntoks));
		}
	}
	m->h.bias = (float)bias;
	m->h.scale = 1.0f;
	free(order);
}

static int save(const char *dir, const char *kind, struct jurors_model *m, size_t n)
{
	char path[4096];
	int rc;

	memcpy(m->h.magic, JURORS_MODEL_MAGIC, 8);
	memset(m->h.kind, 0, sizeof(m->h.kind));
	strncpy(m->h.kind, kind, sizeof(m->h.kind) - 1);
	m->h.dim = FEAT_DIM;
	m->h.nexamples = (uint32_t)n;
	m->h.threshold = 0.5f;
	snprintf(path, sizeof(path), "%s/%s.model", dir, kind);
	rc = jurors_model_save(path, m);
	if (rc < 0)
		fprintf(stderr, "jury_train: %s: %s\n", path, strerror(-rc));
	return rc;
}

int main(int argc, char **argv)
{
	struct corpus c;
	struct jurors_model m = { 0 };
	struct example *ex;
	int rc = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: jury_train TRAIN.tsv OUTDIR\n");
		return 2;
	}
	if (corpus_read(argv[1], &c) < 0 || c.n == 0) {
		fprintf(stderr, "jury_train: %s: %s\n", argv[1], c.n ? strerror(errno) : "empty");
		return 1;
	}
	ex = featurize(&c);
	m.w = calloc(FEAT_DIM, sizeof(float));
	if (!m.w)
		abort();
	train_nb(ex, c.n, &m);
	m.h.scale = calibrate_nb(ex, c.n, &m);
	rc |= save(argv[2], "ngram", &m, c.n);
	train_lr(ex, c.n, &m);
	rc |= save(argv[2], "logreg", &m, c.n);
	printf("jury_train: %zu examples -> %s/{ngram,logreg}.model\n", c.n, argv[2]);
	for (size_t i = 0; i < c.n; i++) {
		free(ex[i].chars);
		free(ex[i].toks);
	}
	free(ex);
	free(m.w);
	corpus_free(&c);
	return rc ? 1 : 0;
}
