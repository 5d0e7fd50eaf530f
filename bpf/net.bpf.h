/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The network rule tries and their matcher (abi.h explains the layout),
 * shared by the cgroup programs (net.bpf.c) and the BPF LSM hooks
 * (bpf/lsm/), which judge the same destinations from the same maps.
 * Include after common.bpf.h.
 */
#ifndef SEVORIX_NET_BPF_H
#define SEVORIX_NET_BPF_H

#define AF_INET 2
#define AF_INET6 10

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__type(key, struct sx_lpm4_key);
	__type(value, struct sx_net_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sx_net4 SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__type(key, struct sx_lpm6_key);
	__type(value, struct sx_net_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sx_net6 SEC(".maps") __weak;

/* One-shot approvals of review-class connects (abi.h: struct sx_net_approval). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct sx_net_approval);
	__type(value, __u8);
} sx_net_approved SEC(".maps") __weak;

/* First entry whose port range holds port; none at all means broken maps. */
static __always_inline struct decision match_ports(const struct sx_net_value *v, __u16 port)
{
	struct decision d = { SX_V_DENY, SX_RULE_DEFAULT }; /* fail closed */

	for (int i = 0; i < SX_NET_MAX_ENTRIES; i++) {
		const struct sx_net_entry *e = &v->e[i];

		if (i >= v->n)
			break;
		if (port >= e->port_lo && port <= e->port_hi) {
			d.verdict = e->action;
			d.rule_id = e->rule_id;
			break;
		}
	}
	return d;
}

static __always_inline struct decision decide4(__u32 ip, __u16 port)
{
	struct sx_lpm4_key key = { .prefixlen = 32 };
	struct decision deny = { SX_V_DENY, SX_RULE_DEFAULT };
	struct sx_net_value *v;

	if (ip == 0) /* 0.0.0.0 reaches the loopback: judge it as 127.0.0.1 */
		ip = bpf_htonl(0x7f000001);
	__builtin_memcpy(key.addr, &ip, 4);
	v = bpf_map_lookup_elem(&sx_net4, &key);
	if (!v)
		return deny; /* fail closed: the /0 entry is always present */
	return match_ports(v, port);
}

static __always_inline struct decision decide6(__u32 w[4], __u16 port)
{
	struct sx_lpm6_key key = { .prefixlen = 128 };
	struct decision deny = { SX_V_DENY, SX_RULE_DEFAULT };
	struct sx_net_value *v;

	/* IPv4-mapped (::ffff:a.b.c.d) is judged as the IPv4 address it carries */
	if (w[0] == 0 && w[1] == 0 && w[2] == bpf_htonl(0xffff))
		return decide4(w[3], port);
	/* :: reaches the loopback: judge it as ::1 */
	if (w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0)
		w[3] = bpf_htonl(1);
	__builtin_memcpy(key.addr, w, 16);
	v = bpf_map_lookup_elem(&sx_net6, &key);
	if (!v)
		return deny; /* fail closed */
	return match_ports(v, port);
}

#endif
