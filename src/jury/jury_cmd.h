/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `sevorix jury serve | ask | config | doctor` (cmd/main.c).
 */
#ifndef SEVORIX_JURY_CMD_H
#define SEVORIX_JURY_CMD_H

int jury_main(int argc, char **argv);

#endif
