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
#include "net.bpf.h"

char LICENSE[] SEC("license") = "GPL";

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
