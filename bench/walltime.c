// SPDX-License-Identifier: GPL-2.0-only
/*
 * walltime: the wall time of one command, from fork to its exit, in
 * microseconds on stdout. bench/work_bench.sh times each workload with it,
 * bare and under `sevorix run`, so that both are timed the same way and
 * without the fork of date(1) around them (a millisecond on these
 * machines, as much as /bin/true itself).
 *
 *   walltime [-o] [-u UID] [-C DIR] -- COMMAND [ARGS...]
 *
 * -u runs COMMAND as UID (groups and gid set to its primary group, HOME
 * from the password file), as `sevorix run --user` does, so a bare run and
 * a run under Sevorix are the same user in the same directory. COMMAND's
 * output goes to /dev/null (with -o it is kept, and the time follows it); its failure is reported (exit 1) so that a
 * workload that broke under a policy is never timed as a fast one.
 */
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* In the child: become uid (when >= 0), go to dir, silence output, exec. */
static void __attribute__((noreturn)) child(long uid, const char *dir, bool keep, char **argv)
{
	int null = open("/dev/null", O_WRONLY);

	if (uid >= 0) {
		struct passwd *pw = getpwuid((uid_t)uid);
		gid_t gid = pw ? pw->pw_gid : (gid_t)uid;

		if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 ||
		    setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0)
			_exit(126);
		if (pw)
			setenv("HOME", pw->pw_dir, 1);
	}
	if (dir && chdir(dir) < 0)
		_exit(126);
	if (null >= 0 && !keep) {
		dup2(null, 1);
		dup2(null, 2);
	}
	execvp(argv[0], argv);
	_exit(127);
}

int main(int argc, char **argv)
{
	const char *dir = NULL;
	bool keep = false;
	long uid = -1;
	double t0;
	pid_t pid;
	int c, st;

	while ((c = getopt(argc, argv, "ou:C:")) != -1) {
		if (c == 'u')
			uid = strtol(optarg, NULL, 10);
		else if (c == 'C')
			dir = optarg;
		else if (c == 'o')
			keep = true;
		else
			return 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: walltime [-o] [-u UID] [-C DIR] -- COMMAND [ARGS...]\n");
		return 2;
	}
	t0 = now_us();
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0)
		child(uid, dir, keep, argv + optind);
	while (waitpid(pid, &st, 0) < 0)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "walltime: %s failed (status %d)\n", argv[optind],
			WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		return 1;
	}
	printf("%.0f\n", now_us() - t0);
	return 0;
}
