/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the events reader of `policy suggest`
 * (src/learn/denials.c): a run's events file, JSON lines. Any bytes must
 * read to a list of denials (or a clean error), each of a known kind,
 * with the fields its kind needs, and a count that adds up.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "learn/suggest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	struct denials d;
	unsigned long sum = 0;
	int r;

	if (!f)
		return 0;
	r = denials_read(f, size % 2 ? "r1" : NULL, &d);
	fclose(f);
	if (r && r != -ENOMEM)
		abort();
	if (r)
		return 0;
	for (size_t i = 0; i < d.n; i++) {
		const struct denial *x = &d.v[i];

		if (x->kind > DEN_HARDEN || !x->count)
			abort();
		if ((x->kind == DEN_FILE || x->kind == DEN_UNIX || x->kind == DEN_EXEC) && !x->path)
			abort();
		if (x->kind == DEN_EXEC && (!x->argv || !x->reason))
			abort();
		if (x->kind == DEN_FILE && !x->access)
			abort();
		sum += x->count;
	}
	if (sum != d.events)
		abort();
	denials_free(&d);
	return 0;
}
