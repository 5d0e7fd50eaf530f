// SPDX-License-Identifier: GPL-2.0-only
/*
 * world_bench: what the run's private world adds to the start of an agent
 * (sandbox/, run/): the PID, mount and IPC namespaces, the mounts a policy
 * asks for, and the Landlock rulesets made after them.
 *
 *   world_bench [-p POLICY] [-r ROUNDS]   (root)
 *
 * Each round times, from fork to the parent's waitpid, a child that exits
 * at once (the baseline: what starting any child costs), a child made as
 * `sevorix run` makes it: in a new PID namespace, building the view the
 * policy (default: policies/default.yaml, a scratch directory under /tmp
 * as the workspace) asks for, then exiting, which tears the namespaces
 * down; and the same making the Landlock rulesets in that view too (a
 * cost `sevorix run` had before, in the supervisor: it moved, it was not
 * added). Rounds alternate the three; the table shows medians of the
 * wall-clock time, its differences, and the child's CPU time (which a
 * loaded machine stretches far less). It prints figures, never passes or
 * fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "confine/confine.h"
#include "sandbox/sandbox.h"

#define MAX_ROUNDS 200

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

/*
 * One child; world NULL: the baseline; cf NULL: no Landlock rulesets.
 * Returns wall-clock microseconds, or -1; *cpu: the child's CPU time (a
 * loaded machine stretches the first, hardly the second).
 */
static double one(struct sandbox *world, struct confine *cf, int pidns, double *cpu)
{
	double t = now_us();
	struct rusage ru;
	size_t at;
	pid_t pid;
	int st;

	if (world && unshare(CLONE_NEWPID) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		if (world && sandbox_enter(world, &at) < 0)
			_exit(1);
		if (cf && confine_rulesets(cf, &at) < 0)
			_exit(1);
		_exit(0);
	}
	if (world && setns(pidns, CLONE_NEWPID) < 0)
		return -1;
	if (pid < 0 || wait4(pid, &st, 0, &ru) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	*cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + ru.ru_utime.tv_usec +
	       ru.ru_stime.tv_usec;
	return now_us() - t;
}

static int prepare(const char *file, const char *ws, struct policy **p, struct sandbox **sb,
		   struct confine *cf)
{
	struct policy_env env = { .home = "/nonexistent", .user = "nobody", .workspace = ws };
	struct sandbox_opts so = { .uid = 65534, .gid = 65534, .cwd = ws, .command = "/bin/true" };
	struct policy_diag diag = { 0 };
	char err[512] = "";
	int r = policy_load(file, &env, p, &diag);

	policy_diag_clear(&diag);
	r = r ?: sandbox_plan(*p, &so, sb, err, sizeof(err));
	r = r ?: confine_prepare_late(*p, NULL, sandbox_unexpanded(*sb), cf, err, sizeof(err));
	if (r < 0)
		fprintf(stderr, "world_bench: %s: %s\n", file, err[0] ? err : strerror(-r));
	return r;
}

int main(int argc, char **argv)
{
	static double wall[3][MAX_ROUNDS], cpu[3][MAX_ROUNDS], med_wall[3], med_cpu[3];
	static const char *const rows[3] = {
		"fork + exit (baseline)",
		"in the run's PID, mount and IPC namespaces, its view",
		"and the Landlock rulesets made there (moved, not new)",
	};
	const char *policy = "policies/default.yaml";
	char ws[] = "/tmp/sevorix-worldbench.XXXXXX";
	int rounds = 50, c, pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	struct policy *p = NULL;
	struct sandbox *sb = NULL;
	struct confine cf;

	while ((c = getopt(argc, argv, "p:r:")) != -1) {
		if (c == 'p')
			policy = optarg;
		else if (c == 'r')
			rounds = atoi(optarg);
		else
			return 2;
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || pidns < 0 || !mkdtemp(ws) || chmod(ws, 0755) < 0 ||
	    prepare(policy, ws, &p, &sb, &cf) < 0 || chdir(ws) < 0)
		return 1;
	for (int r = 0; r < rounds; r++) {
		wall[0][r] = one(NULL, NULL, pidns, &cpu[0][r]);
		wall[1][r] = one(sb, NULL, pidns, &cpu[1][r]);
		wall[2][r] = one(sb, &cf, pidns, &cpu[2][r]);
		if (wall[0][r] < 0 || wall[1][r] < 0 || wall[2][r] < 0) {
			fprintf(stderr, "world_bench: a child failed\n");
			return 1;
		}
	}
	printf("== world_bench: policy %s, %zu mounts, %d rounds, medians\n", policy,
	       sandbox_mounts(sb), rounds);
	printf("%-56s %9s %9s %9s\n", "", "wall us", "+", "cpu us");
	for (int i = 0; i < 3; i++) {
		med_wall[i] = bench_median(wall[i], rounds);
		med_cpu[i] = bench_median(cpu[i], rounds);
		printf("%-56s %9.0f %9.0f %9.0f\n", rows[i], med_wall[i],
		       i ? med_wall[i] - med_wall[i - 1] : 0, med_cpu[i]);
	}
	confine_release(&cf);
	sandbox_free(sb);
	policy_free(p);
	if (chdir("/") == 0)
		rmdir(ws);
	return 0;
}
