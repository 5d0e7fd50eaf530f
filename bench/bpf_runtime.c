// SPDX-License-Identifier: GPL-2.0-only
/*
 * bpf_runtime: how long each Sevorix BPF program ran while a command ran,
 * from the kernel's own per-program statistics.
 *
 *   bpf_runtime [-p PREFIX] -- COMMAND [ARGS...]      (root)
 *
 * The statistics are switched on with BPF_ENABLE_STATS, which counts only
 * while the returned descriptor is open: they stop when this program
 * exits, whatever happens, and the host's kernel.bpf_stats_enabled
 * sysctl is never touched. For every program whose name starts with
 * PREFIX (default "sevorix_") that ran, it prints the runs, the total
 * time and the time per run. Programs loaded while COMMAND runs are
 * counted from zero; they are read every 20 ms, so one that is unloaded
 * before COMMAND ends (a run's own, at its end) loses at most that much:
 * end the command with a short sleep. Used to split a ratio of bench/work_bench.sh into
 * its parts (BENCHMARKS.md); prints figures, never judges them.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>

#define MAX_PROGS 1024

struct prog {
	__u32 id;
	__u64 ns0, cnt0, ns, cnt; /* at the start (0: loaded later), at the last look */
	char name[BPF_OBJ_NAME_LEN];
};

static struct prog progs[MAX_PROGS];
static int nprogs;

/* Reads every matching program's counters; first_look: they are the baseline. */
static void look(const char *prefix, bool first_look)
{
	__u32 id = 0;

	while (bpf_prog_get_next_id(id, &id) == 0) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id), i;

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
		    !strncmp(info.name, prefix, strlen(prefix))) {
			for (i = 0; i < nprogs && progs[i].id != id; i++)
				;
			if (i == nprogs && nprogs < MAX_PROGS) {
				progs[nprogs].id = id;
				memcpy(progs[nprogs++].name, info.name, BPF_OBJ_NAME_LEN);
				if (first_look)
					progs[i].ns0 = info.run_time_ns,
					progs[i].cnt0 = info.run_cnt;
			}
			if (i < nprogs)
				progs[i].ns = info.run_time_ns, progs[i].cnt = info.run_cnt;
		}
		close(fd);
	}
}

int main(int argc, char **argv)
{
	const char *prefix = "sevorix_";
	int c, st = 0, stats;
	pid_t pid;

	while ((c = getopt(argc, argv, "p:")) != -1)
		if (c == 'p')
			prefix = optarg;
	if (optind >= argc) {
		fprintf(stderr, "usage: bpf_runtime [-p PREFIX] -- COMMAND [ARGS...]\n");
		return 2;
	}
	stats = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats < 0) {
		fprintf(stderr, "bpf_runtime: BPF_ENABLE_STATS: %s\n", strerror(errno));
		return 1;
	}
	look(prefix, true);
	pid = fork();
	if (pid == 0) {
		close(stats);
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	while (waitpid(pid, &st, WNOHANG) == 0) {
		look(prefix, false);
		usleep(20000);
	}
	look(prefix, false);
	close(stats); /* the kernel stops counting here */
	printf("%-6s %-16s %10s %12s %9s\n", "id", "program", "runs", "total_us", "ns/run");
	for (int i = 0; i < nprogs; i++) {
		__u64 cnt = progs[i].cnt - progs[i].cnt0, ns = progs[i].ns - progs[i].ns0;

		if (cnt)
			printf("%-6u %-16s %10llu %12.1f %9.0f\n", progs[i].id, progs[i].name,
			       (unsigned long long)cnt, ns / 1e3, (double)ns / cnt);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
