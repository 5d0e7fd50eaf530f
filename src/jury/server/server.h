/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `sevorix jury serve`: the review API over HTTP/1.1 on a UNIX stream
 * socket and, optionally, TCP (docs/review-api.md).
 */
#ifndef SEVORIX_JURY_SERVER_H
#define SEVORIX_JURY_SERVER_H

#include <stdbool.h>
#include <sys/types.h>

#include "jury/jury.h"

#define JURY_DEFAULT_SOCKET "/var/run/sevorix/slm.sock"

struct jury_server_opts {
	const char *socket_path; /* NULL: no UNIX socket */
	const char *listen; /* "HOST:PORT", "[V6]:PORT" or NULL */
	bool drop; /* change to ids before serving */
	uid_t uid;
	gid_t gid; /* the group trusted on the UNIX socket */
};

struct jury_server;

/* Creates the listening sockets (the UNIX one with its directory 0750 and
 * mode 0660, owned by uid:gid). Returns 0 or -errno; err says which. */
int jury_server_listen(const struct jury_server_opts *opts, struct jury_server **ret, char *err,
		       size_t errlen);
/* Serves until SIGTERM or SIGINT. Returns 0 or -errno. */
int jury_server_run(struct jury_server *s, struct jury *j);
/* Connections still being served (after run() returned). */
int jury_server_busy(struct jury_server *s);
void jury_server_free(struct jury_server *s);

#endif
