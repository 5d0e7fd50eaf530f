/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Short text messages over a UNIX socket, each with at most one file
 * descriptor (SCM_RIGHTS): how a listener fd reaches the supervisor and
 * how a daemon hands its fds to the one that replaces it.
 */
#ifndef SEVORIX_UTIL_FDPASS_H
#define SEVORIX_UTIL_FDPASS_H

#include <stddef.h>

/* Sends text, with fd when fd >= 0. Returns 0 or -errno. */
int fdpass_send(int sock, const char *text, int fd);

/*
 * Receives one message into buf (NUL-terminated) within timeout_ms (-1:
 * no limit); *fd is the descriptor it carried, else -1. Returns 0 or
 * -errno (-ETIMEDOUT, -ECONNRESET, -EPROTO for a message cut short).
 */
int fdpass_recv(int sock, char *buf, size_t len, int *fd, int timeout_ms);

#endif
