/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The listening side of `sevorix jury serve` (server.h).
 *
 * One thread per connection. The jury's clients are few (the supervisor
 * opens one connection per held call and closes it with the answer;
 * `jury ask` and the benchmark keep one each), a review is CPU-bound and
 * short, and a thread keeps the code for a connection a plain
 * read-parse-answer loop that reads top to bottom. The number of
 * connections is capped (max_clients); beyond it a client gets 503 at once
 * instead of a queue.
 *
 * UNIX socket peers are checked with SO_PEERCRED before a byte is read;
 * an untrusted peer gets 403 and the connection is closed. TCP peers
 * cannot be identified: --listen is meant for loopback (a cloud judge in
 * tests) and for hosts where the network itself is trusted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "jury/server/conn.h"
#include "jury/server/priv.h"
#include "jury/server/server.h"

struct jury_server {
	int ufd, tfd; /* -1 when absent */
	char *socket_path;
	uid_t uid;
	gid_t gid;
	pthread_mutex_t lock;
	pthread_cond_t idle;
	int nconns;
	int *fds; /* the open connections, for shutdown */
	int nfds;
};

struct conn_arg {
	struct jury_server *s;
	int slot;
	struct jury *j;
	int fd;
	bool check_peer;
};

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

/* Creates the socket's directory (0750, group gid) when it is missing. */
static int socket_dir(const char *path, uid_t uid, gid_t gid)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0750) == 0) {
		if (geteuid() == 0 && chown(dir, uid, gid))
			return -errno;
	} else if (errno != EEXIST) {
		return -errno;
	}
	return 0;
}

/* Refuses to take over a socket that someone still answers on. */
static int socket_stale(const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, ret = 0;

	if (lstat(sa->sun_path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
		ret = -EADDRINUSE;
	else if (unlink(sa->sun_path))
		ret = -errno;
	close(fd);
	return ret;
}

static int listen_unix(struct jury_server *s, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = -1, ret;
	mode_t old;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	ret = socket_dir(path, s->uid, s->gid);
	if (!ret)
		ret = socket_stale(&sa);
	if (ret)
		goto fail;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		goto fail;
	}
	old = umask(0117);
	ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
	umask(old);
	if (!ret && (chmod(path, 0660) || (geteuid() == 0 && chown(path, s->uid, s->gid)) ||
		     listen(fd, 256)))
		ret = -errno;
	if (ret)
		goto fail;
	s->ufd = fd;
	s->socket_path = strdup(path);
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	if (fd >= 0)
		close(fd);
	return ret;
}

/* "HOST:PORT" or "[V6ADDR]:PORT", numeric host only. */
static int listen_tcp(struct jury_server *s, const char *spec, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	char host[128];
	const char *colon = strrchr(spec, ':');
	struct addrinfo *ai = NULL;
	int fd = -1, one = 1, ret;
	size_t hl;

	if (!colon || colon == spec || (hl = (size_t)(colon - spec)) >= sizeof(host))
		goto bad;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (host[0] == '[' && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = '\0';
	}
	if (getaddrinfo(host, colon + 1, &hints, &ai))
		goto bad;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 256)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return ret;
	}
	freeaddrinfo(ai);
	s->tfd = fd;
	return 0;
bad:
	snprintf(err, errlen, "%s: expected HOST:PORT with a numeric address", spec);
	return -EINVAL;
}

int jury_server_listen(const struct jury_server_opts *opts, struct jury_server **ret, char *err,
		       size_t errlen)
{
	struct jury_server *s = calloc(1, sizeof(*s));
	int r = 0;

	*ret = NULL;
	if (!s)
		return -ENOMEM;
	s->ufd = s->tfd = -1;
	s->uid = opts->uid;
	s->gid = opts->gid;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->idle, NULL);
	if (opts->socket_path)
		r = listen_unix(s, opts->socket_path, err, errlen);
	if (!r && opts->listen)
		r = listen_tcp(s, opts->listen, err, errlen);
	if (r) {
		jury_server_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

void jury_server_free(struct jury_server *s)
{
	if (!s)
		return;
	if (s->ufd >= 0)
		close(s->ufd);
	if (s->tfd >= 0)
		close(s->tfd);
	/* Best effort: after the privilege drop the directory may not be ours. */
	if (s->socket_path)
		unlink(s->socket_path);
	free(s->socket_path);
	free(s->fds);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->idle);
	free(s);
}

/*
 * Closes a connection without losing the last answer: closing a socket with
 * unread request bytes makes the kernel send a reset, which can destroy the
 * answer (a 403 or 413) before the client reads it. So the write side is
 * shut first and what the client still sends is drained, briefly.
 */
static void conn_close(int fd)
{
	struct timeval tv = { 0, 200 * 1000 };
	char sink[4096];
	int i;

	shutdown(fd, SHUT_WR);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (i = 0; i < 32 && recv(fd, sink, sizeof(sink), 0) > 0; i++)
		;
	close(fd);
}

