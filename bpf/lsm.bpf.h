/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Maps and helpers of the BPF LSM layer (lsm.bpf.c).
 *
 * The exec and UNIX maps come from exec.bpf.h and unix.bpf.h, shared with
 * exec.bpf.c and unix.bpf.c: user space hands their fds to this object
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
} sx_file_dirs SEC(".maps");

/*
 * A link's or rename's two names, built by walking the dentries up to the
 * task's root (lsm.bpf.c: path_of). path has room for one more name of
 * SX_FILE_PATH_MAX bytes after the key's end, so every copy is in bounds.
 */
#define SX_WALK_DEPTH 32 /* components of a name, deeper is refused */
#define SX_WALK_STEPS 48 /* components plus mount crossings */

struct sx_walk_key {
	__u32 prefixlen;
	char path[2 * SX_FILE_PATH_MAX + 8];
};

struct sx_walk {
	__u64 dentry[SX_WALK_DEPTH];
	__u32 n, off; /* path_of()'s counters */
	struct sx_walk_key key[2]; /* the existing name, the new name */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sx_walk);
} sx_lsm_walk SEC(".maps");

/*
 * Decisions of file_open kept on the inode, so that the next open of the
 * same file by the same name skips bpf_d_path() and the trie. An entry
 * holds only while nothing could have changed the name it was decided
 * for (lsm.bpf.c: cached_value): the same dentry and mount, the same
 * root, one link, and no rename, unlink or mount since (sx_names_gen).
 * Whatever rewrites sx_files must bump sx_names_gen too (lsm.c does at
 * every attach: forget_cache).
 */
struct sx_open_cache {
	__u64 gen;
	__u64 dentry, mnt, root;
	struct sx_file_value v;
};

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sx_open_cache);
} sx_open_cache SEC(".maps");

/* The last (process, rule) whose allowed open this CPU served from the cache. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sx_seen_key);
} sx_lsm_seen_last SEC(".maps");

/* Bumped after every rename and unlink on the machine, and at every mount change. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sx_names_gen SEC(".maps");

/* The identity the exec maps use: the kernel's dev_t (major << 20 | minor) and inode number. */
static __always_inline struct sx_exec_key lsm_file_key(struct file *f)
{
	struct inode *ino = BPF_CORE_READ(f, f_inode);
	struct sx_exec_key k = { .dev = BPF_CORE_READ(ino, i_sb, s_dev),
				 .ino = BPF_CORE_READ(ino, i_ino) };

	return k;
}

#endif
