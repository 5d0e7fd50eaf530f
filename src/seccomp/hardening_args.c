// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hardening rules that look at system call arguments, and describe().
 *
 * socket() is an allow list: AF_UNIX; AF_INET and AF_INET6 with
 * SOCK_STREAM or SOCK_DGRAM (SOCK_NONBLOCK and SOCK_CLOEXEC ignored) and
 * protocol 0, IPPROTO_TCP or IPPROTO_UDP; AF_NETLINK with NETLINK_ROUTE.
 * That is what the network rulebook can reason about: ICMP ping sockets,
 * raw and packet sockets, AF_VSOCK, SCTP, AF_ALG and MPTCP (which Landlock's
 * TCP rules do not see) get EPERM. libseccomp cannot add an allow rule
 * under an allow default, nor compare one argument twice in one rule, so
 * the allow list is written as its complement: one deny rule per gap,
 * each a single comparison (equal, at-least, or one bit set). About a
 * hundred comparisons on socket(), a call that is never hot.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "seccomp/hardening.h"
#include "seccomp/hardening_internal.h"
#include "util/lines.h"

#define DENY SCMP_ACT_ERRNO(EPERM)

static int deny1(scmp_filter_ctx ctx, int nr, struct scmp_arg_cmp a)
{
	return seccomp_rule_add_array(ctx, DENY, nr, 1, &a);
}

static int deny2(scmp_filter_ctx ctx, int nr, struct scmp_arg_cmp a, struct scmp_arg_cmp b)
{
	struct scmp_arg_cmp v[2] = { a, b };

	return seccomp_rule_add_array(ctx, DENY, nr, 2, v);
}

/* Families other than UNIX(1), INET(2), INET6(10), NETLINK(16). */
static int socket_domains(scmp_filter_ctx ctx)
{
	int r = deny1(ctx, SCMP_SYS(socket), SCMP_A0(SCMP_CMP_EQ, 0));

	for (unsigned int d = 3; d < AF_NETLINK && r == 0; d++)
		if (d != AF_INET6)
			r = deny1(ctx, SCMP_SYS(socket), SCMP_A0(SCMP_CMP_EQ, d));
	if (r == 0)
		r = deny1(ctx, SCMP_SYS(socket), SCMP_A0(SCMP_CMP_GE, AF_NETLINK + 1));
	/* NETLINK_ROUTE only: the audit, xfrm, netfilter families are kernel attack surface. */
	if (r == 0)
		r = deny2(ctx, SCMP_SYS(socket), SCMP_A0(SCMP_CMP_EQ, AF_NETLINK),
			  SCMP_A2(SCMP_CMP_NE, NETLINK_ROUTE));
	return r;
}

/* For family d: type, after removing NONBLOCK|CLOEXEC, must be 1 or 2. */
static int socket_types(scmp_filter_ctx ctx, int d)
{
	const scmp_datum_t flags = SOCK_NONBLOCK | SOCK_CLOEXEC;
	int r;

	r = deny2(ctx, SCMP_SYS(socket), SCMP_A0(SCMP_CMP_EQ, d), SCMP_A1(SCMP_CMP_MASKED_EQ, 3, 0));
	if (r == 0) /* SOCK_RAW */
		r = deny2(ctx, SCMP_SYS(socket), SCMP_A0(SCMP_CMP_EQ, d),
			  SCMP_A1(SCMP_CMP_MASKED_EQ, 3, 3));
	if (r == 0) /* every bit from 20 up, including garbage in the upper half */
		r = deny2(ctx, SCMP_SYS(socket), SCMP_A0(SCMP_CMP_EQ, d),
			  SCMP_A1(SCMP_CMP_GE, 1u << 20));
	for (unsigned int bit = 2; bit < 20 && r == 0; bit++) {
		scmp_datum_t m = (scmp_datum_t)1 << bit;

		if (m & flags)
			continue;
		r = deny2(ctx, SCMP_SYS(socket), SCMP_A0(SCMP_CMP_EQ, d),
			  SCMP_A1(SCMP_CMP_MASKED_EQ, m, m));
	}
	return r;
}

