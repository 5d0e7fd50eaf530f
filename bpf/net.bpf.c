// SPDX-License-Identifier: GPL-2.0-only
/*
 * K2, the cgroup network layer: connect4/6 and sendmsg4/6 programs attached
 * to one run's cgroup. Each destination is judged on the sockaddr the
 * kernel copied from the agent (so it cannot change after the check) by
 * one longest-prefix lookup and a walk over at most SX_NET_MAX_ENTRIES port
 * ranges (abi.h explains the layout), then, when the policy names hosts,
 * the addresses learnt for allowed names (net.bpf.h). Returning 0 makes the
 * system call fail with EPERM before any packet is built.
 *
 * DNS (docs/dns.md): when the policy names hosts, a destination on port 53
 * is rewritten to the run's resolver before anything is judged, so a
 * lookup sent anywhere reaches the resolver and nothing else; recvmsg4/6
 * and getpeername4/6 rewrite the resolver's address back to the one the
 * program asked, as Cilium's socket load balancing does for services.
 * The redirect is in the same program as the decision: every program of a
 * cgroup runs and a denial by any is final, so a redirect in a program of
 * its own would depend on the order of attachment.
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

#define SOCK_STREAM 1
#define SOCK_DGRAM 2

/* The destination a redirected socket named, network byte order. */
struct sx_dns_orig {
	__u32 addr[4];		/* IPv4 in addr[0] (an IPv4 socket), else the IPv6 address */
	__u32 port;
};

/* By socket cookie; an LRU, as sockets are never seen closing here. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct sx_dns_orig);
} sx_dns_orig SEC(".maps");

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

static __always_inline int report(struct bpf_sock_addr *ctx, struct decision d, __u8 kind,
				  __u8 family, const void *addr, __u16 port)
{
	int allow, ok = d.verdict == SX_V_REVIEW && approved(kind, family, addr, port);
	struct sx_event *e;

	if (ok)
		d.verdict = SX_V_ALLOW;
	e = sx_decided(d, kind, &allow);
	if (e) {
		e->approved = ok;
		e->family = family;
		e->sock_type = ctx->type;
		e->port = port;
		__builtin_memcpy(e->addr, addr, family == AF_INET ? 4 : 16);
		bpf_ringbuf_submit(e, 0);
	}
	return allow;
}

/*
 * A lookup (port 53 over TCP or UDP, any address) goes to the run's
 * resolver. Returns 1 when redirected, 0 when not a lookup, -1 when the
 * original address cannot be kept for the answer (refused: fail closed).
 */
static __always_inline int redirect4(struct bpf_sock_addr *ctx, const struct sx_netcfg *c)
{
	struct sx_dns_orig o = { .addr = { ctx->user_ip4 }, .port = ctx->user_port };
	__u64 cookie;

	if (bpf_ntohs((__u16)ctx->user_port) != 53 || !c || !c->dns ||
	    (ctx->type != SOCK_STREAM && ctx->type != SOCK_DGRAM))
		return 0;
	cookie = bpf_get_socket_cookie(ctx);
	if (bpf_map_update_elem(&sx_dns_orig, &cookie, &o, BPF_ANY))
		return -1;
	ctx->user_ip4 = c->dns_ip4;
	ctx->user_port = bpf_htons(c->dns_port);
	return 1;
}

/* The same for IPv6: an IPv4-mapped address to the resolver's IPv4 address, mapped. */
static __always_inline int redirect6(struct bpf_sock_addr *ctx, const struct sx_netcfg *c)
{
	struct sx_dns_orig o = { .port = ctx->user_port };
	__u32 r[4] = { 0, 0, bpf_htonl(0xffff), 0 };
	__u16 port;
	__u64 cookie;

	if (bpf_ntohs((__u16)ctx->user_port) != 53 || !c || !c->dns ||
	    (ctx->type != SOCK_STREAM && ctx->type != SOCK_DGRAM))
		return 0;
	o.addr[0] = ctx->user_ip6[0];
	o.addr[1] = ctx->user_ip6[1];
	o.addr[2] = ctx->user_ip6[2];
	o.addr[3] = ctx->user_ip6[3];
	cookie = bpf_get_socket_cookie(ctx);
	if (bpf_map_update_elem(&sx_dns_orig, &cookie, &o, BPF_ANY))
		return -1;
	r[3] = c->dns_ip4;
	port = c->dns_port;
	/* a native IPv6 lookup to the resolver's ::1, when it has one (an IPv6-only
	 * socket cannot reach the mapped address: the lookup fails, nothing leaks) */
	if (c->dns_has_ip6 && !(o.addr[0] == 0 && o.addr[1] == 0 && o.addr[2] == bpf_htonl(0xffff))) {
		__builtin_memcpy(r, c->dns_ip6, 16);
		port = c->dns_port6;
	}
	ctx->user_ip6[0] = r[0];
	ctx->user_ip6[1] = r[1];
	ctx->user_ip6[2] = r[2];
	ctx->user_ip6[3] = r[3];
	ctx->user_port = bpf_htons(port);
	return 1;
}

