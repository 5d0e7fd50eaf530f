// SPDX-License-Identifier: GPL-2.0-only
/*
 * K2, the cgroup network layer: connect4/6 and sendmsg4/6 programs attached
 * to one run's cgroup. Each destination is judged on the sockaddr the
 * kernel copied from the agent (so it cannot change after the check) by
 * one longest-prefix lookup and a walk over at most SX_NET_MAX_ENTRIES port
 * ranges (abi.h explains the layout). Returning 0 makes the system call
 * fail with EPERM before any packet is built.
 *
 * Allowed destinations are the hot path: the first allow of each process
 * per rule is logged, later ones only counted, so an allowed connect costs
 * two map lookups and no ring-buffer traffic. Denials are always logged.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "sevorix/abi.h"
#include "common.bpf.h"

#define AF_INET 2
#define AF_INET6 10

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__type(key, struct sx_lpm4_key);
	__type(value, struct sx_net_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sx_net4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__type(key, struct sx_lpm6_key);
	__type(value, struct sx_net_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sx_net6 SEC(".maps");

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

static __always_inline int report(struct bpf_sock_addr *ctx, struct decision d, __u8 kind,
				  __u8 family, const void *addr, __u16 port)
{
	int allow;
	struct sx_event *e = sx_decided(d, kind, &allow);

	if (e) {
		e->family = family;
		e->sock_type = ctx->type;
		e->port = port;
		__builtin_memcpy(e->addr, addr, family == AF_INET ? 4 : 16);
		bpf_ringbuf_submit(e, 0);
	}
	return allow;
}

static __always_inline int judge4(struct bpf_sock_addr *ctx, __u8 kind)
{
	__u32 ip = ctx->user_ip4;
	__u16 port = bpf_ntohs((__u16)ctx->user_port);

	return report(ctx, decide4(ip, port), kind, AF_INET, &ip, port);
}

static __always_inline int judge6(struct bpf_sock_addr *ctx, __u8 kind)
{
	__u32 w[4] = { ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2], ctx->user_ip6[3] };
	__u16 port = bpf_ntohs((__u16)ctx->user_port);
	__u32 orig[4] = { w[0], w[1], w[2], w[3] };

	return report(ctx, decide6(w, port), kind, AF_INET6, orig, port);
}

SEC("cgroup/connect4")
int sevorix_connect4(struct bpf_sock_addr *ctx)
{
	return judge4(ctx, SX_EV_CONNECT);
}

SEC("cgroup/connect6")
int sevorix_connect6(struct bpf_sock_addr *ctx)
{
	return judge6(ctx, SX_EV_CONNECT);
}

SEC("cgroup/sendmsg4")
int sevorix_sendmsg4(struct bpf_sock_addr *ctx)
{
	return judge4(ctx, SX_EV_SENDMSG);
}

SEC("cgroup/sendmsg6")
int sevorix_sendmsg6(struct bpf_sock_addr *ctx)
{
	return judge6(ctx, SX_EV_SENDMSG);
}
