// SPDX-License-Identifier: GPL-2.0-only
/*
 * exec_try: one way of running a program per invocation, for the exec
 * escape tests (tests/escape/exec.t). Prints "OK" and exits 0 when the
 * program ran, or the errno name ("EPERM") and exits 1 when the exec was
 * refused, "KILLED" when the new image was killed before it ran; 2 on
 * bad usage. Operations that time something print the figure on the line
 * before.
 *
 *   exec_try self-exe              re-exec itself through /proc/self/exe
 *   exec_try dev-fd PROG           open PROG, execve("/dev/fd/N")
 *   exec_try proc-fd PROG          open PROG, execve("/proc/self/fd/N")
 *   exec_try stall BIG N           start N execs of BIG, then time one exec of
 *                                  /usr/bin/true (ms on the line before OK)
 *   exec_try run PROG [ARGS...]    execve PROG in a child
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/*
 * Runs argv[0] (path) in a child: 0 when it exited 0, else -1 with errno
 * set to the exec's errno (sent back on a pipe), or EINTR when it was
 * killed (errno EOWNERDEAD stands for "killed": the report prints KILLED).
 */
static int spawn(const char *path, char *const argv[])
{
	int p[2], e = 0, st;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		execve(path, argv, environ);
		e = errno;
		if (write(p[1], &e, sizeof(e)) < 0)
			_exit(126);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0)
		return -1;
	if (read(p[0], &e, sizeof(e)) == sizeof(e)) {
		waitpid(pid, NULL, 0);
		errno = e;
		return -1;
	}
	close(p[0]);
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st)) {
		errno = EOWNERDEAD;
		return -1;
	}
	errno = EINVAL;
	return WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int report(int r)
{
	if (r == 0) {
		printf("OK\n");
		return 0;
	}
	printf("%s\n", errno == EOWNERDEAD ? "KILLED" : strerrorname_np(errno));
	return 1;
}

/* Execs PROG through a name of its open descriptor: fmt is "/dev/fd/%d" or "/proc/self/fd/%d". */
static int by_fd(const char *fmt, const char *prog)
{
	char path[64], *argv[] = { (char *)prog, NULL };
	int fd = open(prog, O_RDONLY); /* not close-on-exec: the exec needs it */

	if (fd < 0)
		return report(-1);
	snprintf(path, sizeof(path), fmt, fd);
	return report(spawn(path, argv));
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* N execs of big in flight, then one of /usr/bin/true timed. */
static int stall(const char *big, int n)
{
	char *bargv[] = { (char *)big, NULL }, *targv[] = { "true", NULL };
	pid_t kids[16];
	double t0;
	int r;

	for (int i = 0; i < n && i < 16; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			execve(big, bargv, environ);
			_exit(127);
		}
	}
	usleep(100 * 1000); /* the big ones are being identified now */
	t0 = now_ms();
	r = spawn("/usr/bin/true", targv);
	printf("%.1f\n", now_ms() - t0);
	for (int i = 0; i < n && i < 16; i++)
		waitpid(kids[i], NULL, 0);
	return report(r);
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	char *self[] = { "exec_try", "child", NULL };

	if (!strcmp(op, "child"))
		return 0;
	if (!strcmp(op, "self-exe"))
		return report(spawn("/proc/self/exe", self));
	if (!strcmp(op, "dev-fd") && argc == 3)
		return by_fd("/dev/fd/%d", argv[2]);
	if (!strcmp(op, "proc-fd") && argc == 3)
		return by_fd("/proc/self/fd/%d", argv[2]);
	if (!strcmp(op, "stall") && argc == 4)
		return stall(argv[2], atoi(argv[3]));
	if (!strcmp(op, "run") && argc >= 3)
		return report(spawn(argv[2], argv + 2));
	fprintf(stderr, "exec_try: unknown operation '%s'\n", op);
	return 2;
}
