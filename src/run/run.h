/* SPDX-License-Identifier: GPL-2.0-only */
/* `sevorix run`: the supervisor and the agent's side of the fork. */
#ifndef SEVORIX_RUN_H
#define SEVORIX_RUN_H

#include <stdbool.h>
#include <sys/types.h>

/* Set in the errno a child reports when execvp() itself failed. */
#define RUN_EXEC_ERR 0x40000000

struct child_spec {
	int cgroup_procs_fd;	/* open for writing; the child writes "0" to join */
	int err_fd;		/* CLOEXEC pipe: an int errno on failure, EOF on exec */
	bool as_root;
	uid_t uid;
	gid_t gid;
	const char *home;
	const char *user;
	char **argv;
	int hold_sock;		/* >= 0: install the exec trap, send its listener here */
	bool trap_connect;	/* trap connect too (network review rules) */
	/* Applied after no_new_privs, before exec; returns 0 or -errno. */
	int (*confine)(void *arg);
	void *confine_arg;
};

void run_child(const struct child_spec *c) __attribute__((noreturn));

/* Where a run keeps its state (runs.c). */
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

#endif
