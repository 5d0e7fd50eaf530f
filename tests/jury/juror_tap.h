/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal TAP producer for the built-in jurors' tests: ok(), diag(),
 * done_testing(), and review builders. Output goes to stdout for prove;
 * diagnostics start with "# ".
 */
#ifndef SEVORIX_TESTS_JUROR_TAP_H
#define SEVORIX_TESTS_JUROR_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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

/* An exec review as the enforcement side sends a shell command. */
#define EXEC_REVIEW(name, cmd)                                                          \
	const char *name##_argv[] = { "sh", "-c", (cmd) };                               \
	struct review name = { .kind = REVIEW_EXEC, .path = "/bin/sh", .argv = name##_argv, \
			       .argc = 3, .port = -1 }

/* Where the build wrote the trained models: $BUILD/jury, else build/jury. */
static inline const char *test_data_dir(char *buf, size_t len)
{
	const char *b = getenv("BUILD");

	snprintf(buf, len, "%s/jury", b && *b ? b : "build");
	return buf;
}

static inline double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

/* Timing goals hold for the optimized build, not under the sanitizers. */
#if defined(__SANITIZE_ADDRESS__)
#define TAP_SANITIZED 1
#else
#define TAP_SANITIZED 0
#endif

static inline void ok_fast(double per_us, double limit_us, const char *what)
{
	if (TAP_SANITIZED)
		printf("ok %d - # SKIP %s: %.1f us under sanitizers\n", ++tap_n, what, per_us);
	else
		ok(per_us < limit_us, "%s: mean %.1f us (< %.0f us)", what, per_us, limit_us);
}

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
