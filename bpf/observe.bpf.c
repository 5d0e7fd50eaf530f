// SPDX-License-Identifier: GPL-2.0-only
/*
 * Denials that other layers make without telling us: Landlock answers an
 * open or exec it refuses with EACCES, the seccomp filters with EPERM. The
 * path is copied at syscall entry (the agent may change its memory
 * afterwards, but then it only misleads its own log) and reported when the
 * call fails with one of those errors. User space names the rule by
 * judging the path again; events from here say "observed".
 *
 * These are the per-syscall tracepoints, so nothing runs for other system
 * calls, and each program returns at once for tasks outside the run.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sevorix/abi.h"
#include "common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct sx_obs_call);
} sx_obs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sx_obs_call);
} sx_obs_scratch SEC(".maps");

static __always_inline int enter(long nr, int dirfd, const char *path, __u64 flags)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), zero = 0;
	struct sx_obs_call *c;

	if (!in_run())
		return 0;
	c = bpf_map_lookup_elem(&sx_obs_scratch, &zero);
	if (!c)
		return 0;
	c->nr = nr;
	c->dirfd = dirfd;
	c->flags = flags;
	c->upath = (__u64)path;
	/* the page may not be in yet: leave() reads it again after the call */
	if (bpf_probe_read_user_str(c->path, sizeof(c->path), path) < 0)
		c->path[0] = 0;
	bpf_map_update_elem(&sx_obs, &tid, c, BPF_ANY);
	return 0;
}

static __always_inline int leave(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sx_obs_call *c = bpf_map_lookup_elem(&sx_obs, &tid);
	struct sx_event *e;

	if (!c)
		return 0;
	if (ret == -13 /* EACCES */ || ret == -1 /* EPERM */) {
		if (!c->path[0] &&
		    bpf_probe_read_user_str(c->path, sizeof(c->path), (void *)c->upath) < 0)
			c->path[0] = 0;
		e = sx_event_new(SX_EV_OPEN, SX_V_DENY, SX_LAYER_OBSERVED);
		if (e) {
			e->exit_code = ret;
			e->port = c->nr;
			e->family = c->flags & 3; /* O_ACCMODE */
			e->rule_id = (__u16)c->dirfd;
			e->data_len = SX_OBS_PATH;
			__builtin_memcpy(e->data, c->path, SX_OBS_PATH);
			bpf_ringbuf_submit(e, 0);
		}
	}
	bpf_map_delete_elem(&sx_obs, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int sevorix_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	return enter(ctx->id, ctx->args[0], (const char *)ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_open")
int sevorix_enter_open(struct trace_event_raw_sys_enter *ctx)
{
	return enter(ctx->id, -100, (const char *)ctx->args[0], ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_creat")
int sevorix_enter_creat(struct trace_event_raw_sys_enter *ctx)
{
	return enter(ctx->id, -100, (const char *)ctx->args[0], 1 /* O_WRONLY */);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int sevorix_enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	__u64 flags = 0;

	bpf_probe_read_user(&flags, sizeof(flags), (void *)ctx->args[2]); /* open_how.flags */
	return enter(ctx->id, ctx->args[0], (const char *)ctx->args[1], flags);
}

SEC("tracepoint/syscalls/sys_enter_execve")
int sevorix_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	return enter(ctx->id, -100, (const char *)ctx->args[0], 0);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int sevorix_enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return enter(ctx->id, ctx->args[0], (const char *)ctx->args[1], 0);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int sevorix_exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_open")
int sevorix_exit_open(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_creat")
int sevorix_exit_creat(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int sevorix_exit_openat2(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int sevorix_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int sevorix_exit_execveat(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}