/* For family d: protocol 0, TCP, UDP, and the ICMP protocol when ping is allowed. */
static int socket_protocols(scmp_filter_ctx ctx, int d, unsigned int allow)
{
	unsigned int ping = 0, top;
	int r = 0;

	if (allow & HARDEN_ALLOW_PING)
		ping = d == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	top = ping > IPPROTO_UDP ? ping : IPPROTO_UDP;
	for (unsigned int p = 1; p < top && r == 0; p++) {
		if (p == IPPROTO_TCP || p == IPPROTO_UDP || p == ping)
			continue;
		r = deny2(ctx, SCMP_SYS(socket), SCMP_A0(SCMP_CMP_EQ, d), SCMP_A2(SCMP_CMP_EQ, p));
	}
	if (r == 0) /* IPPROTO_MPTCP (262), SCTP (132), raw protocols, garbage */
		r = deny2(ctx, SCMP_SYS(socket), SCMP_A0(SCMP_CMP_EQ, d),
			  SCMP_A2(SCMP_CMP_GE, top + 1));
	return r;
}

static int add_socket(scmp_filter_ctx ctx, unsigned int allow)
{
	static const int inet[] = { AF_INET, AF_INET6 };
	int r;

	if (allow & HARDEN_ALLOW_ANY_SOCKET)
		return 0;
	r = socket_domains(ctx);
	for (size_t i = 0; i < 2 && r == 0; i++) {
		r = socket_types(ctx, inet[i]);
		if (r == 0)
			r = socket_protocols(ctx, inet[i], allow);
	}
	/* socketpair(): only AF_UNIX has pairs; anything else is an unreviewed family. */
	if (r == 0)
		r = deny1(ctx, SCMP_SYS(socketpair), SCMP_A0(SCMP_CMP_NE, AF_UNIX));
	return r;
}

/* clone(2) with a CLONE_NEW* flag: a new namespace (user namespaces give CAP_SYS_ADMIN). */
static int add_clone(scmp_filter_ctx ctx)
{
	static const scmp_datum_t ns[] = { CLONE_NEWNS,	 CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
					   CLONE_NEWUSER, CLONE_NEWPID,	  CLONE_NEWNET };
	int r = 0;

	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]) && r == 0; i++)
		r = deny1(ctx, SCMP_SYS(clone), SCMP_A0(SCMP_CMP_MASKED_EQ, ns[i], ns[i]));
	return r;
}

/*
 * TCP Fast Open connects inside sendto/sendmsg: the connect hooks and
 * Landlock's TCP rule never see that connection.
 */
static int add_fastopen(scmp_filter_ctx ctx)
{
	const scmp_datum_t f = MSG_FASTOPEN;
	int r;

	r = deny1(ctx, SCMP_SYS(sendto), SCMP_A3(SCMP_CMP_MASKED_EQ, f, f));
	if (r == 0)
		r = deny1(ctx, SCMP_SYS(sendmsg), SCMP_A2(SCMP_CMP_MASKED_EQ, f, f));
	if (r == 0)
		r = deny1(ctx, SCMP_SYS(sendmmsg), SCMP_A3(SCMP_CMP_MASKED_EQ, f, f));
	return r;
}

/*
 * TIOCSTI pushes bytes into the input of the terminal the user types in
 * (a command runs outside the agent when the agent exits); TIOCLINUX can do
 * the same on a virtual console. The command is an unsigned int: compare
 * the low 32 bits only.
 */
static int add_ioctl(scmp_filter_ctx ctx)
{
	int r;

	r = deny1(ctx, SCMP_SYS(ioctl), SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI));
	if (r == 0)
		r = deny1(ctx, SCMP_SYS(ioctl), SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCLINUX));
	return r;
}

/*
 * Routing past the network rules: an IPv6 routing header, or an IPv4
 * source route, sends a socket's packets to the host it names first,
 * while the connect was judged on the last (docs/escapes.md). These
 * socket options set them; IPV6_2292PKTOPTIONS carries the same headers
 * as control messages. The network layer's packet check drops such
 * packets whatever set them (io_uring, control messages); this refuses
 * the options at once. Never relaxable: no agent needs them. Level and
 * option are ints, compared on the low 32 bits.
 */
