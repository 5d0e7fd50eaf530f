// SPDX-License-Identifier: GPL-2.0-only
/*
 * One event as a line for people: time, process, what, verdict, layer,
 * rule. `sevorix events --pretty` prints these, and the journal output
 * uses the same line as MESSAGE, so a person reads a run the same way
 * wherever its events went.
 *
 *   21:03:45.149  rm[2895]          unlink   /etc/hostname   DENY   landlock  policy.yaml:12
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "events/events.h"

/* "HH:MM:SS.mmm" in local time from an RFC 3339 UTC time, else the text as it is. */
static void clock_of(const char *ts, char *out, size_t len)
{
	struct tm tm = { 0 };
	const char *rest = ts ? strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	time_t t;

	if (!rest) {
		snprintf(out, len, "%s", ts ? ts : "-");
		return;
	}
	t = timegm(&tm);
	localtime_r(&t, &tm);
	snprintf(out, len, "%02d:%02d:%02d.%.3s", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 rest[0] == '.' ? rest + 1 : "000");
}

static const char *colour_of(const char *verdict)
{
	if (!verdict)
		return "";
	if (!strcmp(verdict, "deny"))
		return "\033[31m";
	return !strcmp(verdict, "review") ? "\033[33m" : "\033[32m";
}

/* What the decision was about: its target, with the second name of a rename or link. */
static void what_of(json_object *o, char *out, size_t len)
{
	const char *target = events_str(o, "target"), *to = events_str(o, "to"), *from = events_str(o, "from");

	if (from && to)
		snprintf(out, len, "%s -> %s", from, to);
	else
		snprintf(out, len, "%s", target ? target : "");
	if (events_num(o, "count", 1) > 1) {
		size_t n = strlen(out);

		snprintf(out + n, len - n, "%s(x%lld)", n ? " " : "", events_num(o, "count", 1));
	}
}

static void run_line(json_object *o, const char *kind, char *buf, size_t len)
{
	char when[32];

	clock_of(events_str(o, "ts"), when, sizeof(when));
	if (!strcmp(kind, "start"))
		snprintf(buf, len, "%s  run %s started: policy %s, mode %s", when,
			 events_str(o, "run") ?: "?", events_str(o, "policy") ?: "?", events_str(o, "mode") ?: "?");
	else
		snprintf(buf, len, "%s  run %s ended (exit %lld): %lld allowed, %lld denied, "
			 "%lld reviewed", when, events_str(o, "run") ?: "?", events_num(o, "exit_status", -1),
			 events_num(o, "allowed", 0), events_num(o, "denied", 0), events_num(o, "reviewed", 0));
}

int events_view_line(json_object *o, bool colour, char *buf, size_t len)
{
	const char *kind = events_str(o, "kind"), *verdict = events_str(o, "verdict"), *comm = events_str(o, "comm");
	char when[32], who[48], what[1024], v[16];
	long long pid = events_num(o, "pid", -1);

	if (!kind)
		return -1;
	if (!strcmp(kind, "start") || !strcmp(kind, "summary")) {
		run_line(o, kind, buf, len);
		return 0;
	}
	if (!verdict)
		return -1; /* not a decision: process events are left out */
	clock_of(events_str(o, "ts"), when, sizeof(when));
	if (pid >= 0)
		snprintf(who, sizeof(who), "%.16s[%lld]", comm ? comm : "?", pid);
	else
		snprintf(who, sizeof(who), "-");
	what_of(o, what, sizeof(what));
	snprintf(v, sizeof(v), "%s", verdict);
	for (char *c = v; *c; c++)
		*c = *c >= 'a' && *c <= 'z' ? *c - 32 : *c;
	snprintf(buf, len, "%s  %-22s %-8s %-40s %s%-6s%s %-10s %s", when, who, kind, what,
		 colour ? colour_of(verdict) : "", v, colour ? "\033[0m" : "",
		 events_str(o, "layer") ?: "-", events_str(o, "rule") ?: "-");
	return 0;
}
