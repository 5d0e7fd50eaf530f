/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The subcommands that live in cli/ itself (looking at runs, checking
 * policies, probing the kernel); every other one is declared by the
 * folder that does its job. Each takes the argv that follows `sevorix`
 * (argv[0] is the subcommand) and returns the process exit status.
 */
#ifndef SEVORIX_CLI_H
#define SEVORIX_CLI_H

int cmd_policy(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_cleanup(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_explain(int argc, char **argv);
/* policy_learn.c: `policy diff` and `policy suggest` (argv[0] is the verb) */
int cmd_policy_diff(int argc, char **argv);
int cmd_policy_suggest(int argc, char **argv);

#endif
