/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The logistic-regression juror: a second model family on other features,
 * L2-regularized logistic regression over binary hashed features of the
 * parsed shell structure (features_tokens(): programs and their kinds,
 * privilege, argument classes crossed with kinds, what is written, pipe
 * and sequence edges, identifiers in inline code). Where naive Bayes
 * reads word sequences, this one reads crosses of what runs, how, and on
 * what.
 *
 * It judges exec requests only and abstains on connect and open, which it
 * was not trained on. Its model file (logreg.model) is trained at build
 * time; a missing or damaged file makes open() fail, which the jury
 * counts as an error vote (fail closed).
 */
#include "jury/jurors/stats/features.h"
#include "jury/jurors/builtin.h"
#include "jury/jurors/stats/model.h"

static int logreg_features(const struct shlex_result *res, uint32_t *f, int max)
{
	return jurors_dedup(f, features_tokens(res, f, max));
}

static const struct jurors_model_kind kind = { "logreg", "structure features", logreg_features };

static int logreg_open(const struct juror_config *cfg, struct juror **ret, char *errbuf,
			size_t errlen)
{
	return jurors_model_open(&kind, cfg, ret, errbuf, errlen);
}

const struct juror_ops juror_logreg_ops = {
	.kind = "logreg",
	.open = logreg_open,
	.vote = jurors_model_vote,
	.close = jurors_model_close,
};
