/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An exec judged in its context (context.c): the statements of the
 * shell script the exec came from, which every juror judges besides the
 * exec itself. The agent can rewrite what its processes show, so the
 * context may only make a juror's vote stricter (jury_vote_stricter()),
 * never more lenient.
 */
#ifndef SEVORIX_JURY_CONTEXT_H
#define SEVORIX_JURY_CONTEXT_H

#include <stdbool.h>

#include "jury/jurors/juror.h"

/*
 * The review to judge besides r: `sh -c STATEMENTS` with r's other
 * fields, or *ret NULL when r has no context (or it adds nothing). Free
 * it with free(). Returns 0 or -ENOMEM.
 */
int jury_context(const struct review *r, struct review **ret);

/* Is a stricter than b: error > deny > abstain > allow, then a surer deny, a less sure allow? */
bool jury_vote_stricter(const struct vote *a, const struct vote *b);

#endif
