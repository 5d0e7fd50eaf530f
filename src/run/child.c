// SPDX-License-Identifier: GPL-2.0-only
/*
 * The agent's side of the fork in `sevorix run`: join the run's cgroup,
 * become the agent user, confine, exec. Runs between fork() and execve(),
 * so it only makes system calls and reports a failure as an errno on a
 * pipe; the supervisor turns it into a message and an exit status.
 *
 * Privileges are dropped in the order that leaves nothing to regain:
 * groups and gid, then the capability bounding set (which needs
 * CAP_SETPCAP, so before the uid changes), then the uid (which clears the
 * permitted and effective sets), then the ambient set, then no_new_privs.
 * A binary with file capabilities (ping) gains nothing afterwards: its
 * file capabilities are masked by the empty bounding set, and setuid bits
 * are ignored under no_new_privs.
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hold/hold.h"
#include "run/run.h"

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

static void __attribute__((noreturn)) fail(int fd, int err)
{
	ssize_t n = write(fd, &err, sizeof(err));

	(void)n;
	_exit(125);
}

/* Never returns. Writes -errno to c->err_fd and exits on any failure. */
void run_child(const struct child_spec *c)
{
	char pid[] = "0";
	sigset_t none;

	/* the supervisor blocks the signals it forwards; the agent gets them */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* --pty: a session of its own whose terminal is the supervisor's pty */
	if (c->pty_slave >= 0 &&
	    (setsid() < 0 || ioctl(c->pty_slave, TIOCSCTTY, 0) < 0 ||
	     dup2(c->pty_slave, 0) < 0 || dup2(c->pty_slave, 1) < 0 ||
	     dup2(c->pty_slave, 2) < 0))
		fail(c->err_fd, errno);
	if (c->pty_slave > 2)
		close(c->pty_slave);
	if (write(c->cgroup_procs_fd, pid, 1) < 0)
		fail(c->err_fd, errno);
	close(c->cgroup_procs_fd);
	if (!c->as_root) {
		int r = become_user(c);

		if (r < 0)
			fail(c->err_fd, -r);
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		fail(c->err_fd, errno);
	if (!c->as_root && verify_no_caps() < 0)
		fail(c->err_fd, EPERM);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail(c->err_fd, errno);
	if (c->hold_sock >= 0) {
		int r = hold_child_install(c->hold_sock, c->trap_connect);

		if (r < 0)
			fail(c->err_fd, -r);
		close(c->hold_sock);
	}
	/* confine: landlock, seccomp */
	if (c->confine) {
		int r = c->confine(c->confine_arg);

		if (r < 0)
			fail(c->err_fd, -r);
	}
	if (c->home)
		setenv("HOME", c->home, 1);
	if (c->user) {
		setenv("USER", c->user, 1);
		setenv("LOGNAME", c->user, 1);
	}
	execvp(c->argv[0], c->argv);
	/* the exec error gets its own marker so the parent can tell 126 from 127 */
	fail(c->err_fd, errno | RUN_EXEC_ERR);
}
