/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal TAP producer for the built-in jurors' tests: ok(), is_int(),
 * done_testing(). Output goes to stdout for prove; diagnostics to "# ".
 */
#ifndef SEVORIX_TESTS_JUROR_TAP_H
#define SEVORIX_TESTS_JUROR_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3))) static inline int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

static inline void diag(const char *s)
{
	printf("# %s\n", s);
}

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
