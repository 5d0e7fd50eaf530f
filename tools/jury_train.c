/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trains the statistical jurors' models.
 *
 *   jury_train TRAIN.tsv OUTDIR [CORPUS_DIR [FOLD]]
 *      -> OUTDIR/ngram.model, OUTDIR/logreg.model
 *
 * With FOLD, the real rows of that calibration fold are left out
 * entirely (for tools/corpus/cv.py).
 *
 * Examples: the template corpus' train split (TRAIN.tsv) and, with
 * CORPUS_DIR, the train split of every real-world source
 * (CORPUS_DIR/SOURCE/items.tsv, rows whose split is "train"; the
 * untouched rows are skipped unread, jury/corpus/README.md). Real rows
 * weigh REAL_WEIGHT templates each: they are what the jurors must learn
 * to judge, and there are fewer of them.
 *
 * Each command is parsed exactly as the jury will see it, as the script
 * of {"argv":["sh","-c",COMMAND]}, and turned into features by the same
 * code the jurors run (src/jury/jurors/stats/features*.c). naive Bayes:
 * Laplace-smoothed multinomial counts, classes weighted equally;
 * logistic regression: class-balanced SGD with L2 decay over binary
 * features. Deterministic: fixed example order from a seeded shuffle, no
 * threads.
 *
 * Calibration (Platt scaling): the real rows are split into FOLDS folds
 * by document (a seeded hash of source and document, so a document's
 * commands stay together); for each fold a model trained on everything
 * else scores it, and a sigmoid fitted to those out-of-fold scores maps
 * the final model's score to a probability that means what it says on
 * real commands. Without a corpus the template rows are folded by
 * template instead. The out-of-fold figures are printed.
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

#define NB_ALPHA 2.0
#define LR_EPOCHS 12
#define LR_RATE 0.2
#define LR_L2 1e-4
#define REAL_WEIGHT 2.0
#define FOLDS 5

struct example {
	uint32_t *words, *toks;
	int nwords, ntoks;
	int y;
	int fold; /* 0..FOLDS-1 for the rows calibration is fitted on, -1 for the others */
	double weight;
};

static uint32_t fold_of(const char *group)
{
	return features_hash(group, strlen(group), 0x5eed) % FOLDS;
}

static void featurize(struct example *e, const char *command, struct shlex_result *res, uint32_t *f)
{
	const char *argv[] = { "sh", "-c", command };

	shlex_parse_argv(res, argv, 3);
	e->nwords = jurors_dedup(f, features_words(res, f, FEAT_MAX));
	e->words = malloc(sizeof(*f) * (size_t)e->nwords + 1);
	memcpy(e->words, f, sizeof(*f) * (size_t)e->nwords);
	e->ntoks = jurors_dedup(f, features_tokens(res, f, FEAT_MAX));
	e->toks = malloc(sizeof(*f) * (size_t)e->ntoks + 1);
	memcpy(e->toks, f, sizeof(*f) * (size_t)e->ntoks);
	if (!e->words || !e->toks)
		abort();
}

struct set {
	struct example *ex;
	size_t n, cap;
	struct shlex_result *res;
	uint32_t *f;
};

static struct example *add(struct set *s, const char *command, int y, double weight)
{
	struct example *e;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4096;
		s->ex = realloc(s->ex, s->cap * sizeof(*s->ex));
		if (!s->ex)
			abort();
	}
	e = &s->ex[s->n++];
	memset(e, 0, sizeof(*e));
	e->y = y;
	e->weight = weight;
	e->fold = -1;
	featurize(e, command, s->res, s->f);
	return e;
}

