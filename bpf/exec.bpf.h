/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The exec maps and the identity of an inode, shared by the exec checks
 * at sched_process_exec (exec.bpf.c) and the BPF LSM layer (bpf/lsm/).
 * User space hands one object's map fds to the other before it loads, so
 * one compiled rulebook and one set of approvals serve both. abi.h says
 * what the maps hold.
 */
#ifndef SEVORIX_EXEC_BPF_H
#define SEVORIX_EXEC_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct sx_exec_key);
	__type(value, struct sx_exec_deny);
} sx_exec_deny SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct sx_approval);
} sx_approved SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sx_exec_wx);
} sx_exec_wx SEC(".maps") __weak;

/* The inode's ctime moved twice (6.6, 6.11): CO-RE picks the field this kernel has. */
struct inode___v61 {
	struct timespec64 i_ctime;
} __attribute__((preserve_access_index));

struct inode___v66 {
	struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));

static __always_inline void inode_ctime(struct inode *ino, __s64 *sec, __s64 *nsec)
{
	struct inode___v66 *i66 = (void *)ino;
	struct inode___v61 *i61 = (void *)ino;

	if (bpf_core_field_exists(ino->i_ctime_sec)) {
		*sec = BPF_CORE_READ(ino, i_ctime_sec);
		/* bit 31 marks a multigrain ctime as queried; nanoseconds fit in 30 bits */
		*nsec = BPF_CORE_READ(ino, i_ctime_nsec) & 0x3fffffff;
	} else if (bpf_core_field_exists(i66->__i_ctime)) {
		*sec = BPF_CORE_READ(i66, __i_ctime.tv_sec);
		*nsec = BPF_CORE_READ(i66, __i_ctime.tv_nsec);
	} else {
		*sec = BPF_CORE_READ(i61, i_ctime.tv_sec);
		*nsec = BPF_CORE_READ(i61, i_ctime.tv_nsec);
	}
}

static __always_inline __u64 kdev(struct inode *ino)
{
	return BPF_CORE_READ(ino, i_sb, s_dev);
}

#endif
