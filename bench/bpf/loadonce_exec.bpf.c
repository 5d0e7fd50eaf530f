// SPDX-License-Identifier: GPL-2.0-only
/*
 * The other half of the load-once prototype (docs/perf.md): what a
 * machine-wide program costs the processes of no run. Today every run
 * attaches its own tracker at sched_process_exec, and each returns at
 * once for a process outside its cgroup ("one"); in phase B one global
 * program finds the run by looking up the task's cgroup ancestors, at
 * the levels where runs are, in a hash of protected cgroup ids ("global"). bench/loadonce_bench.c
 * attaches K copies of the first or one of the second and reads their
 * run time per exec from the kernel's statistics.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define MAX_LEVELS 8

/* "one": the cgroup of the run this copy serves, as today's in_run() reads it */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} sx_cgroup SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u32);
} sx_protected SEC(".maps");

__u64 hits;
/*
 * The cgroup levels at which a protected cgroup exists (bit n: level n),
 * kept by whoever writes sx_protected: a process is looked up only at
 * those levels, and with no run at all not at all.
 */
__u32 levels;

SEC("tp_btf/sched_process_exec")
int BPF_PROG(lo_exec_one, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if (bpf_current_task_under_cgroup(&sx_cgroup, 0) != 1)
		return 0; /* not this run's: today's first step (common.bpf.h, in_run) */
	__sync_fetch_and_add(&hits, 1);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(lo_exec_global, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 want = levels;

	for (int lvl = 1; want && lvl <= MAX_LEVELS; lvl++) {
		__u64 id;

		if (!(want & (1u << lvl)))
			continue;
		want &= ~(1u << lvl);
		id = bpf_get_current_ancestor_cgroup_id(lvl);
		if (!id)
			break; /* past the task's own cgroup: of no run */
		if (bpf_map_lookup_elem(&sx_protected, &id)) {
			__sync_fetch_and_add(&hits, 1);
			break;
		}
	}
	return 0;
}
