// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's local socket: HTTP/1.1 on a UNIX stream socket (mode 0600,
 * root only). Two resources, both GET:
 *
 *   /metrics  Prometheus text format: decisions by layer and verdict (from
 *             the event logs), held calls, jury errors, the kernel's own
 *             counters per protected cgroup (allows after the first are
 *             only counted there), lost events, protected cgroups, reloads.
 *   /events   every new line of every run's event log, as it is written
 *             (JSON lines, the body ends when the connection does).
 *
 * Requests are parsed by the bounded parser of util/http.h (the jury's too).
 * Everything runs in the daemon's poll loop and never blocks on a client:
 * lines a subscriber cannot take at once wait in its backlog, and one that
 * falls DAEMON_MAX_BACKLOG bytes behind is disconnected (and counted).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/internal.h"
#include "util/http.h"
#include "sevorix/abi.h"
#include "util/unix_listen.h"

int serve_listen(const char *path, int type)
{
	/* a daemon that answers there keeps its socket: a second one must --upgrade */
	return unix_listen(path, type | SOCK_NONBLOCK, 0755, 16, true);
}

void serve_accept(struct daemon *d)
{
	int fd = accept4(d->http, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	for (int i = 0; i < DAEMON_MAX_CLIENTS; i++)
		if (!d->c[i] && (d->c[i] = calloc(1, sizeof(*d->c[i])))) {
			d->c[i]->fd = fd;
			return;
		}
	close(fd); /* too many clients */
}

static void drop(struct daemon *d, int i)
{
	close(d->c[i]->fd);
	free(d->c[i]->out);
	free(d->c[i]);
	d->c[i] = NULL;
}

/* Writes all of buf, waiting at most a second in all for a slow reader. */
static void send_all(int fd, const char *buf, size_t len)
{
	for (int tries = 0; len && tries < 10;) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		struct pollfd p = { fd, POLLOUT, 0 };

		if (n > 0) {
			buf += n, len -= n;
		} else if (n < 0 && errno == EAGAIN) {
			poll(&p, 1, 100);
			tries++;
		} else {
			return;
		}
	}
}

static void respond(int fd, int status, const char *type, const char *body, size_t len)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n",
			 status, http_reason(status), type, len);

	send_all(fd, head, n);
	send_all(fd, body, len);
}

static void metric_head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The kernel's counters of every protected cgroup whose maps are open. */
static void kernel_metrics(const struct daemon *d, FILE *f)
{
	static const char *const verdicts[] = { [SX_STAT_ALLOW] = "allow", [SX_STAT_DENY] = "deny" };

	metric_head(f, "sevorix_kernel_decisions_total", "counter",
		    "Connects and sends decided by the cgroup programs, per protected cgroup.");
	for (int i = 0; i < DAEMON_MAX_WATCHED; i++)
		for (int s = SX_STAT_ALLOW; d->w[i] && d->w[i]->maps.stats >= 0 && s <= SX_STAT_DENY;
		     s++)
			fprintf(f, "sevorix_kernel_decisions_total{run=\"%s\",verdict=\"%s\"} %llu\n",
				d->w[i]->ri.id, verdicts[s], run_maps_stat(&d->w[i]->maps, s));
	metric_head(f, "sevorix_lost_events_total", "counter",
		    "Events dropped in the kernel (ring buffer full); decisions are enforced "
		    "all the same.");
	for (int i = 0; i < DAEMON_MAX_WATCHED; i++)
		if (d->w[i] && d->w[i]->maps.stats >= 0)
			fprintf(f, "sevorix_lost_events_total{run=\"%s\"} %llu\n", d->w[i]->ri.id,
				run_maps_stat(&d->w[i]->maps, SX_STAT_LOST));
}

