// SPDX-License-Identifier: GPL-2.0-only
/*
 * Trapped connects (only when the rulebook has network review rules:
 * seccomp cannot look inside the sockaddr, so then every connect is held
 * for a moment). Only review-class destinations are decided here. Every
 * other connect goes on at once and the cgroup program decides it in the
 * kernel, on the address the kernel copied, as without the trap.
 *
 * A jury "allow" becomes a one-shot approval for this thread group and
 * this exact destination, consumed by the cgroup connect program: a
 * sockaddr swapped after it was read here is judged afresh there, and a
 * review-class destination without its approval is denied.
 *
 * Names (docs/dns.md): when the policy names hosts, a destination on port
 * 53 is a lookup that the kernel sends to the run's resolver, which
 * decides the name (a lookup is never sent to the jury as a connect); an
 * address learnt for an allowed name is allowed by the kernel on its host
 * rule's ports; a reviewed connect shows the jury the name its address
 * was learnt from.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns/names.h"
#include "hold/internal.h"
#include "sevorix/abi.h"

/* The destination as the kernel programs judge it (net.bpf.c). */
static void normalize(struct sx_net_approval *k, const struct sockaddr_storage *ss)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;

		k->family = AF_INET;
		k->port = ntohs(in->sin_port);
		memcpy(k->addr, &in->sin_addr, 4);
	} else {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		k->family = AF_INET6;
		k->port = ntohs(in6->sin6_port);
		memcpy(k->addr, &in6->sin6_addr, 16);
		if (!memcmp(k->addr, mapped, 12)) {
			k->family = AF_INET;
			memmove(k->addr, k->addr + 12, 4);
			memset(k->addr + 4, 0, 12);
		}
	}
	if (k->family == AF_INET && !memcmp(k->addr, (uint8_t[4]){ 0 }, 4))
		memcpy(k->addr, (uint8_t[4]){ 127, 0, 0, 1 }, 4);
	if (k->family == AF_INET6 && !memcmp(k->addr, (uint8_t[16]){ 0 }, 16))
		k->addr[15] = 1;
}

static unsigned long long boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* As the kernel's learnt() (bpf/net.bpf.h): a live host rule of the address holds the port. */
static bool learnt_allows(const struct hold *h, const struct sx_net_approval *k)
{
	int rules[8];
	size_t n = h->names ? dns_names_rules(h->names, k->family, k->addr, boot_ns(), rules, 8)
			    : 0;

	for (size_t i = 0; i < n; i++) {
		const struct net_rule *r;

		if (rules[i] < 0 || (size_t)rules[i] >= h->p->nnet_rules)
			continue;
		r = &h->p->net_rules[rules[i]];
		if (r->kind == NET_RULE_HOST && !r->nports)
			return true;
		for (size_t j = 0; r->kind == NET_RULE_HOST && j < r->nports; j++)
			if (k->port >= r->ports[j].lo && k->port <= r->ports[j].hi)
				return true;
	}
	return false;
}

int hold_decide_connect(struct hold *h, struct trapped *t, const struct seccomp_data *d)
{
	struct sockaddr_storage ss = { 0 };
	struct sx_net_approval k = { 0 };
	const struct net_rule *rule;
	size_t len = d->args[2] < sizeof(ss) ? d->args[2] : sizeof(ss);
	char text[INET6_ADDRSTRLEN + 16], a[INET6_ADDRSTRLEN];
	struct dns_name_hit hit = { .name = "" };

	if (len < sizeof(sa_family_t) || hold_mem_read(t, &ss, len, d->args[1]) != (ssize_t)len)
		return 0; /* the kernel itself will refuse what cannot be read */
	if (!hold_still_valid(t))
		return -EPERM; /* fail closed: the pid may be another task's now (and no one waits) */
	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
		return 0; /* other families: the cgroup and seccomp layers decide */
	if (len < (ss.ss_family == AF_INET ? sizeof(struct sockaddr_in)
					   : sizeof(struct sockaddr_in6)))
		return 0; /* the kernel answers EINVAL */
	normalize(&k, &ss);
	if (k.port == 53 && policy_names_hosts(h->p))
		return 0; /* a lookup: the kernel sends it to the run's resolver */
	if (policy_decide_net(h->p, k.family, k.addr, k.port, &rule) != SX_REVIEW ||
	    h->p->mode == SX_MODE_AUDIT || learnt_allows(h, &k))
		return 0; /* the cgroup program decides (and logs) in the kernel */
	k.tgid = hold_tgid_of(t->pid);
	inet_ntop(k.family, k.addr, a, sizeof(a));
	snprintf(text, sizeof(text), k.family == AF_INET ? "%s" : "%s", a);
	if (h->names)
		dns_names_find(h->names, k.family, k.addr, -1, boot_ns(), &hit);
	return hold_review_connect(h, t, &k, text, hit.name[0] ? hit.name : NULL, rule);
}