static void *conn_main(void *arg)
{
	struct conn_arg *a = arg;
	struct jury_server *s = a->s;
	const struct jury_config *cfg = jury_config_of(a->j);

	/* An untrusted peer is refused before a byte of it is read (fail
	 * closed: a peer whose credentials cannot be read is untrusted). */
	if (a->check_peer && !jury_peer_trusted(a->fd, s->uid, s->gid))
		jury_conn_error(a->j, a->fd, 403, "this peer is not trusted by the jury", false);
	else
		jury_conn_serve(a->j, a->fd, cfg->client_timeout_ms);
	pthread_mutex_lock(&s->lock);
	s->fds[a->slot] = -1;
	pthread_mutex_unlock(&s->lock);
	conn_close(a->fd);
	free(a);
	pthread_mutex_lock(&s->lock);
	if (!--s->nconns)
		pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
			   "Connection: close\r\n\r\n";

/* Starts a thread for a new connection, or refuses it with 503 when full. */
static void conn_start(struct jury_server *s, struct jury *j, int fd, bool check_peer)
{
	const struct jury_config *cfg = jury_config_of(j);
	struct timeval tv = { cfg->client_timeout_ms / 1000,
			      (cfg->client_timeout_ms % 1000) * 1000 };
	struct conn_arg *a = malloc(sizeof(*a));
	pthread_attr_t attr;
	pthread_t tid;
	bool full;

	int slot = -1;

	pthread_mutex_lock(&s->lock);
	full = s->nconns >= cfg->max_clients;
	if (!full && a) {
		s->nconns++;
		for (slot = 0; s->fds[slot] >= 0; slot++)
			;
		s->fds[slot] = fd;
	}
	pthread_mutex_unlock(&s->lock);
	/* No room, no review: the client denies on any status but 200 (fail
	 * closed, docs/review-api.md). */
	if (full || !a) {
		jury_metrics_refused(j, 503);
		send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		free(a);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	*a = (struct conn_arg){ .s = s, .slot = slot, .j = j, .fd = fd, .check_peer = check_peer };
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&tid, &attr, conn_main, a)) {
		close(fd);
		free(a);
		pthread_mutex_lock(&s->lock);
		s->fds[slot] = -1;
		s->nconns--;
		pthread_mutex_unlock(&s->lock);
	}
	pthread_attr_destroy(&attr);
}

/*
 * Ends every connection: shutting the read side wakes a thread waiting for
 * its client at once, and one in the middle of a review finishes it (a
 * review is bounded by its deadline) before it sees the end. Waits for them
 * up to wait_ms.
 */
static void conns_stop(struct jury_server *s, int wait_ms)
{
	struct timespec ts;
	int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += wait_ms / 1000 + 1;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->nfds; i++)
		if (s->fds[i] >= 0)
			shutdown(s->fds[i], SHUT_RD);
	while (s->nconns && pthread_cond_timedwait(&s->idle, &s->lock, &ts) == 0)
		;
	pthread_mutex_unlock(&s->lock);
}

int jury_server_run(struct jury_server *s, struct jury *j)
{
	struct pollfd p[2];
	struct sigaction sa = { .sa_handler = on_stop };
	const struct jury_config *cfg = jury_config_of(j);
	sigset_t set, empty;
	int n = 0, i, fd;

	s->fds = malloc((size_t)cfg->max_clients * sizeof(*s->fds));
	if (!s->fds)
		return -ENOMEM;
	s->nfds = cfg->max_clients;
	for (i = 0; i < s->nfds; i++)
		s->fds[i] = -1;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* SIGTERM/SIGINT stay blocked except inside ppoll(), so every thread
	 * started from here inherits them blocked and the signal always ends
	 * this loop, with no window between the check and the wait. */
	sigemptyset(&empty);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (s->ufd >= 0)
		p[n++] = (struct pollfd){ .fd = s->ufd, .events = POLLIN };
	if (s->tfd >= 0)
		p[n++] = (struct pollfd){ .fd = s->tfd, .events = POLLIN };
	while (!stop_signal) {
		if (ppoll(p, (nfds_t)n, NULL, &empty) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (i = 0; i < n; i++) {
			if (!(p[i].revents & POLLIN))
				continue;
			fd = accept4(p[i].fd, NULL, NULL, SOCK_CLOEXEC);
			if (fd < 0)
				continue;
			conn_start(s, j, fd, p[i].fd == s->ufd);
		}
	}
	conns_stop(s, cfg->deadline_ms + cfg->cloud_deadline_ms);
	return 0;
}

int jury_server_busy(struct jury_server *s)
{
	int n;

	pthread_mutex_lock(&s->lock);
	n = s->nconns;
	pthread_mutex_unlock(&s->lock);
	return n;
}
