/* SPDX-License-Identifier: GPL-2.0-only */
/* `sevorix run`: the supervisor, the run's init and the agent's side of the fork. */
#ifndef SEVORIX_RUN_H
#define SEVORIX_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct sandbox;
struct confine;

/* What the child reports on err_fd when it cannot start the agent (EOF: the exec happened). */
enum run_stage {
	RUN_STAGE_SETUP = 1,	/* the agent's own set-up (uid change, filters): errno */
	RUN_STAGE_EXEC = 2,	/* execvp() of the command: errno (126/127) */
	RUN_STAGE_SANDBOX = 3,	/* a step of the private world: index = the step */
	RUN_STAGE_LANDLOCK = 4,	/* a Landlock rule opened in that world: index = the rule */
	RUN_STAGE_INIT = 5,	/* the run's init could not start or drop its privileges */
};

struct run_fail {
	int err;		/* errno */
	int stage;		/* enum run_stage */
	size_t index;
};

struct child_spec {
	int cgroup_fd;		/* the run's cgroup, where init makes the agent (clone3) */
	int err_fd;		/* CLOEXEC pipe: a struct run_fail on failure, EOF on exec */
	bool as_root;
	uid_t uid;
	gid_t gid;
	const char *home;
	const char *user;
	char **argv;
	int hold_sock;		/* >= 0: install the exec trap, send its listener here */
	int pty_slave;		/* >= 0: the controlling terminal and stdio (--pty) */
	bool trap_connect;	/* trap connect too (network review rules) */
	struct sandbox *sandbox; /* the private world, built by init before the agent */
	struct confine *cf;	/* Landlock (rulesets made after the mounts) and seccomp */
	const int *keep_fds;	/* passed to the command besides 0, 1, 2 (--keep-fd) */
	size_t nkeep;
};

/*
 * The child of the fork, PID 1 of the run's new PID namespace: builds the
 * private world, joins the cgroup, makes the Landlock rulesets, forks the
 * agent (run_agent) and stays as its init (run_init). Never returns.
 */
void run_child(const struct child_spec *c) __attribute__((noreturn));
/* init.c: forwards the run's signals to agent and reaps; exits with the agent's status. */
void run_init(const struct child_spec *c, pid_t agent) __attribute__((noreturn));
/* child.c: the privilege drop shared by the agent and init. 0 or -errno. */
int run_drop(const struct child_spec *c);
/* child.c: writes a struct run_fail to fd and exits 125. */
void run_fail(int fd, int stage, size_t index, int err) __attribute__((noreturn));

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
