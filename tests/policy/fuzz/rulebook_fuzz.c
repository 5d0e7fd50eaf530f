/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the rulebook loader (src/policy/): a YAML file is
 * loaded for a fixed agent. A file with errors must say so (at least one
 * file:line:col message, no policy); one without must print (`policy
 * print`) to a file that loads again, prints the same, and decides the
 * same as the original everywhere (`policy diff` of the two, and of the
 * policy with itself, finds nothing).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../lib/fuzz_file.h"
#include "learn/diff.h"
#include "sevorix/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT 16384
#define MAX_RULES_FOR_DIFF 256

static const struct policy_env env = { "/home/u", "u", "/home/u/ws", NULL };

static char *print(const struct policy *p, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f || policy_print(p, false, f) < 0)
		abort();
	fclose(f);
	return buf;
}

static void same_effect(const struct policy *a, const struct policy *b)
{
	struct policy_diff *d = NULL;

	if (a->nnet_rules + a->nfile_rules + a->nexec_rules > MAX_RULES_FOR_DIFF)
		return;
	if (policy_diff(a, b, &d) != 0)
		abort();
	if (d->nrows || d->nund)
		abort(); /* printing changed what the policy decides */
	policy_diff_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fa = -1, fb = -1;
	struct policy_diag diag = { 0 };
	struct policy *p = NULL, *q = NULL;
	char pa[64], pb[64], *t1, *t2;
	size_t l1, l2;
	int r;

	if (size > MAX_INPUT)
		return 0;
	fuzz_file_put(&fa, pa, sizeof(pa), data, size);
	r = policy_load(pa, &env, &p, &diag);
	if (r == -EINVAL && (p || !diag.nerrors))
		abort(); /* refused without saying where */
	if (r && r != -EINVAL && r != -ENOMEM)
		abort();
	policy_diag_clear(&diag);
	if (!p)
		return 0;
	t1 = print(p, &l1);
	fuzz_file_put(&fb, pb, sizeof(pb), t1, l1);
	if (policy_load(pb, &env, &q, &diag) != 0)
		abort(); /* policy print wrote what does not load */
	policy_diag_clear(&diag);
	t2 = print(q, &l2);
	if (l1 != l2 || memcmp(t1, t2, l1))
		abort(); /* not a fixed point */
	same_effect(p, p);
	same_effect(p, q);
	free(t1);
	free(t2);
	policy_free(p);
	policy_free(q);
	return 0;
}
