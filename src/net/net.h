/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * K2, the cgroup eBPF network layer, and the process tracker that shares
 * its event ring buffer. Same face as every layer: probe, compile+load,
 * apply (attach to one run's cgroup), describe.
 */
#ifndef SEVORIX_NET_H
#define SEVORIX_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sevorix/policy.h"

struct netlayer;

/* Loads a tiny cgroup sock_addr program; 0 when the layer works, else -errno. */
int netlayer_probe(void);
/* Loads a tiny tp_btf program; 0 when process tracking works, else -errno. */
int tracer_probe(void);

/*
 * Loads the programs and fills their maps from the policy. A policy that
 * cannot be compiled is an error, never a partial load; *err then says why.
 * Returns 0 or -errno.
 */
int netlayer_open(const struct policy *p, struct netlayer **ret, char *err, size_t errlen);
/* Attaches to the cgroup and pins the links under pin_dir. Returns 0 or -errno. */
int netlayer_attach(struct netlayer *nl, int cgroup_fd, const char *pin_dir);
/*
 * Starts the exec checks and the fork/exec/exit tracker for the cgroup,
 * with the policy's exec rules, and pins its links under pin_dir (so the
 * checks outlive the supervisor). Returns 0 or -errno (*err says why).
 */
int netlayer_trace(struct netlayer *nl, const struct policy *p, int cgroup_fd,
		   const char *pin_dir, char *err, size_t errlen);
/*
 * Hands the maps of the loaded programs (net, unix, proc) to another BPF
 * object before its load, matched by name, so that another layer reads
 * the same compiled rules. Returns 0 or -errno.
 */
struct bpf_object;
int netlayer_share_maps(const struct netlayer *nl, struct bpf_object *obj);
/* Removes the pins and detaches. Accepts NULL. */
void netlayer_close(struct netlayer *nl, const char *pin_dir);

int netlayer_events_fd(const struct netlayer *nl);
/* From now on every exec needs a one-shot approval in this map (the hold's). */
int netlayer_require_approval(struct netlayer *nl);
int netlayer_approvals_fd(const struct netlayer *nl);
/* The connect approvals of the jury (struct sx_net_approval). */
int netlayer_net_approvals_fd(const struct netlayer *nl);
/* Sums the per-CPU counters (enum sx_stat), or per-rule hits when rule >= 0. */
unsigned long long netlayer_stat(const struct netlayer *nl, int stat);
unsigned long long netlayer_rule_hits(const struct netlayer *nl, unsigned int slot);
/* True when the UNIX socket programs are loaded (kernel 6.7+). */
bool netlayer_has_unix(const struct netlayer *nl);

/*
 * Compiling (compile.c): calls add4/add6 once per trie entry and addu once
 * per UNIX path entry. Exposed for tests. Returns 0 or -errno (-E2BIG when
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
};
int net_compile(const struct policy *p, const struct net_sink *sink, char *err, size_t errlen);

/*
 * Exec rules (exec_compile.c): add_file per denied identity, add_argv per
 * deny/review argv pattern (index in evaluation order). Returns the
 * number of argv rules, or -errno.
 */
struct sx_exec_key;
struct sx_exec_deny;
struct sx_argv_rule;
struct exec_sink {
	int (*add_file)(void *ctx, const struct sx_exec_key *k, const struct sx_exec_deny *d);
	int (*add_argv)(void *ctx, unsigned int idx, const struct sx_argv_rule *r);
	void *ctx;
};
int exec_compile(const struct policy *p, const struct exec_sink *sink, char *err, size_t errlen);
/* The kernel's encoding of a device number (major << 20 | minor). */
uint64_t exec_kdev(dev_t dev);

#endif
