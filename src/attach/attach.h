/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A running process tree put under a policy from outside (`sevorix
 * attach`), given another policy without a gap (`policy apply` for an
 * attachment, and the daemon's reloads), and released (`sevorix detach`).
 */
#ifndef SEVORIX_ATTACH_H
#define SEVORIX_ATTACH_H

/* sevorix attach | detach: the argv after `sevorix`; return the exit status. */
int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);
/* sevorix policy apply ID FILE for an attachment; returns the exit status. */
int attach_apply(const char *id, const char *file, const char *user);
/* Applies an attachment's policy file again (the daemon's SIGHUP). Returns 0 or -errno. */
int attach_reload(const char *id);

#endif
