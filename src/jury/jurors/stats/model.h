/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trained linear models of the statistical jurors, and where they live.
 *
 * Both model families reduce, at vote time, to one form over hashed
 * features: score = bias + sum(w[f] * x_f) (the sum divided by the square
 * root of the number of features when norm is set), p(malicious) =
 * sigmoid(scale * score), with bias and scale fitted so that p is
 * calibrated (tools/jury_train.c). For naive Bayes w[f] is the
 * log-likelihood ratio of feature f and x_f its count; for logistic
 * regression w is the weight vector and x_f is 0/1. The file is a fixed
 * header followed by dim little-endian floats, written by
 * tools/jury_train.c and checked on load (magic, kind, dimension, exact
 * size, norm): a file that does not match is refused.
 */
#ifndef SEVORIX_JURY_MODEL_H
#define SEVORIX_JURY_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "jury/jurors/juror.h"
#include "shell/shlex.h"

#define JURORS_MODEL_MAGIC "SVXJURY1"
/*
 * The statistical jurors report p(malicious) clamped to [1 - CAP, CAP]:
 * under weighted consensus one model alone cannot outvote the rulebook.
 */
#define JURORS_MODEL_CAP 0.95

struct jurors_model_header {
	char magic[8];
	char kind[8];
	uint32_t dim;
	uint32_t nexamples; /* training examples, for the record */
	float bias;
	float scale;
	float threshold; /* p(malicious) at or above which the juror denies */
	float norm;	 /* 1: the sum over features is divided by sqrt(their count) */
};

struct jurors_model {
	struct jurors_model_header h;
	float *w;
};

#define JURORS_INSTALLED_DATA_DIR "/usr/local/share/sevorix/jury"
#define JURORS_BUILD_DATA_DIR "build/jury"

/* Resolves the data directory of cfg into buf (see builtin.h for the order). */
const char *jurors_data_dir(const struct juror_config *cfg, const char *file, char *buf,
			    size_t len);
/* Returns 0 or -errno; err names the file and the problem. */
int jurors_model_load(const char *path, const char *kind, struct jurors_model *m, char *err,
		      size_t errlen);
int jurors_model_save(const char *path, const struct jurors_model *m);
void jurors_model_free(struct jurors_model *m);
/* The score (before scale) and p(malicious) for the feature list (counted with repeats). */
double jurors_model_score(const struct jurors_model *m, const uint32_t *f, int n);
double jurors_model_prob(const struct jurors_model *m, const uint32_t *f, int n);

/*
 * The juror that ngram and logreg share: a trained model over a feature
 * extractor of its own. kind names the model file (KIND.model) and the
 * votes; what describes the features in each vote's reason.
 */
struct jurors_model_kind {
	const char *kind;
	const char *what;
	int (*features)(const struct shlex_result *res, uint32_t *f, int max);
};
int jurors_model_open(const struct jurors_model_kind *k, const struct juror_config *cfg,
		      struct juror **ret, char *errbuf, size_t errlen);
int jurors_model_vote(struct juror *j, const struct review *r, struct vote *out);
void jurors_model_close(struct juror *j);

/* Removes repeated indices in place (sorts); returns the new count. */
int jurors_dedup(uint32_t *f, int n);

#endif
