/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the jury's configuration (src/jury/config.c): a
 * jury.yaml is loaded. One that is refused must say why; one that loads
 * must print (`sevorix jury config`) to a file that loads again and then
 * prints the same.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../lib/fuzz_file.h"
#include "jury/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *print(const struct jury_config *cfg, size_t *len)
{
	char *buf = NULL, *nl;
	FILE *f = open_memstream(&buf, len);

	if (!f || jury_config_print(cfg, f) < 0)
		abort();
	fclose(f);
	nl = strchr(buf, '\n');
	if (!nl)
		abort();
	*len -= nl + 1 - buf;
	memmove(buf, nl + 1, *len + 1);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fa = -1, fb = -1;
	struct jury_config *c1 = NULL, *c2 = NULL, *c3 = NULL;
	char pa[64], pb[64], err[512] = "", *t1, *t2, *t3;
	size_t l1, l2, l3;
	int r;

	if (size > 16384)
		return 0;
	fuzz_file_put(&fa, pa, sizeof(pa), data, size);
	r = jury_config_load(pa, &c1, err, sizeof(err));
	if (r && (c1 || (r == -EINVAL && !err[0])))
		abort(); /* refused without saying why */
	if (r)
		return 0;
	t1 = print(c1, &l1);
	fuzz_file_put(&fb, pb, sizeof(pb), t1, l1);
	if (jury_config_load(pb, &c2, err, sizeof(err)))
		abort(); /* printed what does not load */
	t2 = print(c2, &l2);
	fuzz_file_put(&fb, pb, sizeof(pb), t2, l2);
	if (jury_config_load(pb, &c3, err, sizeof(err)))
		abort();
	t3 = print(c3, &l3);
	if (l2 != l3 || memcmp(t2, t3, l2))
		abort(); /* printing is not stable */
	free(t1);
	free(t2);
	free(t3);
	jury_config_free(c1);
	jury_config_free(c2);
	jury_config_free(c3);
	return 0;
}
