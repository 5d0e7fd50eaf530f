/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by several built-in jurors (not part of jurors.h, the
 * door the jury uses).
 */
#ifndef SEVORIX_JURY_JURORS_INT_H
#define SEVORIX_JURY_JURORS_INT_H

#include <stdbool.h>

/* Is name (a program's base name) a well-known everyday tool (known_tools.c)? */
bool jurors_known_tool(const char *name);

#endif