static __always_inline int judge4(struct bpf_sock_addr *ctx, __u8 kind)
{
	const struct sx_netcfg *c = netcfg();
	int redirected = redirect4(ctx, c);
	__u32 ip = ctx->user_ip4;
	__u16 port = bpf_ntohs((__u16)ctx->user_port);
	struct decision d;

	if (redirected)
		return redirected > 0; /* the resolver decides the name */
	if (ip == 0)
		ip = bpf_htonl(0x7f000001);
	if (is_resolver(c, AF_INET, &ip, port))
		return 1;
	d = decide4_named(c, ip, port);
	return report(ctx, d, kind, AF_INET, &ip, port);
}

static __always_inline int judge6(struct bpf_sock_addr *ctx, __u8 kind)
{
	const struct sx_netcfg *c = netcfg();
	int redirected = redirect6(ctx, c);
	__u32 w[4] = { ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2], ctx->user_ip6[3] };
	__u16 port = bpf_ntohs((__u16)ctx->user_port);
	struct decision d;

	if (redirected)
		return redirected > 0;
	d = decide6_named(c, w, port);
	/* the event and any approval name the destination as it was judged */
	if (w[0] == 0 && w[1] == 0 && w[2] == bpf_htonl(0xffff)) {
		__u32 ip = w[3] ? w[3] : bpf_htonl(0x7f000001);

		if (is_resolver(c, AF_INET, &ip, port))
			return 1;
		return report(ctx, d, kind, AF_INET, &ip, port);
	}
	if (is_resolver(c, AF_INET6, w, port))
		return 1;
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

/*
 * An answer from the resolver to a redirected socket appears to come from
 * the address the program asked: glibc drops answers from any server that
 * is not in its resolv.conf. recvmsg and getpeername programs cannot
 * refuse anything; they only rewrite.
 */
static __always_inline void unredirect4(struct bpf_sock_addr *ctx)
{
	const struct sx_netcfg *c = netcfg();
	__u32 ip = ctx->user_ip4;
	struct sx_dns_orig *o;
	__u64 cookie;

	if (!is_resolver(c, AF_INET, &ip, bpf_ntohs((__u16)ctx->user_port)))
		return;
	cookie = bpf_get_socket_cookie(ctx);
	o = bpf_map_lookup_elem(&sx_dns_orig, &cookie);
	if (!o)
		return;
	ctx->user_ip4 = o->addr[0];
	ctx->user_port = o->port;
}

static __always_inline void unredirect6(struct bpf_sock_addr *ctx)
{
	const struct sx_netcfg *c = netcfg();
	__u32 w[4] = { ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2], ctx->user_ip6[3] };
	__u16 port = bpf_ntohs((__u16)ctx->user_port);
	struct sx_dns_orig *o;
	__u64 cookie;

	if (!(w[0] == 0 && w[1] == 0 && w[2] == bpf_htonl(0xffff) &&
	      is_resolver(c, AF_INET, &w[3], port)) &&
	    !is_resolver(c, AF_INET6, w, port))
		return;
	cookie = bpf_get_socket_cookie(ctx);
	o = bpf_map_lookup_elem(&sx_dns_orig, &cookie);
	if (!o)
		return;
	ctx->user_ip6[0] = o->addr[0];
	ctx->user_ip6[1] = o->addr[1];
	ctx->user_ip6[2] = o->addr[2];
	ctx->user_ip6[3] = o->addr[3];
	ctx->user_port = o->port;
}

SEC("cgroup/recvmsg4")
int sevorix_recvmsg4(struct bpf_sock_addr *ctx)
{
	unredirect4(ctx);
	return 1;
}

SEC("cgroup/recvmsg6")
int sevorix_recvmsg6(struct bpf_sock_addr *ctx)
{
	unredirect6(ctx);
	return 1;
}

SEC("cgroup/getpeername4")
int sevorix_getpeername4(struct bpf_sock_addr *ctx)
{
	unredirect4(ctx);
	return 1;
}

SEC("cgroup/getpeername6")
int sevorix_getpeername6(struct bpf_sock_addr *ctx)
{
	unredirect6(ctx);
	return 1;
}
