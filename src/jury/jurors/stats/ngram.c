/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The n-gram juror: multinomial naive Bayes over the unigrams and bigrams
 * of each command's stream of normalized words, in which places and
 * addresses are replaced by their class (features_words()): it learns
 * what is done to what ("curl <url-ip>", "| sh", "chmod <privfile>") with
 * no rule of its own, so it catches attacks no rule names, and it errs
 * where the rulebook does not.
 *
 * It judges exec requests only and abstains on connect and open, which it
 * was not trained on. Its model file (ngram.model) is trained at build
 * time; a missing or damaged file makes open() fail, which the jury
 * counts as an error vote (fail closed).
 */
#include "jury/jurors/stats/features.h"
#include "jury/jurors/builtin.h"
#include "jury/jurors/stats/model.h"

static int ngram_features(const struct shlex_result *res, uint32_t *f, int max)
{
	return features_words(res, f, max);
}

static const struct jurors_model_kind kind = { "ngram", "word n-grams", ngram_features };

static int ngram_open(const struct juror_config *cfg, struct juror **ret, char *errbuf,
			size_t errlen)
{
	return jurors_model_open(&kind, cfg, ret, errbuf, errlen);
}

const struct juror_ops juror_ngram_ops = {
	.kind = "ngram",
	.open = ngram_open,
	.vote = jurors_model_vote,
	.close = jurors_model_close,
};
