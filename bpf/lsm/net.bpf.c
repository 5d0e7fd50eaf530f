// SPDX-License-Identifier: GPL-2.0-only
/*
 * The BPF LSM layer's network hooks (lsm/lsm.bpf.h): connect and sendmsg
 * by the network rules, on the sockaddr the kernel copied, and UNIX
 * peers again on the address the kernel resolved. With host rules
 * (docs/dns.md) a destination is judged as the cgroup program judges it:
 * the addresses learnt for allowed names after the tries, and a lookup
 * (port 53) of a socket of the run as bound for the run's resolver, to
 * which the cgroup program, running after this hook, sends it.
 */
#include "lsm/lsm.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_UNIX 1
#define SOCK_STREAM 1
#define SOCK_DGRAM 2

/* A UNIX path read into its lookup key (judge_unix). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sx_unix_key);
} sx_lsm_unix_key SEC(".maps");

/*
 * Whether this layer counts a network decision: always where it is the
 * only network layer; otherwise only a refusal (the cgroup program never
 * runs after one, and sees and counts every allowed destination).
 */
static __always_inline int net_counted(__u8 layer_counts, struct decision d)
{
	return layer_counts || (d.verdict != SX_V_ALLOW && !audit_mode());
}

/*
 * A review-class connect that the jury approved for this thread group and
 * exactly this destination (named as judged: IPv4-mapped as IPv4, the
 * unspecified address as loopback). The approval is left in place: the
 * cgroup program, which runs after this hook, consumes it.
 */
static __always_inline int net_approved(__u8 kind, __u8 family, const __u32 *addr, __u16 port)
{
	struct sx_net_approval k = { .tgid = bpf_get_current_pid_tgid() >> 32, .port = port,
				     .family = family };

	if (kind != SX_EV_CONNECT)
		return 0;
	__builtin_memcpy(k.addr, addr, 16); /* an IPv4 address is followed by zeros */
	return bpf_map_lookup_elem(&sx_net_approved, &k) != NULL;
}

/*
 * A lookup, or a query to the resolver itself, from a socket created in the
 * run's cgroup: the cgroup program sends it to the resolver, which decides
 * the name. A socket from elsewhere (one the agent inherited) meets no
 * cgroup program, so its destination is judged as any other (fail closed).
 */
static __always_inline int for_resolver(struct socket *sock, const struct sx_netcfg *c,
					__u8 family, const __u32 *w, __u16 port)
{
	__u8 type = BPF_CORE_READ(sock, type);

	if (!c || !c->dns || (type != SOCK_STREAM && type != SOCK_DGRAM))
		return 0;
	if (port != 53 && !is_resolver(c, family, w, port))
		return 0;
	return BPF_CORE_READ(sock, sk, sk_cgrp_data.cgroup, kn, id) == run_cgroup_id;
}

/* Judges a sockaddr in kernel memory (at least addrlen bytes of a sockaddr_storage). */
static __always_inline int judge_inet(struct socket *sock, struct sockaddr *address, int addrlen,
				      __u8 kind, __u8 type)
{
	const struct sx_netcfg *c = netcfg();
	__u16 family = BPF_CORE_READ(address, sa_family);
	struct decision d;
	struct sx_event *e;
	__u32 w[4] = {};
	__u16 port;
	int allow, ok;

	if (family == AF_INET) {
		struct sockaddr_in sin;

		/* shorter: the protocol rejects it with EINVAL before anything is sent */
		if (addrlen < (int)sizeof(sin) || bpf_probe_read_kernel(&sin, sizeof(sin), address))
			return 0;
		w[0] = sin.sin_addr.s_addr;
		port = bpf_ntohs(sin.sin_port);
		if (w[0] == 0)
			w[0] = bpf_htonl(0x7f000001);
		d = decide4(w[0], port);
	} else if (family == AF_INET6) {
		struct sockaddr_in6 sin6;

		if (addrlen < (int)sizeof(sin6) ||
		    bpf_probe_read_kernel(&sin6, sizeof(sin6), address))
			return 0;
		__builtin_memcpy(w, &sin6.sin6_addr, 16);
		port = bpf_ntohs(sin6.sin6_port);
		d = decide6(w, port); /* turns :: into ::1, as judged */
		if (w[0] == 0 && w[1] == 0 && w[2] == bpf_htonl(0xffff)) {
			family = AF_INET;
			w[0] = w[3] ? w[3] : bpf_htonl(0x7f000001);
			w[1] = w[2] = w[3] = 0;
		}
	} else {
		return 0;
	}
	if (for_resolver(sock, c, family, w, port))
		return 0;
	d = named(c, d, family, w, port);
	ok = d.verdict == SX_V_REVIEW && net_approved(kind, family, w, port);
	if (ok)
		d.verdict = SX_V_ALLOW;
	e = sx_decided_in(d, kind, SX_LAYER_BPF_LSM, SX_SEC_NETWORK, net_counted(count_net, d),
			  &allow);
	if (e) {
		e->approved = ok;
		e->family = family;
		e->sock_type = type;
		e->port = port;
		__builtin_memcpy(e->addr, w, 16);
		sx_submit(e);
	}
	return answer(allow, EPERM);
}

