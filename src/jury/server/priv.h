/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Privilege separation for the jury: the service runs as an unprivileged
 * user because it parses untrusted text (requests, model output), and it
 * answers only peers it trusts, so that an agent cannot query or flood its
 * own jury.
 */
#ifndef SEVORIX_JURY_PRIV_H
#define SEVORIX_JURY_PRIV_H

#include <stdbool.h>
#include <sys/types.h>

#define JURY_USER "sevorix"

struct jury_ids {
	uid_t uid;
	gid_t gid; /* the service user's group: trusted peers' group */
};

/* Looks the user up; when it is JURY_USER and missing (and we are root),
 * creates it as a system user with useradd. Returns 0 or -errno. */
int jury_user_resolve(const char *user, struct jury_ids *ids);
/* Gives the process ids' uid and gid (no supplementary groups), empties the
 * capability bounding and ambient sets and sets no_new_privs. Irreversible.
 * Returns 0 or -errno. */
int jury_drop_privileges(const struct jury_ids *ids);
/* Is the peer of a connected UNIX socket root, the service user itself, or a
 * member (primary or supplementary) of trusted_gid? Fails closed: any
 * error while asking the kernel returns false. */
bool jury_peer_trusted(int fd, uid_t self, gid_t trusted_gid);

#endif
