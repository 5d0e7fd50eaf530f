/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Partly sent messages: sendmsg() may take only the start of what its
 * iovecs hold, and the caller sends the rest.
 */
#ifndef SEVORIX_UTIL_IOV_H
#define SEVORIX_UTIL_IOV_H

#include <stddef.h>
#include <sys/socket.h>

/* Drops the first n bytes of mh's iovecs (those sendmsg() took). */
void iov_advance(struct msghdr *mh, size_t n);

#endif
