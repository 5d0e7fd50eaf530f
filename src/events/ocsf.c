// SPDX-License-Identifier: GPL-2.0-only
/*
 * Events as OCSF 1.3.0 JSON lines (the Open Cybersecurity Schema
 * Framework, schema.ocsf.io), so that a SIEM takes them without a parser
 * of ours. The classes:
 *
 *   1007 Process Activity      exec (Launch), fork (Launch), exit (Terminate),
 *                              kill (Terminate), ptrace (Open), the run's start
 *                              and summary, and the self-protection denials (Other)
 *   4001 Network Activity      connect (Open), sendmsg (Traffic)
 *   4003 DNS Activity          dns (Query)
 *   1001 File System Activity  open (Open), mkdir, mknod, symlink, link (Create),
 *                              unlink, rmdir (Delete), rename (Rename),
 *                              truncate (Update), chmod, chown (Set Security),
 *                              utime, xattr (Set Attributes), mmap (Other)
 *
 * Every event carries the required attributes of its class, applies the
 * security_control profile (action_id: 1 Allowed, 2 Denied; disposition_id)
 * and the host profile (actor, device), counts in "count", reads as a line
 * in "message", and keeps the native event whole in "unmapped".
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "events/internal.h"

#define OCSF_VERSION "1.3.0"

struct mapping {
	const char *kind;
	int class_uid, activity_id;
};

static const struct mapping map[] = {
	{ "exec", 1007, 1 },	 { "fork", 1007, 1 },	 { "exit", 1007, 2 },	{ "kill", 1007, 2 },
	{ "ptrace", 1007, 3 },	 { "start", 1007, 1 },	 { "summary", 1007, 2 },
	{ "connect", 4001, 1 },	 { "sendmsg", 4001, 6 }, { "dns", 4003, 1 },
	{ "open", 1001, 14 },	 { "mkdir", 1001, 1 },	 { "mknod", 1001, 1 },	{ "symlink", 1001, 1 },
	{ "link", 1001, 1 },	 { "unlink", 1001, 4 },	 { "rmdir", 1001, 4 },	{ "rename", 1001, 5 },
	{ "truncate", 1001, 3 }, { "chmod", 1001, 7 },	 { "chown", 1001, 7 },	{ "utime", 1001, 6 },
	{ "xattr", 1001, 6 },	 { "mmap", 1001, 99 },
};

static void set_str(json_object *o, const char *key, const char *v)
{
	if (v)
		json_object_object_add(o, key, json_object_new_string(v));
}

static void set_int(json_object *o, const char *key, long long v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

/* Milliseconds since the epoch of an RFC 3339 UTC time (now when it has none). */
static long long ms_of(const char *ts)
{
	struct tm tm = { 0 };
	const char *rest = ts ? strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;

	if (!rest)
		return (long long)time(NULL) * 1000;
	return (long long)timegm(&tm) * 1000 + (rest[0] == '.' ? atoi(rest + 1) / 1000 : 0);
}

static json_object *metadata(json_object *ev)
{
	json_object *m = json_object_new_object(), *p = json_object_new_object();
	json_object *profiles = json_object_new_array();

	set_str(p, "name", "Sevorix");
	set_str(p, "vendor_name", "Sevorix");
	set_str(p, "version", "0.1");
	json_object_object_add(m, "product", p);
	set_str(m, "version", OCSF_VERSION);
	set_str(m, "correlation_uid", events_str(ev, "run"));
	json_object_array_add(profiles, json_object_new_string("security_control"));
	json_object_array_add(profiles, json_object_new_string("host"));
	json_object_object_add(m, "profiles", profiles);
	return m;
}

