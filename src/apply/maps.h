/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel maps of a protected cgroup, found again from its pinned
 * links (only links are pinned: a link leads to its program, a program to
 * the maps it uses). This is how a process that did not load the programs
 * -- the daemon after an upgrade, `sevorix policy apply` for a run --
 * reads their counters, receives their events, writes one-shot approvals
 * and rewrites their rules in place.
 */
#ifndef SEVORIX_APPLY_MAPS_H
#define SEVORIX_APPLY_MAPS_H

#include <stddef.h>

#include "sevorix/policy.h"

struct run_maps {
	int net4, net6, unix_;		/* the network rules (LPM tries) */
	int exec_deny, argv_rules;	/* the exec rules */
	int config;			/* struct sx_config */
	int approved, net_approved;	/* one-shot approvals of the hold */
	int events, stats;		/* ring buffer, per-CPU counters */
	int rule_hits, quiet;		/* per-rule counts; decisions without their own event */
	int denials, agg, latest;	/* the denials' ring buffer and its bounds (abi.h) */
	int files, file_dirs, names_gen;	/* the BPF LSM layer's file rules, if loaded */
	int netcfg;			/* struct sx_netcfg: the resolver, bind rules */
	int bind4, bind6;		/* network.bind's tries, where the run has them */
};

/* Opens every map the links under pin_dir use. Returns 0 or -errno (-ENOENT: no pins). */
int run_maps_open(const char *pin_dir, struct run_maps *m);
void run_maps_close(struct run_maps *m);

/*
 * Rewrites the rule maps for policy p, entry by entry: every entry of the
 * new policy is written first (in the tries longer prefixes first), then
 * the entries it no longer has are deleted; the argv rules of old and new
 * policy are in force together while they change. Where the BPF LSM layer
 * is loaded its file trie changes the same way, and then the decisions
 * that file_open cached are forgotten. So during the change
 * every address and path is decided by the old or by the new policy,
 * never by a mix, and by the new one when this returns. Returns 0 or
 * -errno (*err says why; -E2BIG: old and new argv rules do not fit
 * together, and nothing was changed; -EOPNOTSUPP: the old or the new
 * policy names hosts, whose resolver lives in the supervisor).
 */
int run_maps_rewrite(const struct run_maps *m, const struct policy *p, char *err, size_t errlen);

/* The maps an event log reads (events/events.h), from m. */
struct events_maps;
void run_maps_events(const struct run_maps *m, struct events_maps *out);

/* Sum over CPUs of counter stat (enum sx_stat); 0 when unreadable. */
unsigned long long run_maps_stat(const struct run_maps *m, unsigned int stat);

#endif
