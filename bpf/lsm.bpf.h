/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Maps and helpers of the BPF LSM layer (lsm.bpf.c).
 *
 * The exec and UNIX maps come from exec.bpf.h and unix.bpf.h, shared with
 * proc.bpf.c and unix.bpf.c: user space hands their fds to this object
 * before it loads (src/lsm/lsm.c), so one compiled rulebook serves every
 * layer. When the other object is not loaded (a kernel without the UNIX
 * cgroup hooks, or the layer used on its own), user space fills this
 * object's own copy instead.
 */
#ifndef SEVORIX_LSM_BPF_H
#define SEVORIX_LSM_BPF_H




/* The file rules (abi.h); only this layer reads them. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__type(key, struct sx_file_key);
	__type(value, struct sx_file_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sx_files SEC(".maps");

/*
 * bpf_d_path() writes here. The first SX_FILE_PATH_MAX bytes of path,
 * after prefixlen, are a struct sx_file_key, so the buffer is its own
 * lookup key: no copy on the hot path.
 */
#define SX_LSM_PATH_BUF 4096

struct sx_path_buf {
	__u32 prefixlen;
	char path[SX_LSM_PATH_BUF];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sx_path_buf);
} sx_lsm_path SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sx_unix_key);
} sx_lsm_unix_key SEC(".maps");


/* The identity the exec maps use: the kernel's dev_t (major << 20 | minor) and inode number. */
static __always_inline struct sx_exec_key lsm_file_key(struct file *f)
{
	struct inode *ino = BPF_CORE_READ(f, f_inode);
	struct sx_exec_key k = { .dev = BPF_CORE_READ(ino, i_sb, s_dev),
				 .ino = BPF_CORE_READ(ino, i_ino) };

	return k;
}

#endif
