/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for learn mode's reader of what a program loads
 * (src/learn/interp.c): the first bytes of a file the agent may have
 * written, as a "#!" line or an ELF's program headers. What it names must
 * be a NUL-terminated string inside the output; anything else is an error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "learn/learn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[256];
	int r;

	memset(out, 0x55, sizeof(out));
	r = learn_interp_of(data, size, out, sizeof(out));
	if (r && r != -ENOENT && r != -EINVAL)
		abort();
	if (!r && (!memchr(out, 0, sizeof(out)) || !out[0]))
		abort();
	return 0;
}
