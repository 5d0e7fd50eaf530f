// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every protected cgroup of the machine, as the daemon follows it: the
 * runs, attachments and containers of the state dir (runs/runs.h), found
 * again at start and at every scan. For each, the daemon opens the maps of
 * its pinned programs (counters for /metrics) and reads its event log from
 * where it was at first sight, so that /events streams the lines of every
 * run and the counters count them.
 *
 * Attachments have no process of their own after `sevorix attach` exits:
 * the daemon reads their ring buffer into their log. A run's ring buffer
 * belongs to its supervisor and a container's to the agent that holds it;
 * the daemon only reads their logs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "attach/attach.h"
#include "daemon/internal.h"
#include "events/events.h"
#include "policy/agent.h"
#include "runs/cgroup.h"

static void tail(struct daemon *d, struct watched *w);

static bool is_attachment(const struct run_info *ri)
{
	return ri->attached && !strncmp(ri->command, "attach ", 7);
}

/* The attachment's policy as attach loaded it; NULL when it cannot be had. */
static struct policy *attachment_policy(const struct run_info *ri)
{
	struct policy_diag diag = { 0 };
	struct agent_user u;
	struct policy *p = NULL;

	if (!ri->policy[0] || policy_agent_user(ri->user[0] ? ri->user : NULL, &u) < 0)
		return NULL;
	policy_load_for(ri->policy, &u, "/", &p, &diag);
	policy_diag_clear(&diag);
	return p;
}

/* Opens the maps of its pins and, for an attachment, the reader of its ring buffer. */
static void open_layers(struct daemon *d, struct watched *w)
{
	struct events_maps em;

	run_pins_of(w->ri.id, &w->ri, w->pins, sizeof(w->pins));
	if (run_maps_open(w->pins, &w->maps) < 0) {
		w->pins[0] = 0; /* not pinned yet (a run writes its state first): next scan */
		return;
	}
	if (!is_attachment(&w->ri))
		return;
	w->p = attachment_policy(&w->ri);
	if (!w->p)
		return; /* counted, not logged: its policy file is gone or broken */
	if (!w->ri.events[0]) {
		snprintf(w->ri.events, sizeof(w->ri.events), "%s/%s.jsonl", d->log_dir, w->ri.id);
		run_state_write(&w->ri);
	}
	run_maps_events(&w->maps, &em);
	if (events_open(w->ri.events, w->ri.id, w->p, &w->ev) == 0 &&
	    events_attach_maps(w->ev, &em) < 0) {
		events_close(w->ev);
		w->ev = NULL;
	}
}

static void close_layers(struct watched *w)
{
	if (w->ev)
		events_drain(w->ev);
	events_close(w->ev);
	w->ev = NULL;
	policy_free(w->p);
	w->p = NULL;
	run_maps_close(&w->maps);
	w->pins[0] = 0;
}

static void watched_free(struct watched *w)
{
	if (!w)
		return;
	close_layers(w);
	if (w->log >= 0)
		close(w->log);
	free(w);
}

/* The log is read from its end when the daemon starts, else from its start. */
static void open_log(struct watched *w, bool from_end)
{
	if (w->log >= 0 || !w->ri.events[0] || !strcmp(w->ri.events, "-"))
		return;
	w->log = open(w->ri.events, O_RDONLY | O_CLOEXEC);
	if (w->log >= 0 && from_end)
		w->off = lseek(w->log, 0, SEEK_END);
}

static struct watched *find(struct daemon *d, const char *id, int *free_slot)
{
	*free_slot = -1;
	for (int i = 0; i < DAEMON_MAX_WATCHED; i++) {
		if (d->w[i] && !strcmp(d->w[i]->ri.id, id))
			return d->w[i];
		if (!d->w[i] && *free_slot < 0)
			*free_slot = i;
	}
	return NULL;
}

static void scan_one(struct daemon *d, const char *id, bool first)
{
	int slot;
	struct watched *w = find(d, id, &slot);
	struct run_info ri;
	char pins[512];

	if (run_state_read(id, &ri) < 0)
		return;
	if (!w) {
		if (slot < 0 || !(w = calloc(1, sizeof(*w))))
			return;
		memset(&w->maps, 0xff, sizeof(w->maps));
		w->log = -1;
		d->w[slot] = w;
	}
	w->seen = true;
	run_pins_of(id, &ri, pins, sizeof(pins));
	if (w->pins[0] && strcmp(pins, w->pins))
		close_layers(w); /* a policy apply put new programs in place */
	w->ri = ri;
	if (!w->pins[0])
		open_layers(d, w);
	open_log(w, first);
}

void watch_scan(struct daemon *d, bool first)
{
	DIR *dir = opendir(RUN_STATE_DIR);
	struct dirent *de;

	for (int i = 0; i < DAEMON_MAX_WATCHED; i++)
		if (d->w[i])
			d->w[i]->seen = false;
	while (dir && (de = readdir(dir)))
		if (de->d_name[0] != '.' && strlen(de->d_name) < 32 && !strpbrk(de->d_name, ".-"))
			scan_one(d, de->d_name, first);
	if (dir)
		closedir(dir);
	for (int i = 0; i < DAEMON_MAX_WATCHED; i++)
		if (d->w[i] && !d->w[i]->seen) {
			if (d->w[i]->ev)
				events_drain(d->w[i]->ev);
			tail(d, d->w[i]); /* its last lines first */
			watched_free(d->w[i]);
			d->w[i] = NULL;
		}
}

