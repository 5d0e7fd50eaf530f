// SPDX-License-Identifier: GPL-2.0-only
/*
 * Events in the systemd journal. Each event becomes one entry with
 * MESSAGE the line a person reads (view.c), PRIORITY warning for a denial
 * and info otherwise, SYSLOG_IDENTIFIER=sevorix, one SEVORIX_<FIELD> per
 * scalar field of the event (SEVORIX_RUN, SEVORIX_KIND, SEVORIX_VERDICT,
 * SEVORIX_LAYER, SEVORIX_RULE, SEVORIX_TARGET, SEVORIX_COUNT, ...), and
 * SEVORIX_EVENT, the event's JSON line whole (`sevorix events` reads runs
 * back from it). sd_journal_sendv writes to /run/systemd/journal/socket;
 * with no journald there the entry is lost, as syslog's would be.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <systemd/sd-journal.h>

#include "events/internal.h"

#define MAX_FIELDS 48

/* "SEVORIX_KEY=value" for one scalar member, malloc'd; NULL for others. */
static char *field(const char *key, json_object *v)
{
	char name[64], *out = NULL;
	size_t n = 0;

	if (json_object_is_type(v, json_type_object) || json_object_is_type(v, json_type_array) ||
	    json_object_is_type(v, json_type_null))
		return NULL;
	for (const char *c = key; *c && n < sizeof(name) - 1; c++)
		name[n++] = isalnum((unsigned char)*c) ? toupper((unsigned char)*c) : '_';
	name[n] = 0;
	if (asprintf(&out, "SEVORIX_%s=%s", name, json_object_get_string(v)) < 0)
		return NULL;
	return out;
}

int events_journal_send(const char *line)
{
	json_object *o = events_native(json_tokener_parse(line)), *verdict;
	struct iovec iov[MAX_FIELDS + 4];
	char *owned[MAX_FIELDS + 2], msg[2048], *m = NULL, *ev = NULL;
	int n = 0, nowned = 0, r;
	size_t len = strcspn(line, "\n");

	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return -EINVAL;
	}
	if (events_view_line(o, false, msg, sizeof(msg)) < 0)
		snprintf(msg, sizeof(msg), "%.*s", (int)len, line); /* process events: the line */
	if (asprintf(&m, "MESSAGE=%s", msg) >= 0)
		owned[nowned++] = m;
	if (asprintf(&ev, "SEVORIX_EVENT=%.*s", (int)len, line) >= 0)
		owned[nowned++] = ev;
	json_object_object_foreach(o, key, val) {
		char *f = nowned < MAX_FIELDS ? field(key, val) : NULL;

		if (f)
			owned[nowned++] = f;
	}
	for (int i = 0; i < nowned; i++)
		iov[n++] = (struct iovec){ owned[i], strlen(owned[i]) };
	iov[n++] = (struct iovec){ "SYSLOG_IDENTIFIER=sevorix", 25 };
	if (json_object_object_get_ex(o, "verdict", &verdict) &&
	    strcmp(json_object_get_string(verdict), "allow"))
		iov[n++] = (struct iovec){ "PRIORITY=4", 10 };
	else
		iov[n++] = (struct iovec){ "PRIORITY=6", 10 };
	r = sd_journal_sendv(iov, n);
	for (int i = 0; i < nowned; i++)
		free(owned[i]);
	json_object_put(o);
	return r;
}
