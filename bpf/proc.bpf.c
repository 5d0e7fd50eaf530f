// SPDX-License-Identifier: GPL-2.0-only
/*
 * Process tracking for the events log: fork, exec and exit of every task
 * in one run's cgroup tree. tp_btf programs are global, so each one first
 * asks bpf_current_task_under_cgroup() about the run's cgroup and returns
 * before anything else -- in particular before any ring-buffer reserve,
 * which would wake the reader -- for every task outside it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sevorix/abi.h"
#include "common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} sx_cgroup SEC(".maps");

static __always_inline int in_run(void)
{
	return bpf_current_task_under_cgroup(&sx_cgroup, 0) == 1;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sevorix_fork, struct task_struct *parent, struct task_struct *child)
{
	struct sx_event *e;

	if (!in_run() || child->pid != child->tgid)
		return 0;
	e = sx_event_new(SX_EV_FORK, SX_V_NONE, SX_LAYER_TRACE);
	if (!e)
		return 0;
	e->ppid = e->pid;
	e->pid = child->tgid;
	e->tid = child->pid;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sevorix_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	unsigned long start, end, len;
	struct sx_event *e;
	long n;
	__u32 off;

	if (!in_run())
		return 0;
	e = sx_event_new(SX_EV_EXEC, SX_V_NONE, SX_LAYER_TRACE);
	if (!e)
		return 0;
	e->ppid = BPF_CORE_READ(p, real_parent, tgid);
	/* data: the executable's path, NUL, then argv as the kernel copied it */
	n = bpf_probe_read_kernel_str(e->data, 256, BPF_CORE_READ(bprm, filename));
	if (n < 0)
		n = 0;
	start = BPF_CORE_READ(p, mm, arg_start);
	end = BPF_CORE_READ(p, mm, arg_end);
	len = end > start ? end - start : 0;
	if (len > SX_EVENT_DATA - 257)
		len = SX_EVENT_DATA - 257;
	off = n > 256 ? 256 : n;
	if (len > 0 && bpf_probe_read_user(e->data + off, len, (void *)start) == 0)
		off += len;
	e->data_len = off;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sevorix_exit, struct task_struct *p)
{
	struct sx_event *e;

	if (!in_run() || p->pid != p->tgid)
		return 0;
	e = sx_event_new(SX_EV_EXIT, SX_V_NONE, SX_LAYER_TRACE);
	if (!e)
		return 0;
	e->ppid = BPF_CORE_READ(p, real_parent, tgid);
	e->exit_code = p->exit_code;
	bpf_ringbuf_submit(e, 0);
	return 0;
}
