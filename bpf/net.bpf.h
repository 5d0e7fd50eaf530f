/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The network rule tries and their matcher (abi.h explains the layout),
 * shared by the cgroup programs (net.bpf.c) and the BPF LSM hooks
 * (bpf/lsm/), which judge the same destinations from the same maps: the
 * cidr tries, then the addresses learnt for allowed names (docs/dns.md),
 * with the run's resolver as one more allowed destination.
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

/* The run's network settings (struct sx_netcfg), written before the programs attach. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sx_netcfg);
} sx_netcfg SEC(".maps") __weak;

/* Addresses learnt for allowed names, written by the run's resolver (abi.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct sx_learnt_key);
	__type(value, struct sx_learnt_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sx_learnt SEC(".maps") __weak;

/* The ports of each host rule, by rule id. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SX_RULE_SLOTS);
	__type(key, __u32);
	__type(value, struct sx_host_ports);
} sx_host_ports SEC(".maps") __weak;

static __always_inline const struct sx_netcfg *netcfg(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&sx_netcfg, &zero);
}

/* True for the run's resolver itself (any address when the resolver is off: never). */
static __always_inline int is_resolver(const struct sx_netcfg *c, __u8 family, const __u32 *w,
				       __u16 port)
{
	__u32 r[4];

	if (!c || !c->dns)
		return 0;
	if (family == AF_INET)
		return port == c->dns_port && w[0] == c->dns_ip4;
	__builtin_memcpy(r, c->dns_ip6, 16);
	return c->dns_has_ip6 && port == c->dns_port6 && w[0] == r[0] && w[1] == r[1] &&
	       w[2] == r[2] && w[3] == r[3];
}

/*
 * An address learnt for an allowed name lets a port of its host rule
 * through until it expires. A trie decision that allows stands as it is,
 * and so does a deny *rule*: metadata endpoints and every range the
 * policy denies stay denied whatever a name resolves to. w: IPv4 in w[0].
 */
static __always_inline struct decision learnt(struct decision d, __u8 family, const __u32 *w,
					      __u16 port)
{
	struct sx_learnt_key k = { .family = family };
	struct sx_learnt_value *v;
	__u64 now;

	if (d.verdict == SX_V_ALLOW || (d.verdict == SX_V_DENY && d.rule_id != SX_RULE_DEFAULT))
		return d;
	__builtin_memcpy(k.addr, w, 16); /* an IPv4 address is followed by zeros */
	v = bpf_map_lookup_elem(&sx_learnt, &k);
	if (!v)
		return d;
	now = bpf_ktime_get_boot_ns();
	for (int i = 0; i < SX_LEARNT_SLOTS; i++) {
		__u32 id = v->s[i].rule_id;
		struct sx_host_ports *hp;

		if (v->s[i].expires_ns <= now)
			continue; /* empty, or expired: judged as if never learnt */
		hp = bpf_map_lookup_elem(&sx_host_ports, &id);
		if (!hp)
			continue;
		for (int j = 0; j < SX_HOST_PORTS; j++) {
			if (j >= hp->n)
				break;
			if (port >= hp->r[j].lo && port <= hp->r[j].hi) {
				d.verdict = SX_V_ALLOW;
				d.rule_id = id;
				return d;
			}
		}
	}
	return d;
}

/*
 * A trie decision d with the names of docs/dns.md: the learnt addresses
 * after the trie (c may be NULL). family and w as judged (IPv4-mapped as
 * IPv4 in w[0], 0.0.0.0 as 127.0.0.1, :: as ::1). One call site per
 * program: learnt()'s loops cost the verifier per copy.
 */
static __always_inline struct decision named(const struct sx_netcfg *c, struct decision d,
					     __u8 family, const __u32 *w, __u16 port)
{
	if (d.verdict == SX_V_ALLOW || !c || !c->dns)
		return d;
	return learnt(d, family, w, port);
}

#endif
