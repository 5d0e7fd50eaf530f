/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Subcommands of the sevorix binary. Each takes the argv that follows its
 * name (argv[0] is the subcommand) and returns the process exit status.
 */
#ifndef SEVORIX_CLI_H
#define SEVORIX_CLI_H

#include <stdio.h>

int cmd_run(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_cleanup(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
/* sevorix daemon (src/daemon/) */
int cmd_daemon(int argc, char **argv);

/* src/jury/: sevorix jury serve|ask ... */
int jury_main(int argc, char **argv);

#endif
