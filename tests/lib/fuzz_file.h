/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For libFuzzer targets of loaders that read a named file (the rulebook,
 * jury.yaml): the input written to a memory file, reused from one input
 * to the next, and named by its /proc/self/fd path.
 */
#ifndef SEVORIX_TESTS_FUZZ_FILE_H
#define SEVORIX_TESTS_FUZZ_FILE_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Writes text[0..n) to the memory file *fd (made on first use) and names it in path. */
static inline void fuzz_file_put(int *fd, char *path, size_t len, const void *text, size_t n)
{
	if (*fd < 0 && (*fd = memfd_create("fuzz-input", MFD_CLOEXEC)) < 0)
		abort();
	if (ftruncate(*fd, 0) < 0 || pwrite(*fd, text, n, 0) != (ssize_t)n)
		abort();
	snprintf(path, len, "/proc/self/fd/%d", *fd);
}

#endif
