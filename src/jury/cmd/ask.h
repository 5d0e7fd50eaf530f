/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `sevorix jury ask`: one review request per line in, one answer per line
 * out, in order. Blank lines are skipped. A line that is not a valid
 * request gets {"error": ...} on its output line, so answers stay aligned
 * with requests.
 */
#ifndef SEVORIX_JURY_CMD_ASK_H
#define SEVORIX_JURY_CMD_ASK_H

#include <stdio.h>

#include "jury/jury.h"

/* Judges in-process with j. Returns 0 or -errno (I/O errors only). */
int jury_ask_local(struct jury *j, FILE *in, FILE *out);
/* Asks the jury serving on the UNIX socket path, over one keep-alive
 * connection. Returns 0 or -errno (-ECONNREFUSED: nobody answers). */
int jury_ask_socket(const char *path, FILE *in, FILE *out);

#endif
