// SPDX-License-Identifier: GPL-2.0-only
/*
 * How fast the hold takes a content identity (src/hold/ident.c): the
 * SHA-256 of a file of HOLD_HASH_CAP bytes of random data, read from the
 * page cache, best of ROUNDS. Prints "MB/s seconds"; with a file argument
 * it times that file instead (a file above the cap costs the cap).
 *
 *   hash_bench [ROUNDS] [FILE]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hold/internal.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A file of size random bytes, already unlinked; its fd. */
static int random_file(size_t size)
{
	char path[] = "/tmp/sevorix-hashbench.XXXXXX";
	int fd = mkstemp(path);
	char buf[65536];

	if (fd < 0)
		return -1;
	unlink(path);
	for (size_t done = 0; done < size; done += sizeof(buf)) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = rand();
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	int fd = argc > 2 ? open(argv[2], O_RDONLY) : random_file(HOLD_HASH_CAP);
	double best = 1e9;
	uint8_t sha[32];
	struct stat st;
	uint64_t read_bytes;

	if (fd < 0 || fstat(fd, &st) < 0 || rounds < 1) {
		fprintf(stderr, "usage: hash_bench [ROUNDS] [FILE]\n");
		return 2;
	}
	read_bytes = (uint64_t)st.st_size < HOLD_HASH_CAP ? (uint64_t)st.st_size : HOLD_HASH_CAP;
	hold_hash_file(fd, st.st_size, sha); /* into the page cache */
	for (int i = 0; i < rounds; i++) {
		double t0 = now();

		if (hold_hash_file(fd, st.st_size, sha) < 0) {
			perror("hash_bench");
			return 1;
		}
		if (now() - t0 < best)
			best = now() - t0;
	}
	printf("%.0f %.4f\n", read_bytes / best / 1e6, best);
	return 0;
}
