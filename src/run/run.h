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
	int pty_slave;		/* >= 0: the controlling terminal and stdio (--pty) */
	bool trap_connect;	/* trap connect too (network review rules) */
	/* Applied after no_new_privs, before exec; returns 0 or -errno. */
	int (*confine)(void *arg);
	void *confine_arg;
};

void run_child(const struct child_spec *c) __attribute__((noreturn));

/* sevorix run: the argv after `sevorix`; returns the exit status (see run_usage). */
int cmd_run(int argc, char **argv);

#endif
