/* SPDX-License-Identifier: GPL-2.0-only */
/* The jury's command, for the dispatcher in cli/: `sevorix jury serve | ask | config | doctor` (cmd/main.c). */
#ifndef SEVORIX_JURY_CMD_H
#define SEVORIX_JURY_CMD_H

/* The argv after `sevorix`; returns the exit status. */
int jury_main(int argc, char **argv);

#endif
