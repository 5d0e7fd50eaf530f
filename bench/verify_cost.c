// SPDX-License-Identifier: GPL-2.0-only
/*
 * verify_cost: what the kernel's verifier does for each BPF program a run
 * loads, from its own statistics (the log at level 4, BPF_LOG_STATS).
 *
 *   verify_cost [-r ROUNDS] [-d DIR] [-w]      (root)
 *
 * Every object of a run's layers (net, unix, exec, observe) is opened
 * from the binary's skeleton and prepared as its loader prepares it (the
 * UNIX programs' attach types, the observer's table of calls, the cut of
 * the kernel's BTF of util/corebtf.h, or with -w the whole of it), then
 * loaded ROUNDS times (default 5). Each program is printed with the
 * instructions the verifier processed, its states (total, peak) and its
 * verification time (median); each object with the wall and CPU time of
 * its open and load (median), which adds libbpf's own work -- above all
 * the parse of the kernel's BTF, when the object needs it -- and the maps'
 * creation. All the inet programs are loaded, also those a policy without
 * names or bind rules leaves out. Nothing is attached. The BPF LSM object
 * is not measured: it loads only in a kernel booted with lsm=...,bpf.
 * -d DIR writes each program's whole log (level 2, every instruction
 * the verifier walked, with its source line) to DIR/OBJECT.PROGRAM.log,
 * also for a program the verifier refuses; bench/verify_lines.py counts
 * in one where the work goes, by source line.
 * Prints figures, never judges them (docs/perf.md, BENCHMARKS.md).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bench.h"
#include "net/net.h"
#include "observe/observe.h"
#include "util/bpfobj.h"
#include "exec.skel.h"
#include "net.skel.h"
#include "observe.skel.h"
#include "unix.skel.h"

#define MAX_ROUNDS 64
#define MAX_PROGS 32
#define LOG_SIZE 4096
#define STATS \
	"processed %ld insns (limit %*d) max_states_per_insn %*d total_states %ld peak_states %ld"


struct prog_cost {
	char name[64];
	long insns, states, peak;
	double us[MAX_ROUNDS];
};

struct obj_cost {
	const char *name;
	int nprogs;
	struct prog_cost p[MAX_PROGS];
	double wall_ms[MAX_ROUNDS], cpu_ms[MAX_ROUNDS];
};

static char *logs[MAX_PROGS];
static size_t log_size = LOG_SIZE;
static int log_level = 4;
static const char *log_dir;
static int whole_btf;
static char btf[PATH_MAX];

/* Open options as the loaders set them: the cut of the kernel's BTF, unless -w. */
static void core_btf(struct bpf_object_open_opts *o, const char *name, const void *elf,
		     size_t size)
{
	if (!whole_btf)
		bpfobj_core_btf(o, name, elf, size, btf, sizeof(btf));
}

static double now_ms(clockid_t clock)
{
	struct timespec t;

	clock_gettime(clock, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double cpu_ms(const struct rusage *r)
{
	return (r->ru_utime.tv_sec + r->ru_stime.tv_sec) * 1e3 +
	       (r->ru_utime.tv_usec + r->ru_stime.tv_usec) / 1e3;
}

/* An opened object, prepared as its loader prepares it; NULL with errno. */
static struct bpf_object *open_obj(const char *name, void **skel)
{
	LIBBPF_OPTS(bpf_object_open_opts, o);
	const void *elf;
	size_t size;

	if (!strcmp(name, "net")) {
		struct net_bpf *s = net_bpf__open();

		*skel = s;
		return s ? s->obj : NULL;
	}
	if (!strcmp(name, "unix")) {
		struct unix_bpf *s;

		elf = unix_bpf__elf_bytes(&size);
		core_btf(&o, name, elf, size);
		s = unix_bpf__open_opts(&o);
		*skel = s;
		if (!s)
			return NULL;
		netlayer_unix_attach_types(s->obj);
		return s->obj;
	}
	if (!strcmp(name, "exec")) {
		struct exec_bpf *s;

		elf = exec_bpf__elf_bytes(&size);
		core_btf(&o, name, elf, size);
		s = exec_bpf__open_opts(&o);
		*skel = s;
		return s ? s->obj : NULL;
	}
	if (!strcmp(name, "observe")) {
		struct observe_bpf *s;

		elf = observe_bpf__elf_bytes(&size);
		core_btf(&o, name, elf, size);
		s = observe_bpf__open_opts(&o);
		*skel = s;
		if (!s)
			return NULL;
		observe_fill_shapes(s->rodata->sx_obs_shapes, SX_OBS_NR_MAX);
		return s->obj;
	}
	errno = ENOENT;
	return NULL;
}

static void destroy(const char *name, void *skel)
{
	if (!strcmp(name, "net"))
		net_bpf__destroy(skel);
	else if (!strcmp(name, "unix"))
		unix_bpf__destroy(skel);
	else if (!strcmp(name, "exec"))
		exec_bpf__destroy(skel);
	else
		observe_bpf__destroy(skel);
}

/* Reads the statistics lines of one program's log into p. */
static void parse_log(const char *log, struct prog_cost *p, int round)
{
	const char *s = strstr(log, "processed ");
	long us = 0;

	if (s)
		sscanf(s, STATS, &p->insns, &p->states, &p->peak);
	s = strstr(log, "verification time ");
	if (s)
		sscanf(s, "verification time %ld usec", &us);
	p->us[round] = us;
}

static void write_log(const char *obj, const char *prog, const char *log)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.%s.log", log_dir, obj, prog);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "verify_cost: %s: %s\n", path, strerror(errno));
		return;
	}
	fputs(log, f);
	fclose(f);
}

