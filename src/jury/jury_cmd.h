/* SPDX-License-Identifier: GPL-2.0-only */
/* The jury's commands, for the dispatcher in cli/: `sevorix jury serve | ask | config |
 * doctor` (cmd/main.c), and a person's `sevorix pending | approve | deny` (cmd/pending.c). */
#ifndef SEVORIX_JURY_CMD_H
#define SEVORIX_JURY_CMD_H

/* The argv after `sevorix`; returns the exit status. */
int jury_main(int argc, char **argv);
/* `sevorix pending | approve ID | deny ID` (cmd/pending.c): argv[0] is the command. */
int jury_pending_main(int argc, char **argv);

#endif
