/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The exec checks at sched_process_exec and the process tracker of one
 * run (bpf/exec.bpf.c; abi.h says what is checked). Same face as every
 * layer: probe, compile+load, apply (attach and pin), describe.
 *
 * It runs on the network layer's configuration, event ring buffer and
 * counters (it is loaded after the network layer and handed its maps), so
 * a run has one configuration and one event stream; the exec maps (denied
 * identities, argv rules, one-shot approvals) are its own, and the BPF LSM
 * layer is handed them in turn (exec_share_maps).
 */
#ifndef SEVORIX_EXEC_H
#define SEVORIX_EXEC_H

#include <stdint.h>
#include <sys/types.h>

#include "sevorix/policy.h"

struct bpf_object;
struct execlayer;
struct netlayer;

/* Loads the tracepoint programs; 0 when process tracking works, else -errno. */
int exec_probe(void);

/*
 * Loads the checks and the tracker for the run in cgroup_fd on the maps of
 * nl, with the policy's exec rules, attaches them and pins their links
 * under pin_dir (so the checks outlive the supervisor). On error nothing
 * stays loaded or pinned. Returns 0 or -errno (*err says why).
 */
int exec_open(const struct policy *p, const struct netlayer *nl, int cgroup_fd,
	      const char *pin_dir, struct execlayer **ret, char *err, size_t errlen);
/*
 * exec_open in two halves, so that the kernel verifies these programs while
 * other objects load: exec_begin makes this layer's maps on nl's and
 * starts loading the programs on another thread (nl may still be loading:
 * netlayer_begin); exec_finish waits for the load, fills the maps and
 * attaches as exec_open does. After an error of either, exec_close.
 * Return 0 or -errno (*err says why).
 */
int exec_begin(const struct netlayer *nl, struct execlayer **ret, char *err, size_t errlen);
int exec_finish(struct execlayer *x, const struct policy *p, int cgroup_fd, const char *pin_dir,
		char *err, size_t errlen);
/* From now on every exec needs a one-shot approval in this layer's map (the hold's). */
int exec_require_approval(struct execlayer *x);
/* The one-shot approvals of the hold (struct sx_approval by thread group). */
int exec_approvals_fd(const struct execlayer *x);
/* Hands this layer's maps to another object before its load, by name. Returns 0 or -errno. */
int exec_share_maps(const struct execlayer *x, struct bpf_object *obj);
/* Unpins (when pin_dir is given), detaches and frees. Accepts NULL. */
void exec_close(struct execlayer *x, const char *pin_dir);

/*
 * Exec rules as the kernel checks them (compile.c): add_file per denied
 * identity, add_argv per deny/review argv pattern (index in evaluation
 * order). Returns the number of argv rules, or -errno.
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
/* Writes the policy's W^X for mappings into map (struct sx_exec_wx), the run starting now. */
int exec_fill_wx(const struct policy *p, int map_fd);
/* The kernel's encoding of a device number (major << 20 | minor). */
uint64_t exec_kdev(dev_t dev);

#endif
