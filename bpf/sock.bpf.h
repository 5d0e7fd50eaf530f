/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What each socket of a run was judged on, kept with the socket (socket
 * local storage), and the egress check that compares every packet with
 * it (bpf/net.bpf.c's cgroup_skb program).
 *
 * The connect and sendmsg programs judge the address a program names. A
 * routing header (IPv6, set with setsockopt(IPV6_RTHDR)) or IPv4 source
 * routing sends the packet to another host first, the one the header
 * names, while the socket was judged on the last: the packet goes where
 * no rule was asked. So the egress program looks at what really leaves:
 *  - an IPv4 packet with options, or an IPv6 packet with a routing header
 *    or extension headers it cannot walk, is dropped whoever sent it;
 *  - a TCP or UDP packet of a socket judged here must go to the
 *    destination its connect was judged on, or to one of the last few
 *    its datagrams were judged on (a multi-threaded sender may interleave).
 * It compares instead of judging again: judging again would consume the
 * jury's one-shot approvals and cut connections whose learnt address
 * expired (docs/dns.md), which are meant to go on. A socket never judged
 * here (accepted from a listener, or created before the run) meets only
 * the header checks. A packet whose source port is not its socket's
 * (an encapsulation the kernel adds, such as IPsec NAT traversal) is not
 * the socket's own datagram and is not compared.
 *
 * Include after common.bpf.h and net.bpf.h.
 */
#ifndef SEVORIX_SOCK_BPF_H
#define SEVORIX_SOCK_BPF_H

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define SX_DGRAM_SLOTS 4
#define SX_V6_HEADERS 6		/* extension headers walked before giving up */

/* A destination as judged (IPv4-mapped as IPv4, 0.0.0.0 as 127.0.0.1). */
struct sx_dest {
	__u32 addr[4];		/* network byte order; IPv4 in addr[0] */
	__u16 port;		/* host byte order */
	__u8 family;		/* 0: none */
	__u8 proto;		/* of a packet (IPPROTO_*); not compared */
};

struct sx_sock {
	struct sx_dest conn;			/* the last connect judged allowed */
	struct sx_dest dgram[SX_DGRAM_SLOTS];	/* the last datagrams judged allowed */
	__u32 tgid;				/* who was judged last: the drop's event */
	__u8 next;				/* the dgram slot written next */
	__u8 bound;				/* network.bind: 1 allowed, 2 refused */
	__u8 pad[2];
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sx_sock);
} sx_sock SEC(".maps");

/*
 * Keeps an allowed destination with its socket. Returns 0 when it cannot
 * (no memory): the call is then refused, as a socket that cannot carry
 * its judgement could send anywhere its headers say (fail closed).
 */
static __always_inline int remember(struct bpf_sock_addr *ctx, __u8 kind, __u8 family,
				    const __u32 *w, __u16 port)
{
	struct bpf_sock *sk = ctx->sk;
	struct sx_dest d = { .port = port, .family = family };
	struct sx_sock *s;
	__u8 i;

	if (!sk)
		return 0;
	s = bpf_sk_storage_get(&sx_sock, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!s)
		return 0;
	d.addr[0] = w[0];
	if (family == AF_INET6) {
		d.addr[1] = w[1];
		d.addr[2] = w[2];
		d.addr[3] = w[3];
	}
	s->tgid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(s->comm, sizeof(s->comm));
	if (kind == SX_EV_CONNECT) {
		s->conn = d;
		return 1;
	}
	i = s->next & (SX_DGRAM_SLOTS - 1);
	s->dgram[i] = d;
	s->next = i + 1;
	return 1;
}

static __always_inline int same_dest(const struct sx_dest *a, const struct sx_dest *b)
{
	return a->family == b->family && a->port == b->port && a->addr[0] == b->addr[0] &&
	       a->addr[1] == b->addr[1] && a->addr[2] == b->addr[2] && a->addr[3] == b->addr[3];
}

/*
 * Reads where a packet goes. Returns 0, or why it is dropped (enum
 * sx_packet_why); d is filled either way, for the event. *own is set when
 * the packet is a TCP or UDP datagram whose source port is src_port (its
 * socket's own, not an encapsulation the kernel added).
 */
static __always_inline int packet_dest(struct __sk_buff *skb, __u32 src_port, struct sx_dest *d,
				       int *own)
{
	int why = 0;
	__u8 nh, h[2];
	__u16 ports[2];
	__u32 off;

	*own = 0;
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr ip;

		if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
			return SX_PKT_HEADERS; /* fail closed: an IPv4 packet we cannot read */
		d->family = AF_INET;
		d->addr[0] = ip.daddr;
		if (ip.ihl != 5)
			why = SX_PKT_IP_OPTIONS;
		nh = ip.protocol;
		off = (__u32)ip.ihl * 4;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6;

		if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)))
			return SX_PKT_HEADERS;
		d->family = AF_INET6;
		__builtin_memcpy(d->addr, &ip6.daddr, 16);
		nh = ip6.nexthdr;
		off = sizeof(ip6);
		/* hop-by-hop and destination options are walked over; a routing header too,
		 * to name the destination in the event, but its packet is dropped */
		for (int i = 0; i < SX_V6_HEADERS && (nh == 0 || nh == 60 || nh == 43); i++) {
			if (nh == 43)
				why = SX_PKT_ROUTING;
			if (bpf_skb_load_bytes(skb, off, h, 2))
				return why ?: SX_PKT_HEADERS;
			nh = h[0];
			off += ((__u32)h[1] + 1) * 8;
		}
		if (!why && (nh == 0 || nh == 60 || nh == 43 || nh == 44))
			why = SX_PKT_HEADERS; /* too many, or a fragment header no socket of ours adds */
	} else {
		return 0; /* not IP */
	}
	d->proto = nh;
	if ((nh != IPPROTO_TCP && nh != IPPROTO_UDP) || bpf_skb_load_bytes(skb, off, ports, 4))
		return why;
	d->port = bpf_ntohs(ports[1]);
	*own = bpf_ntohs(ports[0]) == src_port;
	return why;
}

#endif
