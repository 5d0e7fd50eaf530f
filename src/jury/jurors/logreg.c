/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The logistic-regression juror: a second model family on other features,
 * L2-regularized logistic regression over binary hashed features of the
 * parsed shell structure (features_tokens(): programs, program+argument
 * classes, pipeline edges, redirection targets, identifiers in inline
 * code). Where naive Bayes looks at spelling, this one looks at what
 * runs and what feeds what.
 *
 * It judges exec requests only and abstains on connect and open, which it
 * was not trained on. Its model file (logreg.model) is trained at build
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

static int logreg_open(const struct juror_config *cfg, struct juror **ret, char *errbuf,
		       size_t errlen)
{
	char path[4096];
	struct juror *j;
	int rc;

	*ret = NULL;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	rc = jurors_model_load(jurors_data_dir(cfg, "logreg.model", path, sizeof(path)), "logreg",
			       &j->m, errbuf, errlen);
	if (rc < 0) {
		free(j);
		return rc;
	}
	*ret = j;
	return 0;
}

static int logreg_vote(struct juror *j, const struct review *r, struct vote *out)
{
	struct shlex_result *res;
	uint32_t *f;
	double p;
	int n, rc;

	if (!j || !r || !out)
		return -EINVAL;
	if (r->kind != REVIEW_EXEC) {
		vote_set(out, VOTE_ABSTAIN, 0.0, "logreg: judges exec requests only");
		return 0;
	}
	rc = jurors_parse_exec(r, &res);
	if (rc == -EINVAL) {
		/* an exec without a command cannot be judged: deny (fail closed) */
		vote_set(out, VOTE_DENY, 0.6, "logreg: exec request without a command");
		return 0;
	}
	if (rc < 0)
		return rc;
	f = malloc(sizeof(*f) * FEAT_MAX);
	if (!f) {
		free(res);
		return -ENOMEM;
	}
	n = jurors_dedup(f, features_tokens(res, f, FEAT_MAX));
	p = jurors_model_prob(&j->m, f, n);
	/* capped (model.h): one model alone never outvotes the rulebook */
	p = p < 1 - JURORS_MODEL_CAP ? 1 - JURORS_MODEL_CAP : p;
	p = p > JURORS_MODEL_CAP ? JURORS_MODEL_CAP : p;
	if (p >= j->m.h.threshold)
		vote_set(out, VOTE_DENY, p, "logreg: p(malicious)=%.2f over %d structure features",
			 p, n);
	else
		vote_set(out, VOTE_ALLOW, 1.0 - p,
			 "logreg: p(malicious)=%.2f over %d structure features", p, n);
	free(f);
	free(res);
	return 0;
}

static void logreg_close(struct juror *j)
{
	if (!j)
		return;
	jurors_model_free(&j->m);
	free(j);
}

const struct juror_ops juror_logreg_ops = {
	.kind = "logreg",
	.open = logreg_open,
	.vote = logreg_vote,
	.close = logreg_close,
};
