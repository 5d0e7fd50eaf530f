// SPDX-License-Identifier: GPL-2.0-only
/*
 * The BPF LSM layer's self-protection hooks (lsm/lsm.bpf.h): bpf,
 * ptrace, signals, mounts, user namespaces, sockets outside the allow
 * list and cgroup escapes, for the agent only.
 */
#include "lsm/lsm.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_UNIX 1
#define AF_NETLINK 16
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_ICMPV6 58

/*
 * The run's cgroup is a leaf that only root can subdivide, and the agent
 * is not root, so "in the run" is "in exactly that cgroup".
 */
static __always_inline int task_in_run(struct task_struct *t)
{
	return BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id) == run_cgroup_id;
}

/* bpf(): no argument is read (lsm/bpf gained one in 6.16). */
SEC("lsm/bpf")
int BPF_PROG(sevorix_bpf)
{
	if (allow_bpf || !in_run())
		return 0;
	return protect(SX_EV_BPF, NULL, 0);
}

/* ptrace, process_vm_readv/writev, /proc/PID/mem: only inside the run. */
SEC("lsm/ptrace_access_check")
int BPF_PROG(sevorix_ptrace_access_check, struct task_struct *child, unsigned int mode, int ret)
{
	if (ret || allow_ptrace || !in_run() || task_in_run(child))
		return ret;
	return protect(SX_EV_PTRACE, child, 0);
}

/* Signals from the agent (kill, tgkill, sigqueue): only inside the run. */
SEC("lsm/task_kill")
int BPF_PROG(sevorix_task_kill, struct task_struct *p, struct kernel_siginfo *info, int sig,
	     const struct cred *cred, int ret)
{
	if (ret || allow_signal || !in_run() || task_in_run(p))
		return ret;
	return protect(SX_EV_KILL, p, sig);
}

/* Mount changes by anyone also invalidate the open cache (names_changed). */
SEC("lsm/sb_mount")
int BPF_PROG(sevorix_sb_mount)
{
	names_changed();
	if (allow_mount || !in_run())
		return 0;
	return protect(SX_EV_MOUNT, NULL, 0);
}

SEC("lsm/move_mount")
int BPF_PROG(sevorix_move_mount)
{
	names_changed();
	if (allow_mount || !in_run())
		return 0;
	return protect(SX_EV_MOUNT, NULL, 1);
}

#define CLONE_INTO_CGROUP 0x200000000ULL

/* clone3(CLONE_INTO_CGROUP) would start a child in another cgroup. */
SEC("lsm/task_alloc")
int BPF_PROG(sevorix_task_alloc, struct task_struct *task, unsigned long clone_flags, int ret)
{
	if (ret || !(clone_flags & CLONE_INTO_CGROUP) || !in_run())
		return ret;
	return protect(SX_EV_CGROUP, NULL, 1);
}

/* Kernel 6.1+; user space does not load it where the hook is missing. */
SEC("lsm/userns_create")
int BPF_PROG(sevorix_userns_create)
{
	if (allow_userns || !in_run())
		return 0;
	return protect(SX_EV_USERNS, NULL, 0);
}

/*
 * The socket() allow list of the seccomp hardening (src/seccomp/): what
 * the network rulebook can reason about. Everything else (raw, packet,
 * ICMP ping, AF_VSOCK, SCTP, AF_ALG, MPTCP, ...) is refused.
 */
static __always_inline int socket_allowed(int family, int type, int protocol)
{
	if (allow_any_socket || family == AF_UNIX)
		return 1;
	if (family == AF_NETLINK)
		return protocol == 0; /* NETLINK_ROUTE */
	if (family != AF_INET && family != AF_INET6)
		return 0;
	type &= 0xf; /* without SOCK_NONBLOCK, SOCK_CLOEXEC */
	if (type == SOCK_DGRAM && allow_ping &&
	    protocol == (family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6))
		return 1;
	return (type == SOCK_STREAM || type == SOCK_DGRAM) &&
	       (protocol == 0 || protocol == IPPROTO_TCP || protocol == IPPROTO_UDP);
}

SEC("lsm/socket_create")
int BPF_PROG(sevorix_socket_create, int family, int type, int protocol, int kern, int ret)
{
	struct sx_event *e;
	struct decision d = { SX_V_DENY, SX_RULE_DEFAULT };
	int allow;

	if (ret || kern || !in_run() || socket_allowed(family, type, protocol))
		return ret;
	e = sx_decided_in(d, SX_EV_SOCKET, SX_LAYER_BPF_LSM, SX_SEC_HARDENING, 1, &allow);
	if (e) {
		e->family = family;
		e->sock_type = type & 0xf;
		e->port = protocol;
		sx_submit(e);
	}
	return answer(allow, EPERM);
}
