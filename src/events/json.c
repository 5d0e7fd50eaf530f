// SPDX-License-Identifier: GPL-2.0-only
/* The JSON writers the events log needs (everything else is printf), and two readers. */
#include <stdio.h>
#include <time.h>

#include "events/events.h"

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	json_str_body(f, s);
	fputc('"', f);
}

void json_str_body(FILE *f, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c == '\n')
			fputs("\\n", f);
		else if (*c == '\t')
			fputs("\\t", f);
		else if (*c < 0x20 || *c >= 0x7f) /* bytes, not characters: always valid JSON */
			fprintf(f, "\\u%04x", *c);
		else
			fputc(*c, f);
	}
}

void json_time(FILE *f, unsigned long long ns)
{
	time_t sec = ns / 1000000000ULL;
	struct tm tm;
	char buf[32];

	gmtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "\"%s.%06lluZ\"", buf, (ns / 1000ULL) % 1000000ULL);
}

const char *events_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

long long events_num(json_object *o, const char *key, long long def)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return def;
	return json_object_get_int64(v);
}
