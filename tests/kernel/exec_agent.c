// SPDX-License-Identifier: GPL-2.0-only
/*
 * A stand-in agent for the exec tests: ways of running a program that do
 * not go through a plain execve of its path.
 *
 *   exec_agent memfd FILE [ARGS...]   copy FILE into a memfd, execveat() it
 *   exec_agent race GOOD BAD ARG N    N times: execve() a path that another
 *                                     thread keeps swapping between GOOD and
 *                                     BAD, with argv {path, ARG}; prints how
 *                                     many execs succeeded
 *   exec_agent argvrace PROG A B N    the same with argv {PROG, A|B} swapped
 *   exec_agent connrace IP_A PORT_A IP_B PORT_B N   N connects to a sockaddr
 *                                     that another thread keeps swapping
 *                                     between A and B; prints how many connected
 * Prints "EPERM" or "ERR name" when the exec fails.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int run_memfd(int argc, char **argv)
{
	int src = open(argv[2], O_RDONLY), fd = memfd_create("agent", MFD_CLOEXEC);
	struct stat st;

	if (src < 0 || fd < 0 || fstat(src, &st) < 0 ||
	    sendfile(fd, src, NULL, st.st_size) != st.st_size) {
		perror("exec_agent: memfd");
		return 3;
	}
	(void)argc;
	syscall(SYS_execveat, fd, "", argv + 2, environ, AT_EMPTY_PATH);
	puts(errno == EPERM ? "EPERM" : strerrorname_np(errno));
	return errno == EPERM ? 1 : 2;
}

static char path[4096], arg[4096];
static const char *paths[2];
static char *target = path;

static void *swapper(void *unused)
{
	(void)unused;
	for (unsigned long i = 0;; i++)
	{
		strcpy(target, paths[i & 1]); /* a torn string is fine: it is the point */
		__asm__ volatile("" ::: "memory"); /* every store happens */
	}
	return NULL;
}

/* Swaps path (race) or argv[1] (argvrace) during the exec. */
static int run_race(char **argv, bool swap_argv)
{
	int n = atoi(argv[5]), ok = 0;

	paths[0] = swap_argv ? argv[3] : argv[2];
	paths[1] = swap_argv ? argv[4] : argv[3];
	target = swap_argv ? arg : path;
	strcpy(path, argv[2]);
	strcpy(arg, argv[4]);
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			pthread_t t;
			/* argv[0] as a shell would pass it: the name typed */
			char *name = swap_argv ? strrchr(argv[2], '/') + 1 : path;
			char *args[] = { name, swap_argv ? arg : argv[4], NULL };

			strcpy(target, paths[0]);
			pthread_create(&t, NULL, swapper, NULL);
			usleep(100);
			execve(path, args, environ);
			_exit(100);
		}
		waitpid(pid, &st, 0);
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	printf("%d\n", ok);
	return 0;
}

static struct sockaddr_in dest, ends[2];

static void *swap_addr(void *unused)
{
	(void)unused;
	for (unsigned long i = 0;; i++) {
		memcpy(&dest, &ends[i & 1], sizeof(dest));
		__asm__ volatile("" ::: "memory");
	}
	return NULL;
}

static int run_connrace(char **argv)
{
	int n = atoi(argv[6]), ok = 0;
	pthread_t t;

	for (int i = 0; i < 2; i++) {
		ends[i].sin_family = AF_INET;
		inet_pton(AF_INET, argv[2 + 2 * i], &ends[i].sin_addr);
		ends[i].sin_port = htons(atoi(argv[3 + 2 * i]));
	}
	dest = ends[0];
	pthread_create(&t, NULL, swap_addr, NULL);
	for (int i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		ok += connect(fd, (struct sockaddr *)&dest, sizeof(dest)) == 0;
		close(fd);
	}
	printf("%d\n", ok);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "memfd"))
		return run_memfd(argc, argv);
	if (argc == 6 && !strcmp(argv[1], "race"))
		return run_race(argv, false);
	if (argc == 6 && !strcmp(argv[1], "argvrace"))
		return run_race(argv, true);
	if (argc == 7 && !strcmp(argv[1], "connrace"))
		return run_connrace(argv);
	fprintf(stderr, "usage: exec_agent memfd FILE [ARGS] | race GOOD BAD ARG N\n");
	return 3;
}
