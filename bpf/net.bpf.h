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

/* A decision as a global function returns it: verdict, rule id << 8. */
static __always_inline struct decision sx_unpack(int r)
{
	struct decision d = { .verdict = r & 0xff, .rule_id = r >> 8 };

	return d;
}

/* the walks below bound their index with a mask: a wrong one would pick another rule */
_Static_assert((SX_NET_MAX_ENTRIES & (SX_NET_MAX_ENTRIES - 1)) == 0, "a power of two");
_Static_assert((SX_HOST_PORTS & (SX_HOST_PORTS - 1)) == 0, "a power of two");

/* The walk of sx_match_ports(), one bpf_loop step per entry. */
struct sx_port_walk {
	const struct sx_net_value *v;
	__u16 port;
	int r;
};

static long sx_port_step(__u32 i, struct sx_port_walk *w)
{
	const struct sx_net_value *v = w->v;
	const struct sx_net_entry *e;

	if (!v || i >= v->n)
		return 1;
	/* the mask is the bound the verifier follows: i < SX_NET_MAX_ENTRIES */
	asm volatile("" : "+r"(i));
	e = &v->e[i & (SX_NET_MAX_ENTRIES - 1)];
	if (w->port >= e->port_lo && w->port <= e->port_hi) {
		w->r = e->action | (__u32)e->rule_id << 8;
		return 1;
	}
	return 0;
}

/*
 * First entry of v whose port range holds port, packed (sx_unpack());
 * none at all means broken maps. Global (common.bpf.h); the walk over at
 * most SX_NET_MAX_ENTRIES entries runs one bpf_loop step per entry, so the
 * verifier checks a step once.
 */
SX_GLOBAL int sx_match_ports(const struct sx_net_value *v, __u32 port)
{
	struct sx_port_walk w = { .v = v, .port = port,
				  .r = SX_V_DENY | SX_RULE_DEFAULT << 8 }; /* fail closed */

	if (v)
		bpf_loop(SX_NET_MAX_ENTRIES, sx_port_step, &w, 0);
	return w.r;
}

static __always_inline struct decision match_ports(const struct sx_net_value *v, __u16 port)
{
	return sx_unpack(sx_match_ports(v, port));
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

/* The walk over one host rule's ports in sx_learnt_rule(), one bpf_loop step each. */
struct sx_hostport_walk {
	const struct sx_host_ports *hp;
	__u16 port;
	int found;
};

static long sx_hostport_step(__u32 j, struct sx_hostport_walk *w)
{
	const struct sx_host_ports *hp = w->hp;

	if (!hp || j >= hp->n)
		return 1;
	/* the mask is the bound the verifier follows: j < SX_HOST_PORTS */
	asm volatile("" : "+r"(j));
	j &= SX_HOST_PORTS - 1;
	if (w->port >= hp->r[j].lo && w->port <= hp->r[j].hi) {
		w->found = 1;
		return 1;
	}
	return 0;
}

/*
 * The first host rule that an unexpired address learnt for an allowed
 * name (k) holds and whose ports hold port: its rule id, or -1. Global
 * (common.bpf.h): its walk is checked once per program.
 */
SX_GLOBAL int sx_learnt_rule(const struct sx_learnt_key *k, __u32 port)
{
	struct sx_learnt_key key;
	struct sx_learnt_value *v;
	__u64 now;

	if (!k)
		return -1;
	key = *k; /* 6.1 takes a map's key only from the stack or a map, not from an argument */
	v = bpf_map_lookup_elem(&sx_learnt, &key);
	if (!v)
		return -1;
	now = bpf_ktime_get_boot_ns();
	for (int i = 0; i < SX_LEARNT_SLOTS; i++) {
		__u32 id = v->s[i].rule_id;
		struct sx_hostport_walk w = { .port = port };

		if (v->s[i].expires_ns <= now)
			continue; /* empty, or expired: judged as if never learnt */
		w.hp = bpf_map_lookup_elem(&sx_host_ports, &id);
		if (!w.hp)
			continue;
		bpf_loop(SX_HOST_PORTS, sx_hostport_step, &w, 0);
		if (w.found)
			return id & 0xffff;
	}
	return -1;
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
	int id;

	if (d.verdict == SX_V_ALLOW || (d.verdict == SX_V_DENY && d.rule_id != SX_RULE_DEFAULT))
		return d;
	__builtin_memcpy(k.addr, w, 16); /* an IPv4 address is followed by zeros */
	id = sx_learnt_rule(&k, port);
	if (id >= 0) {
		d.verdict = SX_V_ALLOW;
		d.rule_id = id;
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
