// SPDX-License-Identifier: GPL-2.0-only
/*
 * A prototype of "load once, attach many" for the cgroup network layer
 * (docs/perf.md), used only by bench/loadonce_bench.c. One set of
 * programs, verified once and pinned, serves every run. Two ways to keep
 * each run's rules: "mim", an inner LPM trie per run in sx_runs (a hash
 * of maps keyed by the id of the run's cgroup), and "flat", one LPM trie
 * for all runs whose keys start with the cgroup id, beside a hash of the
 * protected cgroup ids. Changing a hash of maps waits for an RCU grace
 * period in the kernel (milliseconds); the flat maps do not.
 * A program finds the rules by walking the ancestors of the calling
 * task's cgroup, from the root down, so a process in a cgroup below a
 * run's is judged by that run too; every protected ancestor must allow
 * (as every program attached to a cgroup and its ancestors must now).
 *
 * It includes the uapi header, not vmlinux.h: a program that reads only
 * its context needs no CO-RE, and then libbpf does not parse the
 * kernel's BTF when it loads the object.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define MAX_LEVELS 8 /* cgroup depth walked; a run's cgroup is at depth 2 or 3 */

struct lpm4_key {
	__u32 prefixlen;
	__u32 addr;
};

struct rules4 {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct lpm4_key));
	__uint(value_size, sizeof(__u32)); /* 1 allow, 0 deny */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 4096);
	__type(key, __u64); /* cgroup id */
	__array(values, struct rules4);
} sx_runs SEC(".maps");

/* The same rules in flat maps: the run's cgroup id leads every key. */
struct flat4_key {
	__u32 prefixlen; /* 64 (the cgroup id) + the address prefix */
	__u8 data[12];	 /* cgroup id (host order), then the IPv4 address */
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct flat4_key));
	__uint(value_size, sizeof(__u32));
} sx_rules4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);   /* cgroup id of a protected run */
	__type(value, __u32); /* its configuration (here: 1) */
} sx_protected SEC(".maps");

/*
 * 1 when every protected ancestor of the task's cgroup allows ip (network
 * order). The programs are attached only to protected cgroups, so finding
 * no rules at all means a run's rules are gone while its links are not:
 * denied (fail closed).
 */
static __always_inline int judge_mim(__u32 ip)
{
	struct lpm4_key k = { .prefixlen = 32, .addr = ip };
	int found = 0;

	for (int lvl = 1; lvl <= MAX_LEVELS; lvl++) {
		__u64 id = bpf_get_current_ancestor_cgroup_id(lvl);
		void *rules;
		__u32 *v;

		if (!id)
			break; /* past the task's own cgroup */
		rules = bpf_map_lookup_elem(&sx_runs, &id);
		if (!rules)
			continue;
		v = bpf_map_lookup_elem(rules, &k);
		if (!v || !*v)
			return 0; /* fail closed: no rule matched, not even a default */
		found = 1;
	}
	return found;
}

static __always_inline int judge_flat(__u32 ip)
{
	struct flat4_key k = { .prefixlen = 96 };
	int found = 0;

	__builtin_memcpy(k.data + 8, &ip, 4);
	for (int lvl = 1; lvl <= MAX_LEVELS; lvl++) {
		__u64 id = bpf_get_current_ancestor_cgroup_id(lvl);
		__u32 *v;

		if (!id)
			break;
		if (!bpf_map_lookup_elem(&sx_protected, &id))
			continue;
		__builtin_memcpy(k.data, &id, 8);
		v = bpf_map_lookup_elem(&sx_rules4, &k);
		if (!v || !*v)
			return 0; /* fail closed, as above */
		found = 1;
	}
	return found;
}

#define PROGS(kind, judge)                                           \
	SEC("cgroup/connect4")                                       \
	int kind##_connect4(struct bpf_sock_addr *ctx)               \
	{                                                            \
		return judge(ctx->user_ip4);                         \
	}                                                            \
	SEC("cgroup/sendmsg4")                                       \
	int kind##_sendmsg4(struct bpf_sock_addr *ctx)               \
	{                                                            \
		return judge(ctx->user_ip4);                         \
	}                                                            \
	/* v6: the v4-mapped part only, enough to attach and time */ \
	SEC("cgroup/connect6")                                       \
	int kind##_connect6(struct bpf_sock_addr *ctx)               \
	{                                                            \
		return judge(ctx->user_ip6[3]);                      \
	}                                                            \
	SEC("cgroup/sendmsg6")                                       \
	int kind##_sendmsg6(struct bpf_sock_addr *ctx)               \
	{                                                            \
		return judge(ctx->user_ip6[3]);                      \
	}

PROGS(mim, judge_mim)
PROGS(flat, judge_flat)
