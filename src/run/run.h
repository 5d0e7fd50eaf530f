/* SPDX-License-Identifier: GPL-2.0-only */
/* `sevorix run`: the supervisor and the agent's side of the fork. */
#ifndef SEVORIX_RUN_H
#define SEVORIX_RUN_H

#include <stdbool.h>
#include <stddef.h>
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

struct policy;
/*
 * start.c. The file execvp(argv0) will run (symbolic links resolved) and
 * its ${AGENT_DIR} (policy/agent.h). Returns 0 or -ENOENT.
 */
int run_find_command(const char *argv0, char *command, size_t clen, char *agent_dir,
		     size_t dlen);
/* One line on stderr per allow rule that grants nothing (policy_check_paths()). */
void run_warn_paths(const struct policy *p);
/*
 * One warning per shell or tool start-up file in home that p lets the agent
 * write; none when p has no files section or home does not exist.
 */
void run_warn_startup_files(const struct policy *p, const char *home);
/* After execve(command) failed with err: the rule that refused it and one that allows it. */
void run_explain_start(const struct policy *p, const char *command, const char *agent_dir,
		       char *const argv[], int err);

/* sevorix run: the argv after `sevorix`; returns the exit status (see run_usage). */
int cmd_run(int argc, char **argv);

#endif
