/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The registry of protected cgroups: every run, attachment and container
 * leaves a state file under RUN_STATE_DIR, its pinned links under
 * RUN_PIN_ROOT/ID and its event log (by default) under RUN_LOG_DIR, so
 * that `sevorix ps`, `cleanup`, `policy apply` and the daemon find it
 * again from any process. cgroup.h is the cgroup v2 side of the same.
 */
#ifndef SEVORIX_RUNS_H
#define SEVORIX_RUNS_H

#include <stdbool.h>
#include <stddef.h>

/* Where a run keeps its state. */
#define RUN_STATE_DIR "/run/sevorix/runs"
#define RUN_PIN_ROOT "/sys/fs/bpf/sevorix"
#define RUN_LOG_DIR "/var/log/sevorix"

struct run_info {
	char id[32];
	int supervisor;		/* pid */
	int agent;		/* pid of the command */
	char cgroup[4096];
	char events[4096];
	char command[1024];
	long long started;	/* unix time */
	bool attached;		/* `sevorix attach` to a cgroup Sevorix did not create */
	char pins[512];		/* where its links are pinned; empty: RUN_PIN_ROOT/ID */
	char policy[4096];	/* the policy file it was given (reloads read it again) */
	char user[64];		/* attach --user: whose ${HOME} the policy means; empty: owner */
};

int run_new_id(char *buf, size_t len);
/* Mounts bpffs on /sys/fs/bpf when needed and creates the run's pin dir. */
int run_pin_dir(const char *id, char *buf, size_t len);
int run_state_write(const struct run_info *ri);
/* Records the policy file by its absolute path (as given when that fails). */
void run_info_set_policy(struct run_info *ri, const char *file);
int run_state_read(const char *id, struct run_info *ri);
void run_state_remove(const char *id);
/*
 * Unpins and removes everything of a run whose cgroup is empty; -EBUSY if
 * not. The cgroup itself is removed only when Sevorix created it.
 */
int run_cleanup_one(const char *id, bool force_state);
/* Unpins a run's programs and forgets it, whatever its cgroup holds (detach). */
void run_unpin(const char *id);
/* The pin directory of a run (ri->pins, else RUN_PIN_ROOT/ID). */
void run_pins_of(const char *id, const struct run_info *ri, char *buf, size_t len);
/* Unpins every link in dir and removes it. */
void run_remove_pins(const char *dir);

/*
 * Where a run's events went, kept after the run ends (its state file is
 * removed at teardown): RUN_LOG_DIR/ID.where holds the destination as
 * given to --events ("journal", "ocsf:FILE", FILE, or "-"), with a FILE
 * made absolute. A run without one wrote to RUN_LOG_DIR/ID.jsonl.
 */
int run_events_record(const char *id, const char *dest);
/* The destination of run id's events, into buf. Returns 0 or -errno (-ENOENT: no such run). */
int run_events_lookup(const char *id, char *buf, size_t len);

#endif
