/* SPDX-License-Identifier: GPL-2.0-only */
/* Loading a rulebook written in a test, through the real loader. */
#ifndef SEVORIX_TESTS_POLICY_TEXT_H
#define SEVORIX_TESTS_POLICY_TEXT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sevorix/policy.h"

/* Writes text to a temporary file and loads it for env; NULL on errors (printed as "# "). */
static inline struct policy *policy_from_text(const char *text, const struct policy_env *env)
{
	char path[] = "/tmp/sevorix-policy-XXXXXX";
	struct policy_diag d = { 0 };
	struct policy *p = NULL;
	int fd = mkstemp(path);

	if (fd < 0)
		return NULL;
	if (write(fd, text, strlen(text)) == (ssize_t)strlen(text))
		policy_load(path, env, &p, &d);
	close(fd);
	for (size_t i = 0; i < d.nlines; i++)
		printf("# %s\n", d.lines[i]);
	policy_diag_clear(&d);
	unlink(path);
	return p;
}

#endif
