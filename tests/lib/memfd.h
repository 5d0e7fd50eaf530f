/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A copy of a file in a memfd: how the stand-in agents run a program
 * that exists on no filesystem (tests/escape/try.c, exec_try.c).
 */
#ifndef SEVORIX_TEST_MEMFD_H
#define SEVORIX_TEST_MEMFD_H

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

/* A memfd named name (memfd_create() flags) holding a copy of path, or -1. */
static inline int memfd_copy(const char *path, const char *name, unsigned int flags)
{
	int in = open(path, O_RDONLY), fd = memfd_create(name, flags);
	char buf[65536];
	ssize_t n;

	if (in < 0 || fd < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, n) != n)
			return -1;
	close(in);
	return fd;
}

#endif
