/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lines of text appended to a caller's buffer: a report that does not
 * fit is cut at a whole line and remembered as cut.
 */
#ifndef SEVORIX_UTIL_LINES_H
#define SEVORIX_UTIL_LINES_H

#include <stdbool.h>
#include <stddef.h>

struct lines {
	char *buf;
	size_t len, off;
	bool cut;	/* a line did not fit; it and all after it are left out */
};

/* Appends one line (a '\n' is added); buf stays NUL-terminated. */
__attribute__((format(printf, 2, 3))) void lines_add(struct lines *o, const char *fmt, ...);

#endif
