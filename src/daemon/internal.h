/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sevorixd, the daemon: shared by the files of src/daemon/; not a public
 * interface. daemon.c runs the loop, watch.c follows every protected
 * cgroup (its maps, its event log), serve.c answers HTTP on the local
 * socket, upgrade.c hands everything to a new process.
 */
#ifndef SEVORIX_DAEMON_INTERNAL_H
#define SEVORIX_DAEMON_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "apply/maps.h"
#include "oci/oci.h"
#include "runs/runs.h"

#define DAEMON_SOCKET "/run/sevorix/sevorixd.sock"
#define DAEMON_MAX_WATCHED 256
#define DAEMON_MAX_CLIENTS 32
#define DAEMON_MAX_PAIRS 48

/* A protected cgroup the daemon follows (a run, an attachment, a container). */
struct watched {
	struct run_info ri;
	char pins[512];		/* whose maps are open */
	struct run_maps maps;
	struct policy *p;	/* attachments: the policy of their events */
	struct events *ev;	/* attachments: their ring buffer, read here */
	int log;		/* its event log, read from off on */
	off_t off;
	char part[4096];	/* a line not yet complete */
	size_t npart;
	bool seen;		/* still in the state dir at the last scan */
};

struct counters {
	struct {
		char layer[24], verdict[12];
		unsigned long long n;
	} decisions[DAEMON_MAX_PAIRS];
	unsigned long long held[2][2];	/* [exec, connect][allow, deny] */
	unsigned long long jury_errors;
	unsigned long long reloads, reload_errors;
	unsigned long long lines, dropped_subscribers;
};

#define DAEMON_MAX_BACKLOG (4 << 20) /* bytes a subscriber may fall behind */

struct client {
	int fd;
	bool events;		/* subscribed to the stream */
	char buf[8192];
	size_t len;
	char *out;		/* /events lines not yet taken by the subscriber */
	size_t outlen;
};

struct daemon {
	const char *socket, *control, *policy, *oci_socket, *jury, *log_dir;
	const char *events;	/* --events: where every event of the node also goes, or NULL */
	struct events_sink *sink;
	char policy_real[4096];	/* the policy file, resolved: attachments that use it reload */
	char exe[4096];		/* this binary, for SIGUSR2 */
	char **argv;
	int http, ctl, oci;	/* listening sockets; -1 when not served */
	struct oci_agent *agent;
	struct watched *w[DAEMON_MAX_WATCHED];
	struct client *c[DAEMON_MAX_CLIENTS];
	struct counters n;
	bool owner;		/* bound its socket paths, or took them over */
	bool upgraded;		/* handed everything to a new process: leave its sockets */
};

/* watch.c */
void watch_scan(struct daemon *d, bool first);
void watch_poll(struct daemon *d);
void watch_free(struct daemon *d);
int watch_reload(struct daemon *d);
int watch_protected(const struct daemon *d);

/* serve.c */
int serve_listen(const char *path, int type);
void serve_accept(struct daemon *d);
void serve_client(struct daemon *d, int i);
void serve_broadcast(struct daemon *d, const char *line, size_t len);
/* Sends what subscriber i can take now; true while some is left. */
bool serve_flush(struct daemon *d, int i);
void serve_close_all(struct daemon *d);

/* upgrade.c */
int upgrade_serve(struct daemon *d);
int upgrade_receive(struct daemon *d);
/* Tells the service manager, if any ($NOTIFY_SOCKET), a state line. */
void daemon_notify(const char *state);

#endif
