/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One client connection of the jury's HTTP server (conn.c).
 */
#ifndef SEVORIX_JURY_CONN_H
#define SEVORIX_JURY_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include "jury/jury.h"

/* Serves requests on fd until the client closes, errs or stalls for
 * timeout_ms. Does not close fd. */
void jury_conn_serve(struct jury *j, int fd, int timeout_ms);
/* Sends one response. Returns 0 or -EIO. */
int jury_conn_respond(int fd, int status, const char *ctype, const char *body, size_t len,
		      bool keep_alive);
/* Sends {"error": msg} with status and counts it. Returns 0 or -errno. */
int jury_conn_error(struct jury *j, int fd, int status, const char *msg, bool keep_alive);

#endif
