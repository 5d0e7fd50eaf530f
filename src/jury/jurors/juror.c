/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every juror uses to vote (juror.h).
 */
#include <stdarg.h>
#include <stdio.h>

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
