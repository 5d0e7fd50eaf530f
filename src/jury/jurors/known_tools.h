/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The well-known everyday tools (known_tools.c), which the rulebook and
 * the grounding juror both consult.
 */
#ifndef SEVORIX_JURY_KNOWN_TOOLS_H
#define SEVORIX_JURY_KNOWN_TOOLS_H

#include <stdbool.h>

/* Is name (a program's base name) a well-known everyday tool (known_tools.c)? */
bool jurors_known_tool(const char *name);

#endif
