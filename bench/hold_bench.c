// SPDX-License-Identifier: GPL-2.0-only
/*
 * Latency of single calls as an agent sees them: fork+exec+wait of a
 * program, or socket+connect+close to a loopback listener of its own.
 * Prints "p50_us p99_us" over N samples; bench/hold_bench.sh runs it
 * inside runs with and without the hold and prints the differences.
 *
 *   hold_bench exec N PROG [ARGS...]
 *   hold_bench connect N ADDR PORT     (ADDR:PORT must accept)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double one_exec(char **argv)
{
	double t0 = now_us();
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? now_us() - t0 : -1;
}

static double one_connect(const struct sockaddr_in *sa)
{
	struct linger lg = { 1, 0 };
	double t0 = now_us();
	int fd = socket(AF_INET, SOCK_STREAM, 0), r;

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	r = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	return r == 0 ? now_us() - t0 : -1;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 0, got = 0;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	double *s;

	if (argc < 4 || n <= 0 || (strcmp(argv[1], "exec") && strcmp(argv[1], "connect"))) {
		fprintf(stderr, "usage: hold_bench exec N PROG [ARGS] | connect N ADDR PORT\n");
		return 2;
	}
	if (!strcmp(argv[1], "connect")) {
		inet_pton(AF_INET, argv[3], &sa.sin_addr);
		sa.sin_port = htons(atoi(argv[4]));
	}
	s = calloc(n, sizeof(*s));
	for (int i = 0; s && i < n; i++) {
		double us = !strcmp(argv[1], "exec") ? one_exec(argv + 3) : one_connect(&sa);

		if (us >= 0)
			s[got++] = us;
	}
	if (!got) {
		fprintf(stderr, "hold_bench: every call failed\n");
		return 1;
	}
	qsort(s, got, sizeof(*s), cmp);
	printf("%.1f %.1f\n", s[got / 2], s[(int)(got * 0.99)]);
	return 0;
}