static void count_decision(struct counters *n, const char *layer, const char *verdict,
			   unsigned long long count)
{
	for (int i = 0; i < DAEMON_MAX_PAIRS; i++) {
		if (!n->decisions[i].layer[0]) {
			snprintf(n->decisions[i].layer, sizeof(n->decisions[i].layer), "%s", layer);
			snprintf(n->decisions[i].verdict, sizeof(n->decisions[i].verdict), "%s",
				 verdict);
		}
		if (!strcmp(n->decisions[i].layer, layer) && !strcmp(n->decisions[i].verdict, verdict)) {
			n->decisions[i].n += count;
			return;
		}
	}
}

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/*
 * One line of a log (written by Sevorix, still parsed with care). A
 * decision event stands for "count" decisions (events of several
 * identical decisions; sevorix(1)), 1 when it has none.
 */
static void count_line(struct counters *n, const char *line)
{
	json_object *o = json_tokener_parse(line);
	const char *layer = o ? str_of(o, "layer") : NULL, *verdict = o ? str_of(o, "verdict") : NULL;
	const char *kind = o ? str_of(o, "kind") : NULL;
	unsigned long long count = 1;
	json_object *err, *c;

	n->lines++;
	/* an OCSF line carries the event whole under "unmapped" */
	if (o && json_object_object_get_ex(o, "class_uid", &c) &&
	    json_object_object_get_ex(o, "unmapped", &c) && json_object_is_type(c, json_type_object)) {
		json_object *native = json_object_get(c);

		json_object_put(o);
		o = native;
		layer = str_of(o, "layer");
		verdict = str_of(o, "verdict");
		kind = str_of(o, "kind");
	}
	if (o && json_object_object_get_ex(o, "count", &c) && json_object_is_type(c, json_type_int) &&
	    json_object_get_int64(c) > 0)
		count = json_object_get_int64(c);
	if (layer && verdict && strlen(layer) < 24 && strlen(verdict) < 12 &&
	    strspn(layer, "abcdefghijklmnopqrstuvwxyz-") == strlen(layer) &&
	    strspn(verdict, "abcdefghijklmnopqrstuvwxyz") == strlen(verdict)) {
		count_decision(n, layer, verdict, count);
		if (!strcmp(layer, "jury") || !strcmp(layer, "hold"))
			n->held[kind && !strcmp(kind, "connect")][strcmp(verdict, "allow") != 0] += count;
		if (!strcmp(layer, "jury") && json_object_object_get_ex(o, "error", &err))
			n->jury_errors++;
	}
	json_object_put(o);
}

/* Reads what the log gained: whole lines are counted and streamed. */
static void tail(struct daemon *d, struct watched *w)
{
	char buf[16384];
	ssize_t got;

	while (w->log >= 0 && (got = pread(w->log, buf, sizeof(buf), w->off)) > 0) {
		w->off += got;
		for (ssize_t i = 0; i < got; i++) {
			if (w->npart < sizeof(w->part) - 1)
				w->part[w->npart++] = buf[i];
			if (buf[i] != '\n')
				continue;
			w->part[w->npart] = 0;
			/* a line longer than the buffer is cut: streamed, not counted */
			if (w->part[w->npart - 1] == '\n')
				count_line(&d->n, w->part);
			/* --events: every whole line of the node to the daemon's way out too */
			if (d->sink && w->part[w->npart - 1] == '\n')
				events_sink_write(d->sink, w->part, w->npart);
			else
				w->part[w->npart++] = '\n';
			serve_broadcast(d, w->part, w->npart);
			w->npart = 0;
		}
	}
}

void watch_poll(struct daemon *d)
{
	oci_agent_tick(d->agent);
	for (int i = 0; i < DAEMON_MAX_WATCHED; i++) {
		struct watched *w = d->w[i];

		if (!w)
			continue;
		if (w->ev)
			events_drain(w->ev);
		tail(d, w);
	}
}

void watch_free(struct daemon *d)
{
	for (int i = 0; i < DAEMON_MAX_WATCHED; i++) {
		watched_free(d->w[i]);
		d->w[i] = NULL;
	}
}

int watch_reload(struct daemon *d)
{
	int r = 0;

	for (int i = 0; i < DAEMON_MAX_WATCHED; i++) {
		struct watched *w = d->w[i];

		if (w && is_attachment(&w->ri) && w->ri.policy[0] &&
		    !strcmp(w->ri.policy, d->policy_real))
			r = attach_reload(w->ri.id) ?: r;
	}
	watch_scan(d, false); /* the new pins and maps */
	return r;
}

int watch_protected(const struct daemon *d)
{
	int n = 0;

	for (int i = 0; i < DAEMON_MAX_WATCHED; i++)
		n += d->w[i] && d->w[i]->ri.cgroup[0] && cgroup_populated(d->w[i]->ri.cgroup);
	return n;
}