static void metrics(const struct daemon *d, FILE *f)
{
	static const char *const kinds[] = { "exec", "connect" }, *const vs[] = { "allow", "deny" };
	const struct counters *n = &d->n;

	metric_head(f, "sevorix_decisions_total", "counter",
		    "Decisions in the event logs (the sum of their count fields), by layer and "
		    "verdict.");
	for (int i = 0; i < DAEMON_MAX_PAIRS && n->decisions[i].layer[0]; i++)
		fprintf(f, "sevorix_decisions_total{layer=\"%s\",verdict=\"%s\"} %llu\n",
			n->decisions[i].layer, n->decisions[i].verdict, n->decisions[i].n);
	metric_head(f, "sevorix_held_calls_total", "counter",
		    "System calls held by seccomp and answered by the hold or the jury.");
	for (int k = 0; k < 2; k++)
		for (int v = 0; v < 2; v++)
			fprintf(f, "sevorix_held_calls_total{kind=\"%s\",verdict=\"%s\"} %llu\n",
				kinds[k], vs[v], n->held[k][v]);
	metric_head(f, "sevorix_jury_errors_total", "counter",
		    "Reviews the jury did not answer in time or in form (each one denied).");
	fprintf(f, "sevorix_jury_errors_total %llu\n", n->jury_errors);
	kernel_metrics(d, f);
	metric_head(f, "sevorix_protected_cgroups", "gauge",
		    "Cgroups with processes under Sevorix's programs.");
	fprintf(f, "sevorix_protected_cgroups %d\n", watch_protected(d));
	metric_head(f, "sevorix_containers", "gauge", "Containers whose held calls this daemon answers.");
	fprintf(f, "sevorix_containers %d\n", d->agent ? oci_agent_count(d->agent) : 0);
	metric_head(f, "sevorix_reloads_total", "counter", "Policy reloads, by result.");
	fprintf(f, "sevorix_reloads_total{result=\"ok\"} %llu\n", n->reloads);
	fprintf(f, "sevorix_reloads_total{result=\"error\"} %llu\n", n->reload_errors);
	metric_head(f, "sevorix_event_lines_total", "counter", "Event log lines read.");
	fprintf(f, "sevorix_event_lines_total %llu\n", n->lines);
	metric_head(f, "sevorix_event_subscribers_dropped_total", "counter",
		    "/events subscribers disconnected because they did not keep up.");
	fprintf(f, "sevorix_event_subscribers_dropped_total %llu\n", n->dropped_subscribers);
}

/* Answers one parsed request; returns true when the connection stays (/events). */
static bool route(struct daemon *d, struct client *c, const struct http_request *req)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"
				   "Cache-Control: no-cache\r\nConnection: close\r\n\r\n";
	size_t plen = req->target_len, len = 0;
	const char *q = memchr(req->target, '?', req->target_len);
	char *body = NULL;
	FILE *f;

	if (q)
		plen = (size_t)(q - req->target);
	if (!http_is(req->method, req->method_len, "GET")) {
		respond(c->fd, 405, "text/plain", "GET only\n", 9);
	} else if (http_is(req->target, plen, "/metrics") && (f = open_memstream(&body, &len))) {
		metrics(d, f);
		fclose(f);
		respond(c->fd, 200, "text/plain; version=0.0.4", body, len);
		free(body);
	} else if (http_is(req->target, plen, "/events")) {
		send_all(c->fd, head, sizeof(head) - 1);
		c->events = true;
		return true;
	} else {
		respond(c->fd, 404, "text/plain", "/metrics or /events\n", 20);
	}
	return false;
}

void serve_client(struct daemon *d, int i)
{
	struct client *c = d->c[i];
	struct http_request req;
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	int r;

	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0 || c->events) {
		/* a subscriber says nothing more; anything it sends ends it */
		drop(d, i);
		return;
	}
	c->len += n;
	r = http_parse_request(c->buf, c->len, 0, &req);
	if (r == -EAGAIN && c->len < sizeof(c->buf))
		return;
	if (r < 0) {
		r = r == -EAGAIN ? 431 : http_error_status(r);
		respond(c->fd, r, "text/plain", "bad request\n", 12);
	} else if (route(d, c, &req)) {
		return;
	}
	drop(d, i);
}

bool serve_flush(struct daemon *d, int i)
{
	struct client *c = d->c[i];
	ssize_t n = c->outlen ? send(c->fd, c->out, c->outlen, MSG_DONTWAIT | MSG_NOSIGNAL) : 0;

	if (n < 0 && errno != EAGAIN) {
		drop(d, i);
		return false;
	}
	if (n > 0) {
		memmove(c->out, c->out + n, c->outlen - n);
		c->outlen -= n;
	}
	return c->outlen > 0;
}

void serve_broadcast(struct daemon *d, const char *line, size_t len)
{
	for (int i = 0; i < DAEMON_MAX_CLIENTS; i++) {
		struct client *c = d->c[i];
		char *o;

		if (!c || !c->events)
			continue;
		if (c->outlen + len > DAEMON_MAX_BACKLOG || !(o = realloc(c->out, c->outlen + len))) {
			d->n.dropped_subscribers++;
			drop(d, i);
			continue;
		}
		c->out = o;
		memcpy(c->out + c->outlen, line, len);
		c->outlen += len;
		if (c->outlen >= 65536)
			serve_flush(d, i);
	}
}

void serve_close_all(struct daemon *d)
{
	for (int i = 0; i < DAEMON_MAX_CLIENTS; i++)
		if (d->c[i])
			drop(d, i);
}
