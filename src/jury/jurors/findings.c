/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The findings of a juror that judges by rules (findings.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "jury/jurors/findings.h"

void findings_add(struct findings *f, double conf, const char *fmt, ...)
{
	va_list ap;

	f->n++;
	f->none *= 1.0 - conf;
	if (conf <= f->best)
		return;
	f->best = conf;
	va_start(ap, fmt);
	vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
	va_end(ap);
}
