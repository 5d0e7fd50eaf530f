/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the benchmarks in C: the median of a round's figures. */
#ifndef SEVORIX_BENCH_H
#define SEVORIX_BENCH_H

#include <stdlib.h>

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of v[0..n) (n > 0); sorts v. */
static inline double bench_median(double *v, int n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return v[n / 2];
}

#endif
