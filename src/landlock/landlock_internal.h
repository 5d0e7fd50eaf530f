/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared between the files of src/landlock/ only.
 */
#ifndef SEVORIX_LANDLOCK_INTERNAL_H
#define SEVORIX_LANDLOCK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "landlock/landlock.h"

/* Rights that a rule on a non-directory may carry. */
uint64_t landlock_file_rights(void);

/* files and exec sections into plan->layers (plan->abi set). Returns 0 or -errno. */
int landlock_build_fs(const struct policy *p, struct landlock_plan *plan, char *err,
		      size_t errlen);

/* Writes "file:line:col: message" (or just the message when loc has no file) to err. */
void landlock_err(char *err, size_t errlen, const struct policy_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
