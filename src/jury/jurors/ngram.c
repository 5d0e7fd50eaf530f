/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The n-gram juror: multinomial naive Bayes over hashed character 3..5-grams
 * and whitespace tokens of the command text, decoded payloads included
 * (features_chars()). It knows no shell grammar at all, which is the
 * point: it catches the look of an attack that no rule names, and it is
 * blind where the rulebook sees, and the reverse.
 *
 * It judges exec requests only and abstains on connect and open, which it
 * was not trained on. Its model file (ngram.model) is trained at build
 * time; a missing or damaged file makes open() fail, which the jury
 * counts as an error vote (fail closed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "jury/jurors/features.h"
#include "jury/jurors/jurors.h"
#include "jury/jurors/model.h"

struct juror {
	struct jurors_model m;
};

static int ngram_open(const struct juror_config *cfg, struct juror **ret, char *errbuf,
		       size_t errlen)
{
	char path[4096];
	struct juror *j;
	int rc;

	*ret = NULL;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	rc = jurors_model_load(jurors_data_dir(cfg, "ngram.model", path, sizeof(path)), "ngram",
			       &j->m, errbuf, errlen);
	if (rc < 0) {
		free(j);
		return rc;
	}
	*ret = j;
	return 0;
}

static int ngram_vote(struct juror *j, const struct review *r, struct vote *out)
{
	struct shlex_result *res;
	uint32_t *f;
	double p;
	int n, rc;

	if (!j || !r || !out)
		return -EINVAL;
	if (r->kind != REVIEW_EXEC) {
		vote_set(out, VOTE_ABSTAIN, 0.0, "ngram: judges exec requests only");
		return 0;
	}
	rc = jurors_parse_exec(r, &res);
	if (rc == -EINVAL) {
		/* an exec without a command cannot be judged: deny (fail closed) */
		vote_set(out, VOTE_DENY, 0.6, "ngram: exec request without a command");
		return 0;
	}
	if (rc < 0)
		return rc;
	f = malloc(sizeof(*f) * FEAT_MAX);
	if (!f) {
		free(res);
		return -ENOMEM;
	}
	n = features_chars(res->text, res->textlen, f, FEAT_MAX);
	p = jurors_model_prob(&j->m, f, n);
	/* capped (model.h): one model alone never outvotes the rulebook */
	p = p < 1 - JURORS_MODEL_CAP ? 1 - JURORS_MODEL_CAP : p;
	p = p > JURORS_MODEL_CAP ? JURORS_MODEL_CAP : p;
	if (p >= j->m.h.threshold)
		vote_set(out, VOTE_DENY, p, "ngram: p(malicious)=%.2f over %d char n-grams", p, n);
	else
		vote_set(out, VOTE_ALLOW, 1.0 - p, "ngram: p(malicious)=%.2f over %d char n-grams",
			 p, n);
	free(f);
	free(res);
	return 0;
}

static void ngram_close(struct juror *j)
{
	if (!j)
		return;
	jurors_model_free(&j->m);
	free(j);
}

const struct juror_ops juror_ngram_ops = {
	.kind = "ngram",
	.open = ngram_open,
	.vote = ngram_vote,
	.close = ngram_close,
};
