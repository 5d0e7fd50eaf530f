// SPDX-License-Identifier: GPL-2.0-only
/*
 * fs_bench: the cost of the confinement layers (Landlock + seccomp
 * hardening) on file operations and exec, as an agent sees it.
 *
 *   fs_bench [-p POLICY] [-n N] [-r ROUNDS] [-m both|landlock|seccomp]   (root)
 *
 * Each round forks two children that drop to uid 65534: one unconfined
 * (the baseline), one confined with the policy (default:
 * policies/default.yaml, with a scratch directory as the workspace). Each
 * child times open+close and stat of a workspace file and of a deep /usr
 * file, and fork+exec of /bin/true, and sends ns/op back on a pipe.
 * Rounds alternate the two children (these machines are noisy); the table
 * shows medians and ratios. It prints figures, never passes or fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "confine/confine.h"

#define NOPS 5
#define MAX_ROUNDS 64

static const char *const op_names[NOPS] = {
	"open+close (workspace file)", "open+close (/usr/lib deep file)", "stat (workspace file)",
	"stat (/usr/lib deep file)",   "fork+exec /bin/true",
};

static char ws_file[256];
static int mode = 3; /* 1: Landlock only, 2: seccomp only, 3: both */
static const char deep_file[] = "/usr/lib/x86_64-linux-gnu/libc.so.6";

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double time_open(const char *path, long n)
{
	double t = now_ns();

	for (long i = 0; i < n; i++) {
		int fd = open(path, O_RDONLY);

		if (fd >= 0)
			close(fd);
	}
	return (now_ns() - t) / n;
}

static double time_stat(const char *path, long n)
{
	struct stat st;
	double t = now_ns();

	for (long i = 0; i < n; i++)
		stat(path, &st);
	return (now_ns() - t) / n;
}

static double time_exec(long n)
{
	double t = now_ns();

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		waitpid(pid, &st, 0);
	}
	return (now_ns() - t) / n;
}

/* Child: drop to 65534, confine when cf is set, time every op into res. */
static void child(const struct confine *cf, long n, int fd)
{
	gid_t g = 65534;
	double res[NOPS];

	if (setgroups(1, &g) < 0 || setresgid(g, g, g) < 0 || setresuid(65534, 65534, 65534) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(1);
	if (cf && (mode & 1) && landlock_plan_apply(cf->plan) < 0)
		_exit(2);
	if (cf && (mode & 2) && hardening_filter_apply(cf->filter) < 0)
		_exit(2);
	res[0] = time_open(ws_file, n);
	res[1] = time_open(deep_file, n);
	res[2] = time_stat(ws_file, n);
	res[3] = time_stat(deep_file, n);
	res[4] = time_exec(n / 100 > 0 ? n / 100 : 1);
	_exit(write(fd, res, sizeof(res)) == sizeof(res) ? 0 : 3);
}

static int measure(const struct confine *cf, long n, double *res)
{
	int p[2], st;
	pid_t pid;

	if (pipe(p) < 0)
		return -errno;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		child(cf, n, p[1]);
	}
	close(p[1]);
	if (read(p[0], res, NOPS * sizeof(double)) != (ssize_t)(NOPS * sizeof(double)))
		st = -EIO;
	else
		st = 0;
	close(p[0]);
	waitpid(pid, NULL, 0);
	return st;
}

static int prepare(const char *file, const char *ws, struct confine *cf)
{
	struct policy_env env = { .home = "/root", .user = "nobody", .workspace = ws };
	struct policy_diag diag = { 0 };
	struct policy *p = NULL;
	char err[512];
	int r;

	r = policy_load(file, &env, &p, &diag);
	for (size_t i = 0; i < diag.nlines; i++)
		fprintf(stderr, "%s\n", diag.lines[i]);
	policy_diag_clear(&diag);
	if (r < 0)
		return r;
	r = confine_prepare(p, NULL, cf, err, sizeof(err));
	if (r < 0)
		fprintf(stderr, "fs_bench: %s\n", err);
	policy_free(p);
	return r;
}

int main(int argc, char **argv)
{
	static double base[NOPS][MAX_ROUNDS], conf[NOPS][MAX_ROUNDS];
	const char *policy = "policies/default.yaml";
	char ws[] = "/tmp/sevorix-fsbench.XXXXXX", desc[8192];
	long n = 5000;
	int rounds = 15, c, fd;
	struct confine cf;

	while ((c = getopt(argc, argv, "p:n:r:m:")) != -1) {
		if (c == 'm')
			mode = !strcmp(optarg, "landlock") ? 1 : !strcmp(optarg, "seccomp") ? 2 : 3;
		else if (c == 'p')
			policy = optarg;
		else if (c == 'n')
			n = atol(optarg);
		else if (c == 'r')
			rounds = atoi(optarg);
		else
			return 2;
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || n < 1 || !mkdtemp(ws))
		return 2;
	chmod(ws, 0755);
	snprintf(ws_file, sizeof(ws_file), "%s/file.txt", ws);
	fd = open(ws_file, O_CREAT | O_WRONLY, 0644);
	if (fd >= 0)
		close(fd);
	if (prepare(policy, ws, &cf) < 0)
		return 1;
	confine_describe(&cf, desc, sizeof(desc));
	printf("== fs_bench: policy %s, layers %s, N=%ld (exec N/100), %d rounds, medians\n",
	       policy, mode == 3 ? "landlock+seccomp" : mode == 1 ? "landlock" : "seccomp", n,
	       rounds);
	for (char *l = strtok(desc, "\n"); l; l = strtok(NULL, "\n"))
		if (strstr(l, "rules") || strstr(l, "ABI"))
			printf("   %s\n", l);
	for (int r = 0; r < rounds; r++) {
		double b[NOPS], x[NOPS];

		if (measure(NULL, n, b) < 0 || measure(&cf, n, x) < 0) {
			fprintf(stderr, "fs_bench: a child failed\n");
			return 1;
		}
		for (int i = 0; i < NOPS; i++)
			base[i][r] = b[i], conf[i][r] = x[i];
	}
	printf("%-34s %12s %12s %8s\n", "operation", "outside", "confined", "ratio");
	for (int i = 0; i < NOPS; i++) {
		double b = bench_median(base[i], rounds), x = bench_median(conf[i], rounds);

		printf("%-34s %9.0f ns %9.0f ns %7.3fx\n", op_names[i], b, x, x / b);
	}
	confine_release(&cf);
	unlink(ws_file);
	rmdir(ws);
	return 0;
}
