/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * K1, the BPF LSM layer (bpf/lsm/). Same face as every layer: probe,
 * compile+load, apply (attach and pin), describe.
 *
 * LSM programs are global: they are not attached to a cgroup but filter
 * on the run's cgroup as their first step. They read the maps of the
 * network and exec layers when those are given (so every layer judges
 * from one compiled rulebook and writes to one event stream); without
 * them, the layer loads and fills its own copies and stands alone.
 */
#ifndef SEVORIX_LSM_H
#define SEVORIX_LSM_H

#include <stddef.h>

#include "sevorix/policy.h"

struct execlayer;
struct lsmlayer;
struct netlayer;
struct sx_file_key;
struct sx_file_value;

/*
 * Loads (never attaches) a trivial LSM program, once per process; 0 when
 * this kernel runs BPF LSM programs, else -errno (EPERM, EINVAL, ...).
 */
int lsm_probe(void);
/*
 * lsm_probe() once per boot: its answer is kept for this boot and build
 * (util/probecache.h), so a run does not load the test program again.
 */
int lsm_available(void);

/*
 * Loads the programs for the run in cgroup_fd and fills the maps it does
 * not share with nl and x (either may be NULL; when nl is given, its
 * cgroup programs are attached to the same cgroup and count the allowed
 * destinations, so this layer counts only what it refuses). A hook the
 * running kernel lacks, or whose arguments differ from those the program
 * reads, is left out (see lsm_describe). Returns 0 or -errno; *err says why.
 */
int lsm_open(const struct policy *p, const struct netlayer *nl, const struct execlayer *x,
	     int cgroup_fd, struct lsmlayer **ret, char *err, size_t errlen);
/* Attaches every loaded program and pins its link under pin_dir (NULL: no pins). */
int lsm_attach(struct lsmlayer *l, const char *pin_dir);
/* Detaches (links not pinned go at once); lsm_attach() may attach again. */
void lsm_detach(struct lsmlayer *l);
/* Unpins (when pin_dir is given), detaches and frees. Accepts NULL. */
void lsm_close(struct lsmlayer *l, const char *pin_dir);
/* One line: the hooks in force and those left out with the reason. */
void lsm_describe(const struct lsmlayer *l, char *buf, size_t len);
/* The event ring buffer the programs write to (the network layer's when shared). */
int lsm_events_fd(const struct lsmlayer *l);
/* The ring buffer of denials (abi.h: sx_denials), likewise. */
int lsm_denials_fd(const struct lsmlayer *l);

/*
 * The files section as file trie entries (abi.h): add is called for the
 * zero-length default entry and once per distinct rule path; dir (when
 * not NULL) for every directory that holds a rule path below it, as
 * "/a/b/" (never "/"; a directory may come more than once), which a
 * rename must not carry away. Exposed for
 * tests. Returns 0 or -errno (-ENAMETOOLONG: a rule path too long for the
 * trie's key).
 */
struct file_sink {
	int (*add)(void *ctx, const struct sx_file_key *k, const struct sx_file_value *v);
	void *ctx;
	int (*dir)(void *ctx, const char *path);
};
int lsm_files_compile(const struct policy *p, const struct file_sink *sink, char *err,
		      size_t errlen);

#endif
