/* SPDX-License-Identifier: GPL-2.0-only */
/* Minimal TAP for C tests: ok(cond, fmt, ...), is_int(got, exp, name), done_testing(). */
#ifndef SEVORIX_TAP_H
#define SEVORIX_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...)                                                                   \
	({                                                                              \
		int ok_ = !!(cond);                                                     \
		printf("%sok %d - ", ok_ ? "" : "not ", ++tap_n);                       \
		printf(__VA_ARGS__);                                                    \
		putchar('\n');                                                          \
		if (!ok_) {                                                             \
			tap_failed++;                                                   \
			printf("#   at %s:%d\n", __FILE__, __LINE__);                     \
		}                                                                       \
		ok_;                                                                    \
	})

#define is_int(got, exp, ...)                                                           \
	({                                                                              \
		long long g_ = (got), e_ = (exp);                                       \
		int r_ = ok(g_ == e_, __VA_ARGS__);                                     \
		if (!r_)                                                                \
			printf("#   got %lld, expected %lld\n", g_, e_);                    \
		r_;                                                                     \
	})

#define is_str(got, exp, ...)                                                           \
	({                                                                              \
		const char *g_ = (got), *e_ = (exp);                                    \
		int r_ = ok(g_ && e_ && !strcmp(g_, e_), __VA_ARGS__);                  \
		if (!r_)                                                                \
			printf("#   got '%s', expected '%s'\n", g_ ? g_ : "(null)",        \
			       e_ ? e_ : "(null)");                                         \
		r_;                                                                     \
	})

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
