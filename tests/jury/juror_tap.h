/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The built-in jurors' tests: tests/lib/tap.h plus diag(), review
 * builders and the models' location. Output goes to stdout for prove;
 * diagnostics start with "# ".
 */
#ifndef SEVORIX_TESTS_JUROR_TAP_H
#define SEVORIX_TESTS_JUROR_TAP_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../lib/tap.h"

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

/* Speed is for the benchmarks to judge: tests only report it. */
static inline void report_speed(double per_us, const char *what)
{
	printf("# %s: mean %.1f us\n", what, per_us);
}

#endif