/* The train rows of one source's items.tsv; returns how many were read, -1 on error. */
static int read_source(struct set *s, const char *dir, const char *source)
{
	char path[4096], *line = NULL, group[4096];
	size_t cap = 0;
	ssize_t len;
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/items.tsv", dir, source);
	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	while ((len = getline(&line, &cap, f)) > 0) {
		char *field[6], *save = NULL;
		int k;

		if (line[0] == '#' || strncmp(line, "train\t", 6))
			continue; /* the untouched split is never read further */
		line[len - 1] = line[len - 1] == '\n' ? '\0' : line[len - 1];
		for (k = 0;
		     k < 6 && (field[k] = strtok_r(k ? NULL : line, k < 5 ? "\t" : "", &save)); k++)
			;
		if (k < 6)
			continue;
		snprintf(group, sizeof(group), "%s\t%s", source, field[2]);
		add(s, field[5], !strcmp(field[1], "deny"), REAL_WEIGHT)->fold =
			(int)fold_of(group);
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

static int read_corpus(struct set *s, const char *dir)
{
	static const char *const sources[] = { "man",	 "buildfiles", "devtasks", "sigma",
					       "attack", "redteam",    NULL };
	int total = 0;

	for (int i = 0; sources[i]; i++) {
		int n = read_source(s, dir, sources[i]);

		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}

/*
 * Leaves out the real rows of one fold (for cross-validating the whole
 * jury: tools/corpus/cv.py judges that fold with the models trained
 * without it).
 */
static void leave_out(struct set *s, int fold)
{
	size_t k = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (s->ex[i].fold == fold) {
			free(s->ex[i].words);
			free(s->ex[i].toks);
			continue;
		}
		s->ex[k++] = s->ex[i];
	}
	s->n = k;
}

/* ---- the two model families -------------------------------------------- */

/* Naive Bayes over the examples whose fold is not skip (-2: all of them). */
static void train_nb(const struct example *ex, size_t n, int skip, struct jurors_model *m)
{
	double *cnt[2], tot[2] = { 0, 0 }, wclass[2] = { 0, 0 };

	cnt[0] = calloc(FEAT_DIM, sizeof(double));
	cnt[1] = calloc(FEAT_DIM, sizeof(double));
	if (!cnt[0] || !cnt[1])
		abort();
	for (size_t i = 0; i < n; i++)
		if (ex[i].fold != skip)
			wclass[ex[i].y] += ex[i].weight;
	for (size_t i = 0; i < n; i++) {
		/* each class weighs the same in total, whatever its size */
		double wgt;

		if (ex[i].fold == skip)
			continue;
		wgt = ex[i].weight * (wclass[0] + wclass[1]) / (2.0 * wclass[ex[i].y]);
		for (int k = 0; k < ex[i].nwords; k++)
			cnt[ex[i].y][ex[i].words[k]] += wgt;
		tot[ex[i].y] += wgt * ex[i].nwords;
	}
	for (uint32_t f = 0; f < FEAT_DIM; f++)
		m->w[f] = (float)(log((cnt[1][f] + NB_ALPHA) / (tot[1] + NB_ALPHA * FEAT_DIM)) -
				  log((cnt[0][f] + NB_ALPHA) / (tot[0] + NB_ALPHA * FEAT_DIM)));
	m->h.bias = 0;
	m->h.scale = 1;
	m->h.norm = 1; /* long commands must not win by length alone */
	free(cnt[0]);
	free(cnt[1]);
}

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

static void train_lr(const struct example *ex, size_t n, int skip, struct jurors_model *m)
{
	size_t *order = malloc(n * sizeof(*order)), k = 0;
	double bias = 0, wclass[2] = { 0, 0 };
	uint64_t seed = 20240611;

	if (!order)
		abort();
	for (size_t i = 0; i < n; i++)
		if (ex[i].fold != skip) {
			order[k++] = i;
			wclass[ex[i].y] += ex[i].weight;
		}
	memset(m->w, 0, FEAT_DIM * sizeof(float));
	for (int ep = 0; ep < LR_EPOCHS; ep++) {
		double rate = LR_RATE / (1.0 + ep);

		for (size_t i = k - 1; i > 0; i--) {
			size_t j = lcg(&seed) % (i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (size_t q = 0; q < k; q++) {
			const struct example *e = &ex[order[q]];
			double wgt = e->weight * (wclass[0] + wclass[1]) / (2.0 * wclass[e->y]);
			double z = bias, g;

			for (int t = 0; t < e->ntoks; t++)
				z += m->w[e->toks[t]];
			g = wgt * (e->y - 1.0 / (1.0 + exp(-z)));
			bias += rate * g * 0.1;
			for (int t = 0; t < e->ntoks; t++)
				m->w[e->toks[t]] +=
					(float)(rate * (g - LR_L2 * m->w[e->toks[t]] * (double)k /
								    e->ntoks));
		}
	}
	m->h.bias = (float)bias;
	m->h.scale = 1;
	m->h.norm = 0;
	free(order);
}

/* ---- calibration --------------------------------------------------------- */

struct family {
	const char *kind;
	void (*train)(const struct example *ex, size_t n, int skip, struct jurors_model *m);
	bool words; /* scores over words (ngram), else over toks (logreg) */
};

static double score(const struct family *fam, const struct jurors_model *m, const struct example *e)
{
	return fam->words ? jurors_model_score(m, e->words, e->nwords) :
			    jurors_model_score(m, e->toks, e->ntoks);
}

/* Fits p = sigmoid(a*z + b) to (z, y) by Newton's method on the log-likelihood. */
static void platt(const double *z, const int *y, size_t n, double *a, double *b)
{
	double pa = 1, pb = 0, n1 = 0;

	for (size_t i = 0; i < n; i++)
		n1 += y[i];
	for (int it = 0; it < 100; it++) {
		double ga = 0, gb = 0, haa = 1e-6, hab = 0, hbb = 1e-6, det;
		/* Platt's smoothed targets keep a separable fold from driving a to infinity */
		double t1 = (n1 + 1) / (n1 + 2), t0 = 1 / (n - n1 + 2);

		for (size_t i = 0; i < n; i++) {
			double p = 1 / (1 + exp(-(pa * z[i] + pb))), t = y[i] ? t1 : t0;
			double w = p * (1 - p);

			ga += (p - t) * z[i];
			gb += p - t;
			haa += w * z[i] * z[i];
			hab += w * z[i];
			hbb += w;
		}
		det = haa * hbb - hab * hab;
		if (fabs(det) < 1e-12)
			break;
		pa -= (hbb * ga - hab * gb) / det;
		pb -= (haa * gb - hab * ga) / det;
	}
	*a = pa > 1e-4 ? pa : 1e-4;
	*b = pb;
}

/* Expected calibration error over ten bins of the confidence in the verdict. */
static double ece(const double *p, const int *y, size_t n)
{
	double err = 0;

	for (int bin = 0; bin < 10; bin++) {
		double conf = 0, right = 0;
		size_t k = 0;

		for (size_t i = 0; i < n; i++) {
			double c = p[i] >= 0.5 ? p[i] : 1 - p[i];

			if ((int)(c * 10) != bin && !(bin == 9 && c >= 1))
				continue;
			conf += c;
			right += (p[i] >= 0.5) == y[i];
			k++;
		}
		if (k)
			err += fabs(right - conf) / (double)n;
	}
	return err;
}

/* The recall when the threshold lets at most fpr of the everyday rows through as denies. */
static double recall_at(const double *p, const int *y, size_t n, double fpr)
{
	double best = 0;

	for (size_t t = 0; t < n; t++) {
		size_t tp = 0, fp = 0, pos = 0;

		for (size_t i = 0; i < n; i++) {
			pos += y[i];
			tp += y[i] && p[i] >= p[t];
			fp += !y[i] && p[i] >= p[t];
		}
		if ((double)fp <= fpr * (double)(n - pos) && (double)tp / pos > best)
			best = (double)tp / pos;
	}
	return best;
}

/*
 * Trains one family on everything, calibrated on the out-of-fold scores
 * of the calibration rows; prints the out-of-fold figures.
 */
static void train_calibrated(const struct family *fam, const struct example *ex, size_t n,
			     struct jurors_model *m)
{
	double *z = malloc(n * sizeof(*z)), *p = malloc(n * sizeof(*p)), a, b;
	int *y = malloc(n * sizeof(*y));
	size_t k = 0, tp = 0, fp = 0, pos = 0;

	if (!z || !p || !y)
		abort();
	for (int fold = 0; fold < FOLDS; fold++) {
		fam->train(ex, n, fold, m);
		for (size_t i = 0; i < n; i++)
			if (ex[i].fold == fold) {
				z[k] = score(fam, m, &ex[i]);
				y[k++] = ex[i].y;
			}
	}
	platt(z, y, k, &a, &b);
	for (size_t i = 0; i < k; i++) {
		p[i] = 1 / (1 + exp(-(a * z[i] + b)));
		pos += y[i];
		tp += y[i] && p[i] >= 0.5;
		fp += !y[i] && p[i] >= 0.5;
	}
	printf("jury_train: %s out-of-fold on %zu rows: recall %.3f, everyday denied %.3f, "
	       "ECE %.3f; recall at 3%% denied %.3f\n",
	       fam->kind, k, pos ? (double)tp / pos : 0, k > pos ? (double)fp / (k - pos) : 0,
	       ece(p, y, k), recall_at(p, y, k, 0.03));
	fam->train(ex, n, -2, m);
	/* p = sigmoid(a * (bias + sum) + b) = sigmoid(scale * (bias' + sum)) */
	m->h.scale = (float)a;
	m->h.bias = (float)(m->h.bias + b / a);
	free(z);
	free(p);
	free(y);
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
	static const struct family fams[] = { { "ngram", train_nb, true },
					      { "logreg", train_lr, false } };
	struct set s = { .res = malloc(sizeof(struct shlex_result)),
			 .f = malloc(sizeof(uint32_t) * FEAT_MAX) };
	struct jurors_model m = { 0 };
	struct corpus c;
	int rc = 0, nreal = 0;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: jury_train TRAIN.tsv OUTDIR [CORPUS_DIR [FOLD]]\n");
		return 2;
	}
	if (corpus_read(argv[1], &c) < 0 || c.n == 0) {
		fprintf(stderr, "jury_train: %s: %s\n", argv[1], c.n ? strerror(errno) : "empty");
		return 1;
	}
	if (!s.res || !s.f || !(m.w = calloc(FEAT_DIM, sizeof(float))))
		abort();
	for (size_t i = 0; i < c.n; i++)
		add(&s, c.rows[i].command, c.rows[i].malicious, 1.0)->fold =
			argc >= 4 ? -1 : (int)fold_of(c.rows[i].template_id);
	if (argc >= 4 && (nreal = read_corpus(&s, argv[3])) <= 0) {
		fprintf(stderr, "jury_train: %s: no train rows\n", argv[3]);
		return 1;
	}
	if (argc == 5)
		leave_out(&s, atoi(argv[4]));
	for (size_t i = 0; i < 2; i++) {
		train_calibrated(&fams[i], s.ex, s.n, &m);
		rc |= save(argv[2], fams[i].kind, &m, s.n);
	}
	printf("jury_train: %zu templates, %d real rows -> %s/{ngram,logreg}.model\n", c.n, nreal,
	       argv[2]);
	for (size_t i = 0; i < s.n; i++) {
		free(s.ex[i].words);
		free(s.ex[i].toks);
	}
	free(s.ex);
	free(s.res);
	free(s.f);
	free(m.w);
	corpus_free(&c);
	return rc ? 1 : 0;
}
