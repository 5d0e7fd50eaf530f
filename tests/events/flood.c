// SPDX-License-Identifier: GPL-2.0-only
/*
 * A flood of denied connects for tests/events/flood.t: N TCP connects,
 * each to a distinct destination in 10.0.0.0/8 (identical ones would
 * aggregate trivially), as fast as one thread can make them, then one
 * connect to ADDR:PORT. Prints how many the kernel refused (EPERM), the
 * time the flood took, and the answer to the last one.
 *
 *   flood N ADDR PORT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(80) };
	struct timespec t0, t1;
	long n = argc == 4 ? atol(argv[1]) : -1, refused = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0), r;

	if (n < 0 || n > 0xfffffe || fd < 0) {
		fprintf(stderr, "usage: flood N ADDR PORT (N < 2^24)\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 1; i <= n; i++) {
		in.sin_addr.s_addr = htonl(0x0a000000 | i);
		refused += connect(fd, (struct sockaddr *)&in, sizeof(in)) < 0 && errno == EPERM;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	in.sin_port = htons(atoi(argv[3]));
	if (inet_pton(AF_INET, argv[2], &in.sin_addr) != 1)
		return 2;
	r = connect(fd, (struct sockaddr *)&in, sizeof(in));
	printf("refused %ld of %ld in %.3f s; last: %s\n", refused, n,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       r < 0 && errno == EPERM ? "EPERM" : "other");
	close(fd);
	return 0;
}
