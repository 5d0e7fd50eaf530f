// SPDX-License-Identifier: GPL-2.0-only
/*
 * open_layers: what each way of building the confinement costs an
 * open+close, outside any run: a child per case, confined by that case
 * alone, times open+close of FILE (CPU time of the thread, median of 9
 * batches of N); cases interleaved round by round, medians of ROUNDS.
 *
 *   open_layers DIR FILE N ROUNDS      (root; DIR: a workspace, FILE in it
 *                                       or anywhere the cases let be read)
 *
 * Cases: no confinement; the seccomp hardening filter; the same with a
 * second filter stacked on it (the exec hold's shape); Landlock, one layer
 * handling every file right, with a rule on DIR granting all of them and
 * read-only rules on /usr and /etc (truncate handled and not granted
 * there: the walk goes to the root); the same with truncate not handled;
 * the same with truncate granted with read; and the first Landlock case
 * with a second layer (execute, granted at "/": the exec section's shape
 * when it denies nothing that exists). Used by BENCHMARKS.md ("The open
 * path") to tell the parts of bench/open_split.sh's figures apart;
 * prints figures, never judges them.
 */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "landlock/landlock_uapi.h"
#include "seccomp/hardening.h"

#define BATCHES 9
#define MAX_ROUNDS 64
#define NCASES 7
#define ALL_FS ((1ULL << 16) - 1) /* every file right of ABI 5-7 */
#define RO_FS (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_EXECUTE)

static const char *const names[NCASES] = {
	"none",
	"seccomp: hardening filter",
	"seccomp: hardening + a second filter",
	"landlock: truncate handled, not granted",
	"landlock: truncate not handled",
	"landlock: truncate granted with read",
	"landlock: + a second layer (exec at /)",
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int layer(uint64_t handled)
{
	struct sx_landlock_ruleset_attr a = { .handled_access_fs = handled };

	return (int)syscall(__NR_landlock_create_ruleset, &a, sizeof(a), 0);
}

static int rule(int ruleset, const char *path, uint64_t access)
{
	struct landlock_path_beneath_attr pb = { .allowed_access = access };
	int r;

	pb.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (pb.parent_fd < 0)
		return -1;
	r = (int)syscall(__NR_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	close(pb.parent_fd);
	return r;
}

static int restrict_self(int ruleset)
{
	int r = (int)syscall(__NR_landlock_restrict_self, ruleset, 0);

	close(ruleset);
	return r;
}

/* A second filter of the exec hold's shape (execve and execveat answered, the rest allowed). */
static int second_filter(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return -1;
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	r = r ?: seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1), SCMP_SYS(execve), 0);
	r = r ?: seccomp_rule_add(ctx, SCMP_ACT_ERRNO(1), SCMP_SYS(execveat), 0);
	r = r ?: seccomp_load(ctx);
	seccomp_release(ctx);
	return r;
}

static int confine(int c, const char *dir)
{
	uint64_t handled = c == 4 ? ALL_FS & ~(uint64_t)LANDLOCK_ACCESS_FS_TRUNCATE : ALL_FS;
	uint64_t ro = c == 5 ? RO_FS | LANDLOCK_ACCESS_FS_TRUNCATE : RO_FS;
	int fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	if (c == 1 || c == 2)
		return (c == 2 && second_filter() < 0) || hardening_apply(NULL) < 0 ? -1 : 0;
	fd = layer(handled);
	if (fd < 0 || rule(fd, dir, handled) < 0 || rule(fd, "/usr", ro) < 0 ||
	    rule(fd, "/etc", ro & ~(uint64_t)LANDLOCK_ACCESS_FS_EXECUTE) < 0 || restrict_self(fd) < 0)
		return -1;
	if (c != 6)
		return 0;
	fd = layer(LANDLOCK_ACCESS_FS_EXECUTE);
	if (fd < 0 || rule(fd, "/", LANDLOCK_ACCESS_FS_EXECUTE) < 0 || restrict_self(fd) < 0)
		return -1;
	return 0;
}

/* One case in a child: its median ns per open+close, or -1. */
static double run_case(int c, const char *dir, const char *file, long n)
{
	double v = -1;
	int p[2], st;
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		double b[BATCHES];

		if (c && confine(c, dir) < 0)
			_exit(1);
		for (int k = 0; k < BATCHES; k++) {
			double t = now_ns();

			for (long i = 0; i < n; i++) {
				int fd = open(file, O_RDONLY | O_CLOEXEC);

				if (fd < 0)
					_exit(1);
				close(fd);
			}
			b[k] = (now_ns() - t) / n;
		}
		v = bench_median(b, BATCHES);
		_exit(write(p[1], &v, sizeof(v)) == sizeof(v) ? 0 : 1);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &v, sizeof(v)) != sizeof(v))
		v = -1;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, &st, 0);
	return v;
}

int main(int argc, char **argv)
{
	static double res[NCASES][MAX_ROUNDS];
	long n = argc == 5 ? atol(argv[3]) : 0;
	int rounds = argc == 5 ? atoi(argv[4]) : 0;

	if (n <= 0 || rounds <= 0 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: open_layers DIR FILE N ROUNDS (ROUNDS <= %d)\n", MAX_ROUNDS);
		return 2;
	}
	for (int r = 0; r < rounds; r++)
		for (int c = 0; c < NCASES; c++)
			res[c][r] = run_case(c, argv[1], argv[2], n);
	printf("%-42s %10s %8s\n", argv[2], "ns/op", "ratio");
	for (int c = 0; c < NCASES; c++) {
		double m = bench_median(res[c], rounds), b = bench_median(res[0], rounds);

		if (m < 0)
			printf("%-42s %10s\n", names[c], "failed");
		else
			printf("%-42s %10.0f %7.2fx\n", names[c], m, m / b);
	}
	return 0;
}
