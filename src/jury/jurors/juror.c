/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every juror uses to vote (juror.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "jury/jurors/juror.h"

void vote_set(struct vote *v, enum vote_verdict verdict, double confidence, const char *fmt, ...)
{
	va_list ap;

	v->verdict = verdict;
	v->confidence = confidence;
	va_start(ap, fmt);
	vsnprintf(v->reason, sizeof(v->reason), fmt, ap);
	va_end(ap);
}

int juror_parse_exec(const struct review *r, struct shlex_result **ret)
{
	struct shlex_result *res;
	const char *one[1];

	*ret = NULL;
	if (!r || r->kind != REVIEW_EXEC || ((!r->argv || r->argc == 0) && !r->path))
		return -EINVAL;
	res = malloc(sizeof(*res));
	if (!res)
		return -ENOMEM;
	if (r->argv && r->argc > 0) {
		shlex_parse_argv(res, r->argv, r->argc);
	} else {
		one[0] = r->path;
		shlex_parse_argv(res, one, 1);
	}
	*ret = res;
	return 0;
}
