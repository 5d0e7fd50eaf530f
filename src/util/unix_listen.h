/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SEVORIX_UTIL_UNIX_LISTEN_H
#define SEVORIX_UTIL_UNIX_LISTEN_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * A listening UNIX socket at path, mode 0600 (root's only); its folder is
 * made with dir_mode when missing. type is SOCK_STREAM or SOCK_SEQPACKET,
 * with SOCK_NONBLOCK if wanted (SOCK_CLOEXEC always). A socket file left
 * at path is replaced, unless refuse_live and something still answers
 * there (-EADDRINUSE). Returns the fd or -errno.
 */
int unix_listen(const char *path, int type, mode_t dir_mode, int backlog, bool refuse_live);

#endif
