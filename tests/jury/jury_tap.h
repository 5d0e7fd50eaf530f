/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TAP output for the jury's C tests: ok(), is_str(), done().
 */
#ifndef SEVORIX_TESTS_JURY_TAP_H
#define SEVORIX_TESTS_JURY_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int jt_n, jt_failed;

__attribute__((format(printf, 2, 3))) static inline int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", cond ? "ok" : "not ok", ++jt_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	jt_failed += !cond;
	return cond;
}

static inline int is_str(const char *got, const char *want, const char *name)
{
	int r = ok(got && !strcmp(got, want), "%s", name);

	if (!r)
		printf("#   got:  %s\n#   want: %s\n", got ? got : "(null)", want);
	return r;
}

static inline int done(void)
{
	printf("1..%d\n", jt_n);
	fflush(stdout);
	return jt_failed ? 1 : 0;
}

#endif
