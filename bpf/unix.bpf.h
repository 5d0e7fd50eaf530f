/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The UNIX socket path trie (abi.h) and the reading of a path into its
 * lookup key, shared by the cgroup UNIX programs (unix.bpf.c) and the BPF
 * LSM layer (bpf/lsm/).
 */
#ifndef SEVORIX_UNIX_BPF_H
#define SEVORIX_UNIX_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__type(key, struct sx_unix_key);
	__type(value, struct sx_unix_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sx_unix SEC(".maps") __weak;

/*
 * Copies a kernel sun_path of len bytes into key, zero-padded after its
 * end (the first NUL or len), as a whole-path lookup. Returns 0 or -1.
 */
static __always_inline int sx_unix_key_read(struct sx_unix_key *key, const void *sun_path,
					    __u32 len)
{
	__u64 ended = 0;

	if (bpf_probe_read_kernel(key->path, sizeof(key->path), sun_path))
		return -1;
	/* without a branch, so that the verifier follows one path, not one per
	 * byte: ended turns 1 at i == len or at the first NUL (the sign bit of
	 * len - i - 1, of c - 1), and every byte from there on is masked to 0 */
	for (__u32 i = 0; i < SX_UNIX_PATH_MAX; i++) {
		__u64 c = (__u8)key->path[i];

		ended |= (__u64)((__s64)len - i - 1) >> 63 | (c - 1) >> 63;
		key->path[i] = c & (ended - 1);
	}
	key->prefixlen = SX_UNIX_PATH_MAX * 8;
	return 0;
}

#endif
