// SPDX-License-Identifier: GPL-2.0-only
/*
 * open_bench: open+close of files as an agent makes them, in ns per
 * open+close, the median of 9 batches of N. The time is the thread's CPU
 * time, not the wall clock: on a machine shared with other builds a
 * thread that waits for a CPU would otherwise count the wait, and the
 * cost of the layers is work done on the thread's own CPU time (the
 * system call and the LSM hooks run in its context).
 *
 *   open_bench N FILE...     prints one figure per FILE, on one line
 *
 * bench/work_bench.sh runs it bare and inside `sevorix run` with the same
 * files (one in the workspace, one deep under /usr), so the ratio is what
 * every layer of a run adds to an open: Landlock, the seccomp filters, the
 * observer's programs.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define BATCHES 9

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Median ns of one open+close of path; -1 when it cannot be opened. */
static double time_open(const char *path, long n)
{
	double b[BATCHES];

	for (int k = 0; k < BATCHES; k++) {
		double t = now_ns();

		for (long i = 0; i < n; i++) {
			int fd = open(path, O_RDONLY | O_CLOEXEC);

			if (fd < 0)
				return -1;
			close(fd);
		}
		b[k] = (now_ns() - t) / n;
	}
	return bench_median(b, BATCHES);
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[1]) : 0;

	if (n <= 0) {
		fprintf(stderr, "usage: open_bench N FILE...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		double ns = time_open(argv[i], n);

		if (ns < 0) {
			fprintf(stderr, "open_bench: cannot open %s\n", argv[i]);
			return 1;
		}
		printf("%s%.0f", i > 2 ? " " : "", ns);
	}
	printf("\n");
	return 0;
}
