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
#include <linux/bpf.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "sevorix/abi.h"
#include "common.bpf.h"
#include "net.bpf.h"
#include "sock.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define EPERM 1

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
	__builtin_memcpy(k.addr, addr, 16); /* an IPv4 address is followed by zeros */
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
	if (!e && d.verdict == SX_V_ALLOW && learning())
		e = sx_decision_new(kind, SX_V_ALLOW, SX_LAYER_CGROUP_BPF, SX_SEC_NETWORK, d.rule_id);
	if (e) {
		e->approved = ok;
		e->family = family;
		e->sock_type = ctx->type;
		e->port = port;
		__builtin_memcpy(e->addr, addr, 16); /* an IPv4 address is followed by zeros */
		sx_submit(e);
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

/* Judged allowed: kept with the socket for the egress check (sock.bpf.h). */
static __always_inline int allowed(struct bpf_sock_addr *ctx, __u8 kind, __u8 family,
				   const __u32 *w, __u16 port)
{
	return remember(ctx, kind, family, w, port);
}

/*
 * A datagram with no destination on a connected UDP socket reaches the
 * sendmsg programs only when it carries control messages (IP_TOS, as QUIC
 * stacks send them): the kernel then hands over an empty address (port 0
 * comes no other way: a datagram to port 0 is EINVAL before any program).
 * It goes to the socket's peer, like every datagram the socket sends
 * without control messages, which no program sees: its connect was
 * judged, and the egress check holds its packets to that peer
 * (sock.bpf.h). Judging it again would deny what a one-shot approval, or
 * an address learnt since expired, let connect.
 */
static __always_inline int to_peer(__u8 kind, __u16 port)
{
	return kind == SX_EV_SENDMSG && port == 0;
}

/*
 * Judges a destination, named as judged (IPv4-mapped as IPv4, 0.0.0.0 as
 * 127.0.0.1, :: as ::1), logs it and keeps an allowed one with its socket.
 */
static __always_inline int judge(struct bpf_sock_addr *ctx, __u8 kind, const struct sx_netcfg *c,
				 __u8 family, __u32 *w, __u16 port, int redirected)
{
	struct decision d;

	/* a lookup sent to the resolver, or a query to it: the resolver decides the name */
	if (redirected || is_resolver(c, family, w, port))
		return allowed(ctx, kind, family, w, port);
	d = named(c, family == AF_INET ? decide4(w[0], port) : decide6(w, port), family, w, port);
	return report(ctx, d, kind, family, w, port) && allowed(ctx, kind, family, w, port);
}

static __always_inline int judge4(struct bpf_sock_addr *ctx, __u8 kind)
{
	const struct sx_netcfg *c = netcfg();
	int redirected = redirect4(ctx, c);
	__u32 w[4] = { ctx->user_ip4 };
	__u16 port = bpf_ntohs((__u16)ctx->user_port);

	if (redirected < 0)
		return 0;
	if (to_peer(kind, port))
		return 1;
	if (w[0] == 0)
		w[0] = bpf_htonl(0x7f000001);
	return judge(ctx, kind, c, AF_INET, w, port, redirected);
}

static __always_inline int judge6(struct bpf_sock_addr *ctx, __u8 kind)
{
	const struct sx_netcfg *c = netcfg();
	int redirected = redirect6(ctx, c);
	__u32 w[4] = { ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2], ctx->user_ip6[3] };
	__u16 port = bpf_ntohs((__u16)ctx->user_port);
	__u8 family = AF_INET6;

	if (redirected < 0)
		return 0;
	if (to_peer(kind, port))
		return 1;
	/* the decision, the event, the approval and the record name it as judged */
	if (w[0] == 0 && w[1] == 0 && w[2] == bpf_htonl(0xffff)) {
		w[0] = w[3] ? w[3] : bpf_htonl(0x7f000001);
		w[1] = w[2] = w[3] = 0;
		family = AF_INET;
	} else if (!(w[0] | w[1] | w[2] | w[3])) {
		w[3] = bpf_htonl(1);
	}
	return judge(ctx, kind, c, family, w, port, redirected);
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

/*
 * An event written from a packet's path (cgroup_skb). Packets may come and
 * go in softirq context (a retransmission, a connection arriving), so who
 * it is about comes from the socket's record, not from the current task.
 */
static __always_inline void skb_event(struct __sk_buff *skb, __u8 kind, struct decision d,
				      __u8 section, const struct sx_sock *s,
				      const struct sx_dest *dst, int why, int enforced)
{
	__u32 zero = 0;
	struct sx_obs_event *o = bpf_map_lookup_elem(&sx_scratch, &zero);
	struct sx_event *e;

	sx_count_decision(SX_LAYER_CGROUP_BPF, d.verdict); /* the summary's reconciliation */
	if (!o) {
		sx_quiet_add(SX_LAYER_CGROUP_BPF, kind, section, d.verdict, d.rule_id);
		return;
	}
	/* filled here, not by sx_record_new(), which asks for the current task: 6.1
	 * refuses those helpers in a cgroup_skb program, and in softirq the task is
	 * not the sender anyway */
	e = &o->e;
	__builtin_memset(e, 0, offsetof(struct sx_event, data));
	__builtin_memset(e->data, 0, sizeof(e->data));
	e->ts_boot_ns = bpf_ktime_get_boot_ns();
	e->uid = bpf_get_socket_uid(skb);
	e->kind = kind;
	e->verdict = d.verdict;
	e->layer = SX_LAYER_CGROUP_BPF;
	e->enforced = enforced;
	e->rule_id = d.rule_id;
	e->section = section;
	e->exit_code = why;
	e->family = dst->family;
	e->sock_type = dst->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	e->port = dst->port;
	__builtin_memcpy(e->addr, dst->addr, 16);
	if (s) {
		e->pid = e->tid = s->tgid;
		__builtin_memcpy(e->comm, s->comm, sizeof(e->comm));
	}
	sx_submit(e);
}

/*
 * Every packet of the run on its way out (sock.bpf.h says what is
 * checked and why). Returns 1 to send it, 0 to drop it: the sender gets
 * EPERM (a datagram), or the packet is lost (a TCP segment).
 */
SEC("cgroup_skb/egress")
int sevorix_egress(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct sx_sock *s = NULL;
	struct sx_dest d = {};
	int own, why, audit;
	__u32 sport = 0;

	if (sk)
		sk = bpf_sk_fullsock(sk);
	if (sk) {
		s = bpf_sk_storage_get(&sx_sock, sk, 0, 0);
		sport = sk->src_port;
	}
	why = packet_dest(skb, sport, &d, &own);
	/* never judged here (accepted, from before the run, a listener answering a
	 * connection, a socket only bound), or not the socket's own datagram */
	if (!why && (!s || !own || !(s->conn.family | s->dgram[0].family)))
		return 1;
	if (!why) {
		if (same_dest(&s->conn, &d))
			return 1;
		for (int i = 0; i < SX_DGRAM_SLOTS; i++)
			if (same_dest(&s->dgram[i], &d))
				return 1;
		why = SX_PKT_NOT_JUDGED;
	}
	audit = audit_mode();
	sx_count(SX_STAT_DENY);
	skb_event(skb, SX_EV_PACKET, (struct decision){ SX_V_DENY, SX_RULE_DEFAULT },
		  SX_SEC_HARDENING, s, &d, why, !audit);
	return audit;
}

/*
 * network.bind: the local addresses the agent may bind (abi.h layout, as
 * sx_net4/6; without network.bind the programs are not attached). A
 * wildcard address (0.0.0.0, ::) is judged as it is: it is every address.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__type(key, struct sx_lpm4_key);
	__type(value, struct sx_net_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sx_bind4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__type(key, struct sx_lpm6_key);
	__type(value, struct sx_net_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sx_bind6 SEC(".maps");

static __always_inline struct decision bind_decide(__u8 family, const __u32 *w, __u16 port)
{
	struct decision deny = { SX_V_DENY, SX_RULE_DEFAULT };
	struct sx_lpm6_key k6 = { .prefixlen = 128 };
	struct sx_lpm4_key k4 = { .prefixlen = 32 };
	struct sx_net_value *v;

	if (family == AF_INET) {
		__builtin_memcpy(k4.addr, w, 4);
		v = bpf_map_lookup_elem(&sx_bind4, &k4);
	} else {
		__builtin_memcpy(k6.addr, w, 16);
		v = bpf_map_lookup_elem(&sx_bind6, &k6);
	}
	if (!v)
		return deny; /* fail closed: the /0 entry is always present */
	return match_ports(v, port);
}

