// SPDX-License-Identifier: GPL-2.0-only
/*
 * The child side of the fork in `sevorix run`. The child is PID 1 of the
 * run's new PID namespace: it builds the private world (sandbox/), makes
 * the Landlock rulesets in that world, and makes the agent in the run's
 * cgroup, whose side becomes the agent user, confines itself and execs;
 * the child stays as the agent's init (init.c), outside the cgroup.
 * Between fork() and execve() only system calls are made; a failure is
 * reported as a struct run_fail on a pipe, and the supervisor turns it
 * into a message and an exit status.
 *
 * The agent is born in the cgroup (clone3 with CLONE_INTO_CGROUP) rather
 * than moved there: moving a process waits for an RCU grace period in the
 * cgroup core (its threadgroup lock taken for writing), 10-20 ms of every
 * run's start on these machines; a process born there waits for none. So
 * every process of the agent is in the cgroup from its first instruction,
 * while init, which never leaves its wait loop, is not: it has no
 * capabilities, is not dumpable and is outside the agent's Landlock
 * domain (init.c), so the agent can neither trace nor signal it, and it
 * makes its mounts where the BPF LSM layer, which refuses them inside the
 * cgroup, does not look.
 *
 * Privileges are dropped in the order that leaves nothing to regain:
 * groups and gid, then the capability bounding set (which needs
 * CAP_SETPCAP, so before the uid changes), then the uid (which clears the
 * permitted and effective sets), then the ambient set, then no_new_privs.
 * A binary with file capabilities (ping) gains nothing afterwards: its
 * file capabilities are masked by the empty bounding set, and setuid bits
 * are ignored under no_new_privs.
 *
 * Descriptors: the agent gets 0, 1, 2 and those named with --keep-fd; all
 * others inherited from before the run are closed at its exec (as sudo
 * does), so that a descriptor opened outside (a directory above a masked
 * path, a socket to a denied destination) does not reach the agent.
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine/confine.h"
#include "hold/hold.h"
#include "run/run.h"
#include "sandbox/sandbox.h"

static int drop_bounding_set(void)
{
	for (int cap = 0; cap <= 63; cap++) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
			break; /* past the kernel's last capability */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return -errno;
	}
	return 0;
}

static int become_user(const struct child_spec *c)
{
	if (setgroups(1, &c->gid) < 0 || setresgid(c->gid, c->gid, c->gid) < 0)
		return -errno;
	if (drop_bounding_set() < 0)
		return -errno;
	if (setresuid(c->uid, c->uid, c->uid) < 0)
		return -errno;
	return 0;
}

/* Checks that no capability is left in any set; a non-root agent must have none. */
static int verify_no_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	for (int i = 0; i < 2; i++)
		if (d[i].effective || d[i].permitted || d[i].inheritable)
			return -EPERM;
	return 0;
}

void run_fail(int fd, int stage, size_t index, int err)
{
	struct run_fail f = { .err = err, .stage = stage, .index = index };
	ssize_t n = write(fd, &f, sizeof(f));

	(void)n;
	_exit(125);
}

int run_drop(const struct child_spec *c)
{
	int r = c->as_root ? 0 : become_user(c);

	if (r == 0 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		r = -errno;
	if (r == 0 && !c->as_root && verify_no_caps() < 0)
		r = -EPERM;
	if (r == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		r = -errno;
	return r;
}

/* Every descriptor from 3 up is closed at exec, except those of --keep-fd. */
static int close_inherited(const struct child_spec *c)
{
	unsigned int from = 3;

	for (;;) {
		unsigned int to = ~0U;

		for (size_t i = 0; i < c->nkeep; i++)
			if ((unsigned int)c->keep_fds[i] >= from && (unsigned int)c->keep_fds[i] - 1 < to)
				to = (unsigned int)c->keep_fds[i] - 1;
		/* fail closed: a kernel without close_range(CLOEXEC) (5.11) does not start the agent */
		if (to >= from && syscall(SYS_close_range, from, to, CLOSE_RANGE_CLOEXEC) < 0)
			return -errno;
		if (to == ~0U)
			return 0;
		from = to + 2;
	}
}

/* The agent's side: becomes the agent user, confines itself, execs. */
static void __attribute__((noreturn)) run_agent(const struct child_spec *c)
{
	sigset_t none;
	int r;

	/* init blocks the signals it forwards; the agent gets them */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* --pty: a session of its own whose terminal is the supervisor's pty */
	if (c->pty_slave >= 0 &&
	    (setsid() < 0 || ioctl(c->pty_slave, TIOCSCTTY, 0) < 0 || dup2(c->pty_slave, 0) < 0 ||
	     dup2(c->pty_slave, 1) < 0 || dup2(c->pty_slave, 2) < 0))
		run_fail(c->err_fd, RUN_STAGE_SETUP, 0, errno);
	if (c->pty_slave > 2)
		close(c->pty_slave);
	r = run_drop(c);
	if (r < 0)
		run_fail(c->err_fd, RUN_STAGE_SETUP, 0, -r);
	if (c->hold_sock >= 0) {
		r = hold_child_install(c->hold_sock, c->trap_connect);
		if (r < 0)
			run_fail(c->err_fd, RUN_STAGE_SETUP, 0, -r);
		close(c->hold_sock);
	}
	/* confine: landlock, seccomp */
	r = c->cf ? confine_child(c->cf) : 0;
	r = r ?: close_inherited(c);
	if (r < 0)
		run_fail(c->err_fd, RUN_STAGE_SETUP, 0, -r);
	if (c->home)
		setenv("HOME", c->home, 1);
	if (c->user) {
		setenv("USER", c->user, 1);
		setenv("LOGNAME", c->user, 1);
	}
	execvp(c->argv[0], c->argv);
	run_fail(c->err_fd, RUN_STAGE_EXEC, 0, errno);
}

/*
 * Makes the agent in the run's cgroup: like fork(), 0 in the agent. A raw
 * clone3, which glibc does not prepare for as it does for fork(): safe
 * because init has a single thread, so no lock of libc is held at this
 * moment, and the agent makes system calls and execs.
 */
static pid_t fork_into(int cgroup_fd)
{
	struct clone_args a = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
				.cgroup = (__u64)cgroup_fd };

	return syscall(SYS_clone3, &a, sizeof(a));
}

void run_child(const struct child_spec *c)
{
	size_t at = 0;
	sigset_t waited;
	pid_t agent;
	int r;

	/* init waits for these (init.c): blocked before the agent can exit */
	sigemptyset(&waited);
	sigaddset(&waited, SIGCHLD);
	sigprocmask(SIG_BLOCK, &waited, NULL);
	r = c->sandbox ? sandbox_enter(c->sandbox, &at) : 0;
	if (r < 0)
		run_fail(c->err_fd, RUN_STAGE_SANDBOX, at, -r);
	r = c->cf ? confine_rulesets(c->cf, &at) : 0;
	if (r < 0)
		run_fail(c->err_fd, RUN_STAGE_LANDLOCK, at, -r);
	/* fail closed: an agent that cannot be made in the cgroup is not made */
	agent = fork_into(c->cgroup_fd);
	if (agent < 0)
		run_fail(c->err_fd, RUN_STAGE_INIT, 0, errno);
	if (agent == 0)
		run_agent(c);
	/* the pty is the agent's terminal, not init's */
	if (c->pty_slave > 2)
		close(c->pty_slave);
	run_init(c, agent);
}