/*
 * Judges a UNIX socket path of len bytes at sun_path (kernel memory): the
 * bytes after the end or after the first NUL are zeroed, and the whole
 * buffer is the lookup key, as in bpf/unix.bpf.c. Abstract names (a
 * leading NUL) meet the zero-length entry, which holds the network
 * default.
 */
static __always_inline int judge_unix(const char *sun_path, __u32 len, __u8 kind, __u8 type)
{
	struct decision d = { SX_V_DENY, SX_RULE_DEFAULT }; /* fail closed */
	struct sx_unix_value *v;
	struct sx_unix_key *key;
	struct sx_event *e;
	__u32 zero = 0;
	int allow;

	key = bpf_map_lookup_elem(&sx_lsm_unix_key, &zero);
	if (!key)
		return -EPERM; /* fail closed */
	if (sx_unix_key_read(key, sun_path, len))
		return -EPERM; /* fail closed */
	/* the zero-length entry holds the default, so a miss means broken maps */
	v = bpf_map_lookup_elem(&sx_unix, key);
	if (v) {
		d.verdict = v->action;
		d.rule_id = v->rule_id;
	}
	e = sx_decided_in(d, kind, SX_LAYER_BPF_LSM, SX_SEC_NETWORK, net_counted(count_unix, d),
			  &allow);
	if (e) {
		e->family = AF_UNIX;
		e->sock_type = type;
		e->data_len = SX_UNIX_PATH_MAX;
		__builtin_memcpy(e->data, key->path, SX_UNIX_PATH_MAX);
		sx_submit(e);
	}
	return answer(allow, EPERM);
}

/* Judges a destination the agent named: inet by address, UNIX by the path as written. */
static __always_inline int judge_addr(struct socket *sock, struct sockaddr *address, int addrlen,
				      __u8 kind)
{
	__u8 type = BPF_CORE_READ(sock, type);

	if (BPF_CORE_READ(address, sa_family) == AF_UNIX)
		return judge_unix(address->sa_data, addrlen > 2 ? addrlen - 2 : 0, kind, type);
	return judge_inet(sock, address, addrlen, kind, type);
}

SEC("lsm/socket_connect")
int BPF_PROG(sevorix_socket_connect, struct socket *sock, struct sockaddr *address, int addrlen,
	     int ret)
{
	if (ret || !in_run())
		return ret;
	return judge_addr(sock, address, addrlen, SX_EV_CONNECT);
}

/*
 * Every send with a destination: UDP sendto, UNIX datagrams to a path,
 * and sendto(MSG_FASTOPEN), which connects without socket_connect. A send
 * without one goes where the judged connect() went.
 */
SEC("lsm/socket_sendmsg")
int BPF_PROG(sevorix_socket_sendmsg, struct socket *sock, struct msghdr *msg, int size, int ret)
{
	struct sockaddr *name;

	if (ret || !in_run())
		return ret;
	name = BPF_CORE_READ(msg, msg_name);
	if (!name)
		return 0;
	return judge_addr(sock, name, BPF_CORE_READ(msg, msg_namelen), SX_EV_SENDMSG);
}

/*
 * A UNIX peer as the kernel resolved it: its bound address (the path its
 * server bound, whatever name, symlink or relative path the agent used).
 * A peer without one (a socketpair) was never reachable by a path.
 */
static __always_inline int judge_unix_peer(struct sock *other, __u8 kind, __u8 type)
{
	struct unix_sock *u = (void *)other;
	struct unix_address *ua = BPF_CORE_READ(u, addr);
	int len;

	if (!ua)
		return 0;
	len = BPF_CORE_READ(ua, len);
	return judge_unix((const char *)ua + bpf_core_field_offset(struct unix_address, name) + 2,
			  len > 2 ? len - 2 : 0, kind, type);
}

SEC("lsm/unix_stream_connect")
int BPF_PROG(sevorix_unix_stream_connect, struct sock *sock, struct sock *other,
	     struct sock *newsk, int ret)
{
	if (ret || !in_run())
		return ret;
	return judge_unix_peer(other, SX_EV_CONNECT, SOCK_STREAM);
}

SEC("lsm/unix_may_send")
int BPF_PROG(sevorix_unix_may_send, struct socket *sock, struct socket *other, int ret)
{
	if (ret || !in_run())
		return ret;
	return judge_unix_peer(BPF_CORE_READ(other, sk), SX_EV_SENDMSG, SOCK_DGRAM);
}
