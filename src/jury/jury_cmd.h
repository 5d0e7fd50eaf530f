/* SPDX-License-Identifier: GPL-2.0-only */
/* The jury's command, for the dispatcher in cli/. */
#ifndef SEVORIX_JURY_CMD_H
#define SEVORIX_JURY_CMD_H

/* sevorix jury serve|ask|...: the argv after `sevorix`; returns the exit status. */
int jury_main(int argc, char **argv);

#endif
