/* SPDX-License-Identifier: GPL-2.0-only */
/* sevorixd, the node's supervisor (sevorixd(8)); daemon/internal.h is its inside. */
#ifndef SEVORIX_DAEMON_H
#define SEVORIX_DAEMON_H

/* sevorix daemon, and the binary run as sevorixd: argv as given; returns the exit status. */
int cmd_daemon(int argc, char **argv);

#endif