static int add_routing(scmp_filter_ctx ctx)
{
	static const int opts[][2] = { { IPPROTO_IPV6, IPV6_RTHDR },
				       { IPPROTO_IPV6, IPV6_2292RTHDR },
				       { IPPROTO_IPV6, IPV6_2292PKTOPTIONS },
				       { IPPROTO_IP, IP_OPTIONS } };
	int r = 0;

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]) && r == 0; i++)
		r = deny2(ctx, SCMP_SYS(setsockopt),
			  SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, (scmp_datum_t)opts[i][0]),
			  SCMP_A2(SCMP_CMP_MASKED_EQ, 0xffffffffu, (scmp_datum_t)opts[i][1]));
	return r;
}

int hardening_add_args(scmp_filter_ctx ctx, unsigned int allow)
{
	int r = add_socket(ctx, allow);

	if (r == 0)
		r = add_routing(ctx);
	if (r == 0 && !(allow & HARDEN_ALLOW_NAMESPACES))
		r = add_clone(ctx);
	if (r == 0 && !(allow & HARDEN_ALLOW_FASTOPEN))
		r = add_fastopen(ctx);
	if (r == 0 && !(allow & HARDEN_ALLOW_TIOCSTI))
		r = add_ioctl(ctx);
	return r;
}

/* Appends the names of the whole-syscall denials that are (on) or are not (!on) in force. */
static void list_plain(struct lines *o, unsigned int allow, bool on, const char *label)
{
	char names[1024];
	size_t off = 0;
	unsigned int relax;
	const char *n;

	names[0] = '\0';
	for (size_t i = 0; (n = hardening_plain_name(i, &relax, NULL)) && off < sizeof(names); i++)
		if (!!(relax & allow) != on)
			off += snprintf(names + off, sizeof(names) - off, "%s%s", off ? " " : "", n);
	if (off)
		lines_add(o, "seccomp: %s: %s", label, names);
}

int hardening_describe(const struct hardening_opts *o, char *buf, size_t len)
{
	unsigned int allow = o ? o->allow : 0;
	struct lines out = { .buf = buf, .len = len };

	if (!buf || len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (hardening_probe() < 0) {
		lines_add(&out, "seccomp: filters not available on this kernel: hardening not enforced");
		return out.cut ? -ENOSPC : 0;
	}
	list_plain(&out, allow, true, "denied (EPERM; clone3 ENOSYS)");
	list_plain(&out, allow, false, "relaxed by the policy");
	lines_add(&out, "seccomp: socket(): %s", allow & HARDEN_ALLOW_ANY_SOCKET ? "any family (relaxed)" :
		"AF_UNIX; AF_INET/AF_INET6 stream/dgram tcp/udp; AF_NETLINK route; else EPERM");
	if ((allow & HARDEN_ALLOW_PING) && !(allow & HARDEN_ALLOW_ANY_SOCKET))
		lines_add(&out, "seccomp: socket(): ICMP ping sockets allowed (relaxed)");
	lines_add(&out, "seccomp: clone(CLONE_NEW*): %s",
	     allow & HARDEN_ALLOW_NAMESPACES ? "allowed (relaxed)" : "denied");
	lines_add(&out, "seccomp: sendto/sendmsg/sendmmsg(MSG_FASTOPEN): %s",
	     allow & HARDEN_ALLOW_FASTOPEN ? "allowed (relaxed)" : "denied");
	lines_add(&out, "seccomp: setsockopt(IPV6_RTHDR, IP_OPTIONS): denied (routing headers)");
	lines_add(&out, "seccomp: ioctl(TIOCSTI, TIOCLINUX): %s",
	     allow & HARDEN_ALLOW_TIOCSTI ? "allowed (relaxed)" : "denied");
	lines_add(&out, "seccomp: other architectures (i386, x32): process killed");
	if (allow & HARDEN_ALLOW_IO_URING)
		lines_add(&out, "seccomp: not covered: calls submitted through io_uring (relaxed)");
	return out.cut ? -ENOSPC : 0;
}
