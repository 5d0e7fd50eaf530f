// SPDX-License-Identifier: GPL-2.0-only
/*
 * connect() cost on loopback: socket + connect to an accepting local
 * server + close, N times; prints the median ns/op of R rounds. The
 * server runs in a thread of this process, so the same binary measures
 * inside an agent cgroup and outside one. bench/run.sh compares runs.
 *
 *   net_bench [N [ROUNDS]]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void *serve(void *arg)
{
	int ls = *(int *)arg;

	for (;;) {
		int c = accept(ls, NULL, NULL);

		if (c >= 0)
			close(c);
	}
	return NULL;
}

static long long now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20000, rounds = argc > 2 ? atoi(argv[2]) : 5;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t len = sizeof(sa);
	double ns[64];
	pthread_t t;
	int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 4096) ||
	    getsockname(ls, (struct sockaddr *)&sa, &len)) {
		perror("net_bench: listen");
		return 1;
	}
	pthread_create(&t, NULL, serve, &ls);
	if (rounds > 64)
		rounds = 64;
	for (int r = 0; r < rounds; r++) {
		long long t0 = now();

		for (int i = 0; i < n; i++) {
			struct linger lg = { 1, 0 }; /* close with RST: no TIME_WAIT pile-up */
			int fd = socket(AF_INET, SOCK_STREAM, 0);

			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
				perror("net_bench: connect");
				return 1;
			}
			close(fd);
		}
		ns[r] = (double)(now() - t0) / n;
	}
	qsort(ns, rounds, sizeof(*ns), cmp);
	printf("%.0f\n", ns[rounds / 2]);
	return 0;
}