/* One open and load of the object; 0 or -errno. */
static int measure(struct obj_cost *c, int round)
{
	struct rusage r0, r1;
	struct bpf_program *prog;
	double t0 = now_ms(CLOCK_MONOTONIC);
	void *skel = NULL;
	struct bpf_object *obj;
	int i = 0, err;

	getrusage(RUSAGE_SELF, &r0);
	obj = open_obj(c->name, &skel);
	if (!obj)
		return -errno;
	bpf_object__for_each_program(prog, obj) {
		if (i == MAX_PROGS)
			break;
		logs[i][0] = 0;
		bpf_program__set_log_buf(prog, logs[i], log_size);
		bpf_program__set_log_level(prog, log_level);
		i++;
	}
	err = bpf_object__load(obj);
	getrusage(RUSAGE_SELF, &r1);
	c->wall_ms[round] = now_ms(CLOCK_MONOTONIC) - t0;
	c->cpu_ms[round] = cpu_ms(&r1) - cpu_ms(&r0);
	c->nprogs = i;
	i = 0;
	bpf_object__for_each_program(prog, obj) {
		if (i == MAX_PROGS)
			break;
		snprintf(c->p[i].name, sizeof(c->p[i].name), "%s", bpf_program__name(prog));
		parse_log(logs[i], &c->p[i], round);
		if (log_dir)
			write_log(c->name, c->p[i].name, logs[i]);
		i++;
	}
	destroy(c->name, skel);
	return err;
}

static void print_obj(struct obj_cost *c, int rounds)
{
	long insns = 0;
	double us = 0;

	for (int i = 0; i < c->nprogs; i++) {
		double m = bench_median(c->p[i].us, rounds);

		printf("  %-24s %10ld %8ld %6ld %10.1f\n", c->p[i].name, c->p[i].insns,
		       c->p[i].states, c->p[i].peak, m / 1e3);
		insns += c->p[i].insns;
		us += m;
	}
	printf("  %-24s %10ld %15s %10.1f\n", "(all programs)", insns, "", us / 1e3);
	printf("  %-24s %10s %15s %10.1f  (CPU %.1f ms)\n", "open and load, wall", "", "",
	       bench_median(c->wall_ms, rounds), bench_median(c->cpu_ms, rounds));
}

int main(int argc, char **argv)
{
	static struct obj_cost objs[] = {
		{ .name = "net" }, { .name = "unix" }, { .name = "exec" }, { .name = "observe" }
	};
	int rounds = 5, c;

	while ((c = getopt(argc, argv, "r:d:w")) != -1) {
		if (c == 'w') {
			whole_btf = 1;
		} else if (c == 'r') {
			rounds = atoi(optarg);
		} else if (c == 'd') {
			log_dir = optarg;
			log_level = 2 | 4;
			log_size = 1 << 27; /* address space only: the kernel writes what it has */
		} else {
			rounds = 0;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: verify_cost [-r ROUNDS (1-%d)] [-d DIR] [-w]\n", MAX_ROUNDS);
		return 2;
	}
	for (int i = 0; i < MAX_PROGS; i++) {
		logs[i] = malloc(log_size);
		if (!logs[i]) {
			fprintf(stderr, "verify_cost: %s\n", strerror(errno));
			return 1;
		}
	}
	printf("%-26s %10s %8s %6s %10s\n", "object / program", "insns", "states", "peak",
	       "verify ms");
	for (size_t o = 0; o < sizeof(objs) / sizeof(objs[0]); o++) {
		int err = 0;

		for (int r = 0; r < rounds && !err; r++)
			err = measure(&objs[o], r);
		printf("%s\n", objs[o].name);
		if (err) {
			printf("  not loaded: %s\n", strerror(-err));
			continue;
		}
		print_obj(&objs[o], rounds);
	}
	return 0;
}
