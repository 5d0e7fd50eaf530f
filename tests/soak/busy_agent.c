// SPDX-License-Identifier: GPL-2.0-only
/*
 * A busy agent for the soak under `sevorix run`: WORKERS processes loop
 * for SECONDS over what an agent does all day -- connect to an allowed
 * and to a denied address, open an allowed and a denied file, exec an
 * allowed and a denied program -- and check each answer: the allowed ones
 * must succeed, the denied ones must fail with the errno of their layer
 * (EPERM for a connect and an exec, EACCES for an open). At the end it
 * prints how many of each it made, so the caller can compare the denials
 * with the events the run wrote.
 *
 *   busy_agent SECONDS WORKERS OK_ADDR DENIED_ADDR PORT OK_FILE DENIED_FILE OK_EXE DENIED_EXE
 *
 * Prints "connect_ok N connect_denied N open_ok N open_denied N exec_ok N
 * exec_denied N errors N"; exit 0 only without errors.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { C_OK, C_DENIED, O_OK, O_DENIED, E_OK, E_DENIED, ERRORS, NCOUNT };

static const char *const names[] = { "connect_ok", "connect_denied", "open_ok", "open_denied",
				     "exec_ok", "exec_denied", "errors" };

/* 0: connected; else the errno of connect(). */
static int try_connect(const char *addr, int port)
{
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), e = 0;
	struct linger lg = { 1, 0 };

	inet_pton(AF_INET, addr, &in.sin_addr);
	if (fd < 0)
		return errno;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)); /* no TIME_WAIT pile-up */
	if (connect(fd, (struct sockaddr *)&in, sizeof(in)) < 0)
		e = errno;
	close(fd);
	return e;
}

static int try_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* 0: ran and exited 0; else the errno execve() failed with (from the child's exit status). */
static int try_exec(const char *path)
{
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0) {
		execl(path, path, (char *)NULL);
		_exit(errno < 100 ? 100 + errno : 99);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st) >= 100 ? WEXITSTATUS(st) - 100 : WEXITSTATUS(st) ? -1 : 0;
}

static void work(char **a, double until, unsigned long *n)
{
	struct timespec ts;
	int port = atoi(a[5]);

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (ts.tv_sec + ts.tv_nsec / 1e9 >= until)
			return;
		n[try_connect(a[3], port) == 0 ? C_OK : ERRORS]++;
		n[try_connect(a[4], port) == EPERM ? C_DENIED : ERRORS]++;
		n[try_open(a[6]) == 0 ? O_OK : ERRORS]++;
		n[try_open(a[7]) == EACCES ? O_DENIED : ERRORS]++;
		n[try_exec(a[8]) == 0 ? E_OK : ERRORS]++;
		n[try_exec(a[9]) == EPERM ? E_DENIED : ERRORS]++;
	}
}

int main(int argc, char **argv)
{
	unsigned long *n, sum[NCOUNT] = { 0 };
	struct timespec ts;
	double until;
	int workers;

	if (argc != 10 || (workers = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: busy_agent SECONDS WORKERS OK_ADDR DENIED_ADDR PORT OK_FILE "
				"DENIED_FILE OK_EXE DENIED_EXE\n");
		return 2;
	}
	n = mmap(NULL, workers * NCOUNT * sizeof(*n), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (n == MAP_FAILED)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	until = ts.tv_sec + ts.tv_nsec / 1e9 + atoi(argv[1]);
	for (int w = 0; w < workers; w++) {
		if (fork() == 0) {
			work(argv, until, n + w * NCOUNT);
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	for (int w = 0; w < workers; w++)
		for (int k = 0; k < NCOUNT; k++)
			sum[k] += n[w * NCOUNT + k];
	for (int k = 0; k < NCOUNT; k++)
		printf("%s%s %lu", k ? " " : "", names[k], sum[k]);
	putchar('\n');
	return sum[ERRORS] ? 1 : 0;
}
