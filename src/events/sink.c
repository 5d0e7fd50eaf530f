// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where events go (events.h: events_sink_open): JSON lines to a file or
 * standard error, the systemd journal (journal.c), or OCSF JSON lines to
 * a file (ocsf.c). Every event is composed as our own JSON line first;
 * the journal and OCSF forms are made from that line, so the three say
 * the same thing and a collector can take any of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "events/internal.h"

struct events_sink {
	enum { SINK_JSON, SINK_JOURNAL, SINK_OCSF } kind;
	FILE *f;
	bool own;
};

static FILE *append(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;

	if (!f && fd >= 0) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return f;
}

int events_sink_open(const char *dest, struct events_sink **ret)
{
	struct events_sink *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	if (!strcmp(dest, "journal")) {
		s->kind = SINK_JOURNAL;
	} else if (!strcmp(dest, "-")) {
		s->f = stderr;
	} else {
		s->kind = strncmp(dest, "ocsf:", 5) ? SINK_JSON : SINK_OCSF;
		s->f = append(s->kind == SINK_OCSF ? dest + 5 : dest);
		s->own = true;
		if (!s->f || (s->kind == SINK_OCSF && !dest[5])) {
			r = s->f ? -EINVAL : -errno;
			events_sink_close(s);
			return r;
		}
	}
	*ret = s;
	return 0;
}

void events_sink_write(struct events_sink *s, const char *line, size_t len)
{
	if (s->kind == SINK_JSON)
		fwrite(line, 1, len, s->f);
	else if (s->kind == SINK_OCSF)
		events_ocsf_write(s->f, line);
	else
		events_journal_send(line);
}

void events_sink_flush(struct events_sink *s)
{
	if (s->f)
		fflush(s->f);
}

void events_sink_close(struct events_sink *s)
{
	if (!s)
		return;
	if (s->own && s->f)
		fclose(s->f);
	free(s);
}

json_object *events_native(json_object *o)
{
	json_object *u, *c;

	if (o && json_object_is_type(o, json_type_object) &&
	    json_object_object_get_ex(o, "class_uid", &c) &&
	    json_object_object_get_ex(o, "unmapped", &u) && json_object_is_type(u, json_type_object)) {
		json_object_get(u);
		json_object_put(o);
		return u;
	}
	return o;
}