/* Keeps a bind's verdict with its socket: 1 allowed, 2 refused. Returns 0 when it cannot. */
static __always_inline int keep_bound(struct bpf_sock *sk, int allow)
{
	struct sx_sock *s = bpf_sk_storage_get(&sx_sock, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);

	if (!s)
		return 0;
	s->bound = allow ? 1 : 2;
	return 1;
}

/* Judges a bind(2), logs it, keeps the verdict with its socket; returns the answer. */
static __always_inline int judge_bind(struct bpf_sock_addr *ctx, __u8 family, __u32 *w,
				      __u16 port)
{
	struct decision d = bind_decide(family, w, port);
	struct bpf_sock *sk = ctx->sk;
	struct sx_event *e;
	int allow;

	e = sx_decided(d, SX_EV_BIND, &allow);
	if (e) {
		e->family = family;
		e->sock_type = ctx->type;
		e->port = port;
		__builtin_memcpy(e->addr, w, 16);
		sx_submit(e);
	}
	/* fail closed: a bind whose verdict cannot be kept would be judged again at its
	 * first connection; refused now instead */
	return sk && keep_bound(sk, allow) && allow;
}

SEC("cgroup/bind4")
int sevorix_bind4(struct bpf_sock_addr *ctx)
{
	const struct sx_netcfg *c = netcfg();
	__u32 w[4] = { ctx->user_ip4 };

	if (!c || !c->bind)
		return 1;
	return judge_bind(ctx, AF_INET, w, bpf_ntohs((__u16)ctx->user_port));
}

