/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * K1, the BPF LSM layer: the run's network, file and exec rules, and the
 * self-protection of the supervisor, decided in LSM hooks on the kernel's
 * own copies of the arguments. One object, built from one file per family
 * of hooks that includes this header (bpftool gen object links them; see
 * mk/lsm.mk):
 *
 *   net.bpf.c      connect, sendmsg, UNIX peers, by the network rules
 *   files.bpf.c    open, by the files rules, with the open cache
 *   links.bpf.c    hard links and renames, judged on both names
 *   exec.bpf.c     exec and executable mappings, by identity and approval
 *   protect.bpf.c  bpf, ptrace, signals, mounts, user namespaces, sockets
 *
 * LSM programs are global, so every program first asks whether the
 * current task is in the run's cgroup and returns before doing anything
 * else when it is not: a process outside the run pays one helper call per
 * hook.
 *
 * The rules come from the same maps as the other layers (abi.h): the
 * network tries of bpf/net.bpf.c, the UNIX trie of bpf/unix.bpf.c, the
 * exec identities and one-shot approvals of bpf/exec.bpf.c, the run
 * configuration, the event ring buffer and the counters. Only the file
 * trie (with the directories that hold rules below them) is this layer's
 * own, and the open cache: a decision kept on the inode so that reopening
 * a file by the same name skips bpf_d_path() and the trie, forgotten
 * after any rename, unlink or mount on the machine (the fexit programs
 * and names_changed; this layer's only programs that run for everyone).
 *
 * Hook arguments are read only where their position has not changed
 * between 6.1 and the newest kernel tested (CO-RE moves struct fields, not
 * arguments): lsm/bpf gained an argument in 6.16, so sevorix_bpf and the
 * other programs that need no argument declare none. User space does not
 * load a program whose hook the running kernel lacks (userns_create came
 * in 6.1).
 *
 * A denial returns -EPERM (-EACCES for opens, as Landlock answers), so
 * the system call fails before anything happens. In audit mode every
 * decision is logged and nothing is blocked.
 *
 * What more than one file uses is here, __weak like the maps of the
 * shared headers: every file defines it, and the linker keeps one.
 */
#ifndef SEVORIX_LSM_BPF_H
#define SEVORIX_LSM_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "sevorix/abi.h"
#include "common.bpf.h"
#include "net.bpf.h"
#include "exec.bpf.h"
#include "unix.bpf.h"

#define EPERM 1
#define EACCES 13

/* Set by user space before load (src/lsm/lsm.c). */
const volatile __u64 run_cgroup_id __weak = 0; /* the run's cgroup: targets of kill/ptrace */
const volatile __u8 files_enforced __weak = 0; /* the rulebook has a files section */
/* 0: the cgroup programs of the run count the allowed inet / UNIX destinations */
const volatile __u8 count_net __weak = 1;
const volatile __u8 count_unix __weak = 1;
/* Relaxed entries of the rulebook's hardening section */
const volatile __u8 allow_bpf __weak = 0;
const volatile __u8 allow_ptrace __weak = 0;
const volatile __u8 allow_signal __weak = 0;
const volatile __u8 allow_mount __weak = 0;
const volatile __u8 allow_userns __weak = 0;
const volatile __u8 allow_ping __weak = 0;
const volatile __u8 allow_any_socket __weak = 0;
/* 1 when every program that bumps sx_names_gen loaded: file_open may cache */
const volatile __u8 cache_opens __weak = 0;

/* The file rules (abi.h); only this layer reads them. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__type(key, struct sx_file_key);
	__type(value, struct sx_file_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sx_files SEC(".maps") __weak;

/*
 * The directories that hold a rule below them ("/tmp/", "/tmp/home/" for a
 * rule on /tmp/home/.ssh), keyed like the trie's paths but zero-padded:
 * renaming one would carry those rules' files to a name no rule covers.
 */
struct sx_file_dir_key {
	char path[SX_FILE_PATH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct sx_file_dir_key);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sx_file_dirs SEC(".maps") __weak;

/* Bumped after every rename and unlink on the machine, and at every mount change. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sx_names_gen SEC(".maps") __weak;

/*
 * The hook's return value. The barrier hides that allow is 0 or 1, so the
 * compiler branches instead of computing allow - 1, a value the verifier
 * cannot prove to lie in [-4095, 0].
 */
static __always_inline int answer(int allow, int err)
{
	asm volatile("" : "+r"(allow));
	return allow ? 0 : -err;
}

static __always_inline __u64 names_gen(void)
{
	__u32 zero = 0;
	__u64 *g = bpf_map_lookup_elem(&sx_names_gen, &zero);

	return g ? *g : 0;
}

/* A name may have changed: the open cache (files.bpf.c) forgets its decisions. */
static __always_inline void names_changed(void)
{
	__u32 zero = 0;
	__u64 *g = bpf_map_lookup_elem(&sx_names_gen, &zero);

	if (g)
		__sync_fetch_and_add(g, 1);
}

/* Logs a hardening denial; target names the other task, if any. */
static __always_inline int protect(__u8 kind, struct task_struct *target, __u16 port)
{
	struct decision d = { SX_V_DENY, SX_RULE_DEFAULT };
	struct sx_event *e;
	int allow;

	e = sx_decided_in(d, kind, SX_LAYER_BPF_LSM, SX_SEC_HARDENING, 1, &allow);
	if (e) {
		e->port = port;
		if (target) {
			__u32 pid = BPF_CORE_READ(target, tgid);

			__builtin_memcpy(e->addr, &pid, sizeof(pid));
			BPF_CORE_READ_STR_INTO(&e->data, target, comm);
			e->data_len = sizeof(target->comm);
		}
		sx_submit(e);
	}
	return answer(allow, EPERM);
}

#endif