/* The process an event is about: pid, name, user, and for an exec its file and command line. */
static json_object *process(json_object *ev)
{
	json_object *p = json_object_new_object(), *u = json_object_new_object();
	const char *path = events_str(ev, "path");

	if (events_num(ev, "pid", -1) >= 0)
		set_int(p, "pid", events_num(ev, "pid", -1));
	set_str(p, "name", events_str(ev, "comm"));
	if (events_num(ev, "uid", -1) >= 0) {
		char uid[24];

		snprintf(uid, sizeof(uid), "%lld", events_num(ev, "uid", -1));
		set_str(u, "uid", uid);
	}
	json_object_object_add(p, "user", u);
	if (path) {
		json_object *f = json_object_new_object();

		set_str(f, "path", path);
		set_str(f, "name", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
		set_int(f, "type_id", 1); /* Regular File */
		json_object_object_add(p, "file", f);
	}
	if (!strcmp(events_str(ev, "kind") ?: "", "exec"))
		set_str(p, "cmd_line", events_str(ev, "target"));
	return p;
}

static json_object *device(void)
{
	json_object *d = json_object_new_object();
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	set_str(d, "hostname", host);
	set_int(d, "type_id", 0); /* Unknown */
	return d;
}

/* The object of the class: the file, the destination, the query, or the process. */
static void target(json_object *o, json_object *ev, int class_uid)
{
	const char *t = events_str(ev, "target") ?: "";
	json_object *x = json_object_new_object();

	if (class_uid == 1001) {
		set_str(x, "path", t);
		set_str(x, "name", strrchr(t, '/') ? strrchr(t, '/') + 1 : t);
		set_int(x, "type_id", 0); /* Unknown: the call failed before it was looked at */
		json_object_object_add(o, "file", x);
	} else if (class_uid == 4001) {
		const char *colon = strrchr(t, ':');
		char ip[64];

		if (colon && t[0] != '/' && t[0] != '@' && colon - t < (long)sizeof(ip)) {
			snprintf(ip, sizeof(ip), "%.*s", (int)(colon - t), t);
			if (ip[0] == '[')
				memmove(ip, ip + 1, strlen(ip)), ip[strcspn(ip, "]")] = 0;
			set_str(x, "ip", ip);
			set_int(x, "port", atoi(colon + 1));
		} else if (t[0]) {
			set_str(x, "name", t); /* a UNIX socket path */
		}
		json_object_object_add(o, "dst_endpoint", x);
	} else if (class_uid == 4003) {
		set_str(x, "hostname", t);
		set_str(x, "type", events_str(ev, "qtype"));
		json_object_object_add(o, "query", x);
	} else {
		json_object_put(x);
		json_object_object_add(o, "process", process(ev));
	}
}

static const struct mapping *mapping_of(const char *kind)
{
	for (size_t i = 0; kind && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].kind, kind))
			return &map[i];
	return NULL;
}

/* The OCSF event of one native event (parsed); the caller frees it. */
static json_object *ocsf_of(json_object *ev)
{
	static const struct mapping other = { NULL, 1007, 99 };
	const struct mapping *mp = mapping_of(events_str(ev, "kind")) ?: &other;
	const char *verdict = events_str(ev, "verdict");
	bool denied = verdict && strcmp(verdict, "allow");
	json_object *o = json_object_new_object(), *actor = json_object_new_object();
	char line[2048];

	set_int(o, "class_uid", mp->class_uid);
	set_int(o, "category_uid", mp->class_uid / 1000);
	set_int(o, "activity_id", mp->activity_id);
	set_int(o, "type_uid", mp->class_uid * 100LL + mp->activity_id);
	set_int(o, "time", ms_of(events_str(ev, "ts")));
	set_int(o, "severity_id", denied ? 3 : 1); /* Medium, Informational */
	json_object_object_add(o, "metadata", metadata(ev));
	set_int(o, "action_id", denied ? 2 : 1);
	set_int(o, "disposition_id", denied ? 2 : 1); /* Blocked, Allowed */
	set_int(o, "status_id", denied ? 2 : 1);      /* Failure, Success */
	json_object_object_add(actor, "process", process(ev));
	json_object_object_add(o, "actor", actor);
	json_object_object_add(o, "device", device());
	target(o, ev, mp->class_uid);
	if (verdict)
		set_int(o, "count", events_num(ev, "count", 1));
	if (events_view_line(ev, false, line, sizeof(line)) == 0)
		set_str(o, "message", line);
	json_object_object_add(o, "unmapped", json_object_get(ev));
	return o;
}

int events_ocsf_write(FILE *f, const char *line)
{
	json_object *ev = events_native(json_tokener_parse(line)), *o;

	if (!ev || !json_object_is_type(ev, json_type_object)) {
		json_object_put(ev);
		return -1;
	}
	o = ocsf_of(ev);
	fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), f);
	fputc('\n', f);
	json_object_put(o);
	json_object_put(ev);
	return 0;
}