SEC("cgroup/bind6")
int sevorix_bind6(struct bpf_sock_addr *ctx)
{
	const struct sx_netcfg *c = netcfg();
	__u32 w[4] = { ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2], ctx->user_ip6[3] };
	__u8 family = AF_INET6;

	if (!c || !c->bind)
		return 1;
	if (w[0] == 0 && w[1] == 0 && w[2] == bpf_htonl(0xffff)) {
		w[0] = w[3];
		w[1] = w[2] = w[3] = 0;
		family = AF_INET;
	}
	return judge_bind(ctx, family, w, bpf_ntohs((__u16)ctx->user_port));
}

/*
 * A connection arriving at a listener of the run. A listener that got its
 * address through bind(2) was judged then; one that did not (listen()
 * alone picks a port; a socket of a tree attached while it ran) is judged
 * here, at its first connection, on the address it has. A refused one
 * drops every connection: the connecting side times out.
 */
SEC("cgroup_skb/ingress")
int sevorix_ingress(struct __sk_buff *skb)
{
	const struct sx_netcfg *c = netcfg();
	struct bpf_sock *sk = skb->sk;
	struct sx_dest d = { .proto = IPPROTO_TCP };
	struct decision v;
	struct sx_sock *s;
	int audit;

	if (!c || !c->bind || !sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk || sk->state != BPF_TCP_LISTEN)
		return 1;
	s = bpf_sk_storage_get(&sx_sock, sk, 0, 0);
	audit = audit_mode();
	if (s && s->bound)
		return s->bound == 1 || audit;
	d.family = sk->family == AF_INET6 ? AF_INET6 : AF_INET;
	d.port = (__u16)sk->src_port;
	/* one read per field, never one through a pointer chosen between them:
	 * the verifier refuses arithmetic on a socket's pointer */
	if (d.family == AF_INET6) {
		d.addr[0] = sk->src_ip6[0];
		d.addr[1] = sk->src_ip6[1];
		d.addr[2] = sk->src_ip6[2];
		d.addr[3] = sk->src_ip6[3];
	} else {
		d.addr[0] = sk->src_ip4;
	}
	v = bind_decide(d.family, d.addr, d.port);
	sx_count(v.verdict == SX_V_ALLOW ? SX_STAT_ALLOW : SX_STAT_DENY);
	skb_event(skb, SX_EV_BIND, v, SX_SEC_NETWORK, s, &d, 0, !audit);
	/* fail closed: without a place for the verdict, every connection is judged */
	keep_bound(sk, v.verdict == SX_V_ALLOW);
	return v.verdict == SX_V_ALLOW || audit;
}
