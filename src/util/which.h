/* SPDX-License-Identifier: GPL-2.0-only */
/* Finding a command as execvp(3) does. */
#ifndef SEVORIX_UTIL_WHICH_H
#define SEVORIX_UTIL_WHICH_H

#include <stddef.h>

/*
 * The file execvp(name) would run, as an absolute path (not resolved
 * through links): name itself when it has a '/' (made absolute against
 * the current directory), else the first executable regular file of that
 * name on $PATH (or /bin:/usr/bin). Returns 0, or -ENOENT, -ENAMETOOLONG.
 */
int which_command(const char *name, char *buf, size_t len);

#endif
