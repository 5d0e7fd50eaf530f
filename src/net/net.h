/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * K2, the cgroup eBPF network layer (bpf/net.bpf.c, bpf/unix.bpf.c). Same
 * face as every layer: probe, compile+load, apply (attach to one run's
 * cgroup), describe. It is loaded first and owns the maps of the whole
 * run: the configuration (struct sx_config), the event ring buffer and
 * the counters, which the other layers are handed (netlayer_share_maps).
 */
#ifndef SEVORIX_NET_H
#define SEVORIX_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "sevorix/abi.h"
#include "sevorix/policy.h"

struct netlayer;

/* Loads a tiny cgroup sock_addr program; 0 when the layer works, else -errno. */
int netlayer_probe(void);

/*
 * Loads the programs and fills their maps from the policy. A policy that
 * cannot be compiled is an error, never a partial load; *err then says why.
 * Returns 0 or -errno.
 */
int netlayer_open(const struct policy *p, struct netlayer **ret, char *err, size_t errlen);
/*
 * netlayer_open in two halves, so that other layers' objects are verified
 * while these are: netlayer_begin makes the run's maps and starts loading
 * the programs on other threads; netlayer_finish waits for them and fills
 * the maps from the policy. In between, other objects may be opened on the
 * maps (netlayer_share_maps) and loaded. After an error of either, and
 * whenever the layer is not used further, netlayer_close (it waits for
 * loads still running). Return 0 or -errno (*err says why).
 */
int netlayer_begin(const struct policy *p, struct netlayer **ret, char *err, size_t errlen);
int netlayer_finish(struct netlayer *nl, const struct policy *p, char *err, size_t errlen);
/* Attaches to the cgroup and pins the links under pin_dir. Returns 0 or -errno. */
int netlayer_attach(struct netlayer *nl, int cgroup_fd, const char *pin_dir);
/*
 * Hands the maps of the loaded programs (net, unix) to another BPF object
 * before its load, matched by name, so that another layer reads the same
 * compiled rules and configuration and writes the same event stream.
 * Returns 0 or -errno.
 */
struct bpf_object;
int netlayer_share_maps(const struct netlayer *nl, struct bpf_object *obj);
/*
 * Sets the attach types of the UNIX programs of obj (bpf/unix.bpf.c,
 * opened, not loaded): libbpf 1.1 knows neither section name. The loader
 * calls it, and so do the tools and tests that open that object themselves.
 */
void netlayer_unix_attach_types(struct bpf_object *obj);
/* Removes the pins and detaches. Accepts NULL. */
void netlayer_close(struct netlayer *nl, const char *pin_dir);

/*
 * Egress by name (names.c, docs/dns.md). The run's resolver listens at
 * ip4 (127.0.0.1) and, when not NULL, ip6 (::1); every lookup of the
 * agent is sent there. Call before netlayer_attach. Returns
 * 0 or -errno.
 */
struct dns_endpoint;
struct dns_learnt;
/* Why `attach` and containers refuse a policy that names hosts (docs/dns.md). */
#define NET_NAMES_NEED_RUN                                                                     \
	"host rules and network.dns need the resolver that only `sevorix run` starts (lookups " \
	"of another process tree or network namespace cannot be sent to it yet): use cidr "    \
	"rules here"
int netlayer_set_resolver(struct netlayer *nl, const struct dns_endpoint *ip4,
			  const struct dns_endpoint *ip6);
/*
 * Stores an address learnt for an allowed name (the resolver's learn
 * callback; one thread at a time). Returns 0 or -errno.
 */
int netlayer_learn(struct netlayer *nl, const struct dns_learnt *l);

/* The run's event ring buffer. */
int netlayer_events_fd(const struct netlayer *nl);
/* Any map the layer owns, by name ("sx_stats"); -1 when there is none. */
int netlayer_map_fd(const struct netlayer *nl, const char *name);
/* The connect approvals of the jury (struct sx_net_approval). */
int netlayer_net_approvals_fd(const struct netlayer *nl);
/* Sums a per-CPU counter (enum sx_stat) over every CPU. */
unsigned long long netlayer_stat(const struct netlayer *nl, int stat);
/* Sums the hits of a network rule (slot: its id; the default's is SX_RULE_SLOTS - 1). */
unsigned long long netlayer_rule_hits(const struct netlayer *nl, unsigned int slot);
/* True when the UNIX socket programs are loaded (kernel 6.7+). */
bool netlayer_has_unix(const struct netlayer *nl);

/*
 * Compiling (compile.c): calls add_inet once per trie entry (IPv4 and
 * IPv6), add_unix once per UNIX path entry and add_bind once per entry of
 * the bind tries. Exposed for tests. Returns 0 or -errno (-E2BIG when
 * more than SX_NET_MAX_ENTRIES - 1 port ranges cover one prefix).
 */
struct sx_net_value;
struct sx_unix_key;
struct sx_unix_value;
struct net_sink {
	int (*add_inet)(void *ctx, int family, const unsigned char *addr, unsigned int prefix,
			const struct sx_net_value *v);
	int (*add_unix)(void *ctx, const struct sx_unix_key *k, const struct sx_unix_value *v);
	void *ctx;
	/* network.bind's tries, entries like add_inet's; NULL: not compiled */
	int (*add_bind)(void *ctx, int family, const unsigned char *addr, unsigned int prefix,
			const struct sx_net_value *v);
};
int net_compile(const struct policy *p, const struct net_sink *sink, char *err, size_t errlen);

/* The trie key of what add_inet is given: its v4 or v6 member, of the size returned. */
union net_lpm_key {
	struct sx_lpm4_key v4;
	struct sx_lpm6_key v6;
};
size_t net_lpm_key(int family, const unsigned char *addr, unsigned int prefix,
		   union net_lpm_key *k);

#endif
