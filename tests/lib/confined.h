/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checks run for real in a forked child that first restricts itself
 * (Landlock, seccomp): the parent stays free to set up and to report.
 */
#ifndef SEVORIX_TEST_CONFINED_H
#define SEVORIX_TEST_CONFINED_H

#include <errno.h>
#include <stddef.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * In a child: apply(arg), then check(i) for i < n with res[i] = errno of a
 * failed check or 0. Returns the child's wait status (exit 99: apply failed).
 */
static inline int run_confined(int (*apply)(const void *), const void *arg,
			       long (*check)(size_t), size_t n, int *res)
{
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		if (apply(arg) < 0)
			_exit(99);
		for (size_t i = 0; i < n; i++) {
			errno = 0;
			res[i] = check(i) < 0 ? errno : 0;
		}
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return st;
}

#endif
