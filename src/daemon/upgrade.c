// SPDX-License-Identifier: GPL-2.0-only
/*
 * Upgrades without a gap. Pinned programs outlive any process, but a
 * container's seccomp listener cannot be pinned: it lives as long as some
 * process holds its fd. So the new daemon connects to the old one's
 * control socket (SOCK_SEQPACKET, root only) and the old one hands over,
 * one message each, with the fd as SCM_RIGHTS:
 *
 *   new -> old   "upgrade"
 *   old -> new   "container RUN" + listener     (one per container)
 *                "listen http|ctl|oci" + socket (its listening sockets)
 *                "end"
 *   new -> old   "done"   (every container is held again)
 *
 * The old process stops each hold before sending its listener (one
 * receiver at a time; a call in flight is answered by the old process,
 * one that arrives meanwhile waits in the kernel), and exits only after
 * "done". If the new process goes away before that, the old one takes its
 * containers back and goes on. The listening sockets travel too, so the
 * runtimes and /metrics clients never meet a closed socket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/internal.h"
#include "util/fdpass.h"
#include "util/log.h"

static int send_container(void *ctx, const char *id, int fd)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "container %s", id);
	return fdpass_send(*(int *)ctx, msg, fd);
}

/* The old process's side. Returns 1 when everything was handed over, else 0. */
int upgrade_serve(struct daemon *d)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	char msg[64];
	int conn = accept4(d->ctl, NULL, NULL, SOCK_CLOEXEC), fd = -1, r;

	if (conn < 0)
		return 0;
	/* only root may take the daemon's place */
	r = getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != 0
		    ? -EPERM : fdpass_recv(conn, msg, sizeof(msg), &fd, 2000);
	if (!r && (fd >= 0 || strcmp(msg, "upgrade")))
		r = -EPROTO;
	if (r < 0) {
		if (fd >= 0)
			close(fd);
		close(conn);
		return 0;
	}
	log_notice("handing over to pid %d", cred.pid);
	watch_poll(d); /* the events so far are ours to write */
	r = oci_agent_hand_over(d->agent, send_container, &conn);
	r = r ?: fdpass_send(conn, "listen http", d->http);
	r = r ?: fdpass_send(conn, "listen ctl", d->ctl);
	if (!r && d->oci >= 0)
		r = fdpass_send(conn, "listen oci", d->oci);
	r = r ?: fdpass_send(conn, "end", -1);
	r = r ?: fdpass_recv(conn, msg, sizeof(msg), &fd, 30000);
	if (!r && (fd >= 0 || strcmp(msg, "done")))
		r = -EPROTO;
	if (fd >= 0)
		close(fd);
	close(conn);
	if (r < 0) {
		log_error("the upgrade failed (%s); going on", strerror(-r));
		oci_agent_hand_back(d->agent);
		return 0;
	}
	snprintf(msg, sizeof(msg), "MAINPID=%d", cred.pid);
	daemon_notify(msg);
	d->upgraded = true;
	return 1;
}

static int take_socket(struct daemon *d, const char *what, int fd)
{
	int *slot = !strcmp(what, "http") ? &d->http : !strcmp(what, "ctl") ? &d->ctl
			   : !strcmp(what, "oci") ? &d->oci : NULL;

	if (!slot || *slot >= 0)
		return -EPROTO;
	*slot = fd;
	return 0;
}

/* The new process's side: everything of the running daemon, or an error. */
int upgrade_receive(struct daemon *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), fd = -1, r, held = 0;
	char msg[64];

	if (sock < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", d->control);
	r = connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	r = r ?: fdpass_send(sock, "upgrade", -1);
	while (!r && !(r = fdpass_recv(sock, msg, sizeof(msg), &fd, 30000))) {
		if (!strcmp(msg, "end") && fd < 0)
			break;
		if (!strncmp(msg, "container ", 10) && fd >= 0)
			/* a container we cannot hold fails closed: its listener is closed */
			held += oci_agent_adopt(d->agent, msg + 10, fd) == 0;
		else if (!strncmp(msg, "listen ", 7) && fd >= 0)
			r = take_socket(d, msg + 7, fd);
		else
			r = -EPROTO;
		if (r < 0 && fd >= 0)
			close(fd);
	}
	r = r ?: fdpass_send(sock, "done", -1);
	close(sock);
	if (r == 0)
		log_notice("took over %d container(s)", held);
	return r;
}

void daemon_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(sa.sun_path))
		return;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (path[0] == '@')
		sa.sun_path[0] = 0; /* an abstract socket */
	len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
	close(fd);
}
