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

/*
 * A review-class connect goes through only with the jury's one-shot
 * approval for this thread group and exactly this destination; the
 * approval is consumed. Datagrams are never held, so never approved.
 */
static __always_inline int approved(__u8 kind, __u8 family, const void *addr, __u16 port)
{
	struct sx_net_approval k = { .tgid = bpf_get_current_pid_tgid() >> 32, .port = port,
				     .family = family };

	if (kind != SX_EV_CONNECT)
		return 0;
	__builtin_memcpy(k.addr, addr, family == AF_INET ? 4 : 16);
	if (!bpf_map_lookup_elem(&sx_net_approved, &k))
		return 0;
	bpf_map_delete_elem(&sx_net_approved, &k);
	return 1;
}

/*
 * run --learn: each allowed destination is logged (to the allowed events'
 * ring), not only the first of a process per rule. Asked only of an allow
 * sx_decided() did not log, so a run without --learn pays nothing new there.
 */
static __always_inline int learning(void)
{
	__u32 zero = 0;
	struct sx_config *c = bpf_map_lookup_elem(&sx_config, &zero);

	return c && c->learn;
}

static __always_inline int report(struct bpf_sock_addr *ctx, struct decision d, __u8 kind,
				  __u8 family, const void *addr, __u16 port)
{
	int allow, ok = d.verdict == SX_V_REVIEW && approved(kind, family, addr, port);
	struct sx_event *e;

	if (ok)
		d.verdict = SX_V_ALLOW;
	e = sx_decided(d, kind, &allow);
	if (!e && d.verdict == SX_V_ALLOW && learning())
		e = sx_decision_new(kind, SX_V_ALLOW, SX_LAYER_CGROUP_BPF, SX_SEC_NETWORK, d.rule_id);
	if (e) {
		e->approved = ok;
		e->family = family;
		e->sock_type = ctx->type;
		e->port = port;
		__builtin_memcpy(e->addr, addr, family == AF_INET ? 4 : 16);
		sx_submit(e);
	}
	return allow;
}

static __always_inline int judge4(struct bpf_sock_addr *ctx, __u8 kind)
{
	__u32 ip = ctx->user_ip4;
	__u16 port = bpf_ntohs((__u16)ctx->user_port);
	struct decision d = decide4(ip, port);

	if (ip == 0)
		ip = bpf_htonl(0x7f000001);
	return report(ctx, d, kind, AF_INET, &ip, port);
}

static __always_inline int judge6(struct bpf_sock_addr *ctx, __u8 kind)
{
	__u32 w[4] = { ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2], ctx->user_ip6[3] };
	__u16 port = bpf_ntohs((__u16)ctx->user_port);
	struct decision d = decide6(w, port);

	/* the event and any approval name the destination as it was judged */
	if (w[0] == 0 && w[1] == 0 && w[2] == bpf_htonl(0xffff)) {
		__u32 ip = w[3] ? w[3] : bpf_htonl(0x7f000001);

		return report(ctx, d, kind, AF_INET, &ip, port);
	}
	return report(ctx, d, kind, AF_INET6, w, port);
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
