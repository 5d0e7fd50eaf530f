// SPDX-License-Identifier: GPL-2.0-only
/*
 * The run's init: PID 1 of its PID namespace, the agent's parent. The
 * agent must not be PID 1 itself: the kernel delivers to PID 1 only the
 * signals it has a handler for, so an agent that never installed one
 * would ignore the SIGTERM that `sevorix run` forwards, and orphans of
 * the agent would be reparented to it and never reaped.
 *
 * init keeps SIGINT, SIGTERM, SIGHUP and SIGQUIT blocked and waits for
 * them with SIGCHLD (sigwaitinfo: blocked signals are queued to PID 1,
 * also from the supervisor outside the namespace), forwards the first
 * four to the agent when a process sent them (a terminal's Ctrl-C
 * reaches the agent's process group itself: forwarded too, an agent
 * that exits on a second Ctrl-C would), reaps every child, and when the agent is gone exits
 * with its status (128 + the signal that killed it, as a shell reports
 * it), which the kernel follows by killing what is left in the
 * namespace. It runs as the agent user, with no capabilities,
 * no_new_privs and not dumpable, and outside the agent's Landlock
 * domain, so the agent can neither signal nor trace it.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/run.h"

static void __attribute__((noreturn)) finish(int st)
{
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

/* Reaps every child that has exited; ends init when the agent is one of them. */
static void reap(pid_t agent)
{
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		if (pid == agent)
			finish(st);
	if (pid < 0 && errno == ECHILD)
		_exit(125); /* the agent was reaped elsewhere: cannot happen, fail closed */
}

void run_init(const struct child_spec *c, pid_t agent)
{
	sigset_t set;
	int r;

	r = run_drop(c);
	if (r == 0 && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		r = -errno;
	if (r < 0) {
		kill(agent, SIGKILL);
		run_fail(c->err_fd, RUN_STAGE_INIT, 0, -r);
	}
	/* the supervisor's descriptors (maps, links, the hold's socket, Landlock's
	 * rulesets, the log) are the agent's own copies or none of init's business */
	syscall(SYS_close_range, 3, ~0U, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGCHLD);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);

		if (sig == SIGCHLD)
			reap(agent);
		else if (sig > 0 && si.si_code != SI_KERNEL)
			kill(agent, sig); /* from the terminal, the agent had it too */
	}
}
