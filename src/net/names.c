// SPDX-License-Identifier: GPL-2.0-only
/*
 * Egress by name in the network layer (docs/dns.md): the ports of each
 * host rule, the run's resolver as the destination of every lookup, and
 * the addresses the resolver learns. Everything here writes maps the
 * programs of bpf/net.bpf.c read (abi.h: sx_host_ports, sx_netcfg,
 * sx_learnt); the BPF LSM layer shares them.
 *
 * A learnt address holds one slot per host rule (SX_LEARNT_SLOTS): a new
 * lookup of a name refreshes its rule's slot, another rule takes an empty
 * or expired slot, and when all are live the one that expires first gives
 * way (its name is allowed again at its next lookup). Expired addresses
 * stay in the map until it fills up; then one sweep removes every address
 * whose slots have all expired.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dns/resolver.h"
#include "net/internal.h"

static uint64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int netlayer_compile_hosts(struct netlayer *nl, const struct policy *p, char *err, size_t errlen)
{
	int fd = bpf_map__fd(nl->net->maps.sx_host_ports);

	for (size_t i = 0; i < p->nnet_rules; i++) {
		const struct net_rule *r = &p->net_rules[i];
		struct sx_host_ports v = { .n = 1, .r = { { 0, 65535 } } };
		__u32 id = r->id;

		if (r->kind != NET_RULE_HOST)
			continue;
		if (r->nports > SX_HOST_PORTS) {
			snprintf(err, errlen, "%s:%u: more than %d port ranges in a host rule",
				 r->loc.file ?: p->file, r->loc.line, SX_HOST_PORTS);
			return -E2BIG;
		}
		if (r->nports)
			v.n = r->nports;
		for (size_t j = 0; j < r->nports; j++) {
			v.r[j].lo = r->ports[j].lo;
			v.r[j].hi = r->ports[j].hi;
		}
		if (bpf_map_update_elem(fd, &id, &v, 0) < 0) {
			snprintf(err, errlen, "cannot store the ports of host rules: %s",
				 strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/* The address of a loopback listener, network byte order. */
static void endpoint_addr(const struct dns_endpoint *ep, void *addr, uint16_t *port)
{
	if (ep->ss.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)&ep->ss;

		memcpy(addr, &in->sin_addr, 4);
		*port = ntohs(in->sin_port);
	} else {
		const struct sockaddr_in6 *in6 = (const void *)&ep->ss;

		memcpy(addr, &in6->sin6_addr, 16);
		*port = ntohs(in6->sin6_port);
	}
}

int netlayer_set_resolver(struct netlayer *nl, const struct dns_endpoint *ip4,
			  const struct dns_endpoint *ip6)
{
	if (ip4->ss.ss_family != AF_INET || (ip6 && ip6->ss.ss_family != AF_INET6))
		return -EAFNOSUPPORT;
	endpoint_addr(ip4, &nl->cfg.dns_ip4, &nl->cfg.dns_port);
	if (ip6) {
		endpoint_addr(ip6, nl->cfg.dns_ip6, &nl->cfg.dns_port6);
		nl->cfg.dns_has_ip6 = 1;
	}
	nl->cfg.dns = 1;
	return netlayer_write_cfg(nl);
}

/* Removes every address whose slots have all expired. */
static void sweep(int fd, uint64_t now)
{
	struct sx_learnt_key k, next;
	struct sx_learnt_value v;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		bool live = false;

		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &v))
			continue;
		for (int i = 0; i < SX_LEARNT_SLOTS; i++)
			live |= v.s[i].expires_ns > now;
		if (!live)
			bpf_map_delete_elem(fd, &k);
	}
}

/* The slot for rule: its own, else an empty or expired one, else the first to expire. */
static int pick_slot(const struct sx_learnt_value *v, unsigned int rule, uint64_t now)
{
	int pick = 0;

	for (int i = 0; i < SX_LEARNT_SLOTS; i++)
		if (v->s[i].expires_ns > now && v->s[i].rule_id == rule)
			return i;
	for (int i = 0; i < SX_LEARNT_SLOTS; i++)
		if (v->s[i].expires_ns <= now)
			return i;
	for (int i = 1; i < SX_LEARNT_SLOTS; i++)
		if (v->s[i].expires_ns < v->s[pick].expires_ns)
			pick = i;
	return pick;
}

int netlayer_learn(struct netlayer *nl, const struct dns_learnt *l)
{
	int fd = bpf_map__fd(nl->net->maps.sx_learnt), i, r;
	struct sx_learnt_key k = { .family = l->family };
	struct sx_learnt_value v;
	uint64_t now = boot_ns();

	/* no host rule allowed it (a default allow): the default decides its connects too */
	if (l->rule < 0)
		return 0;
	memcpy(k.addr, l->addr, l->family == AF_INET ? 4 : 16);
	if (bpf_map_lookup_elem(fd, &k, &v))
		memset(&v, 0, sizeof(v));
	i = pick_slot(&v, (unsigned int)l->rule, now);
	if (v.s[i].rule_id != (unsigned int)l->rule || v.s[i].expires_ns < l->expires_ns)
		v.s[i].expires_ns = l->expires_ns;
	v.s[i].rule_id = (__u16)l->rule;
	r = bpf_map_update_elem(fd, &k, &v, BPF_ANY) ? -errno : 0;
	if (r == -E2BIG || r == -ENOMEM) {
		sweep(fd, now);
		r = bpf_map_update_elem(fd, &k, &v, BPF_ANY) ? -errno : 0;
	}
	return r; /* the resolver answers SERVFAIL when it fails: nothing unlearnt is allowed */
}
