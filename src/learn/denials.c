// SPDX-License-Identifier: GPL-2.0-only
/*
 * A run's denials read from its events (learn/suggest.h; the schema is in
 * sevorix(1)). An event is a denial when its verdict is deny, or review
 * for a decision the kernel made alone (a review-class action without a
 * jury to hold it is denied and logged as review). Events of an audit run
 * (enforced: false) count too: they are what would have been denied.
 * Identical denials are one entry with a count; an event may carry its
 * own "count" (several denials recorded as one).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "learn/suggest.h"

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

static unsigned int access_bits(const char *s)
{
	if (!s)
		return 0;
	if (!strcmp(s, "read"))
		return SX_ACCESS_READ;
	if (!strcmp(s, "write"))
		return SX_ACCESS_WRITE;
	if (!strcmp(s, "read-write"))
		return SX_ACCESS_READ | SX_ACCESS_WRITE;
	if (!strcmp(s, "exec"))
		return SX_ACCESS_EXEC;
	return (strchr(s, 'r') ? SX_ACCESS_READ : 0) | (strchr(s, 'w') ? SX_ACCESS_WRITE : 0) |
	       (strchr(s, 'x') ? SX_ACCESS_EXEC : 0);
}

/* "a.b.c.d:port" or "[v6]:port" into d; false when it is neither. */
static bool parse_dest(const char *t, struct denial *d)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *colon = strrchr(t, ':');
	long port;
	char *end;

	if (!colon || (size_t)(colon - t) >= sizeof(buf))
		return false;
	memcpy(buf, t, colon - t);
	buf[colon - t] = 0;
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return false;
	d->port = port;
	if (buf[0] == '[' && buf[strlen(buf) - 1] == ']') {
		buf[strlen(buf) - 1] = 0;
		d->family = AF_INET6;
		return inet_pton(AF_INET6, buf + 1, d->addr) == 1;
	}
	d->family = AF_INET;
	return inet_pton(AF_INET, buf, d->addr) == 1;
}

static char **argv_of(json_object *o)
{
	json_object *a;
	size_t n = json_object_object_get_ex(o, "argv", &a) && json_object_is_type(a, json_type_array)
			   ? json_object_array_length(a)
			   : 0;
	char **v = calloc(n + 1, sizeof(*v));

	for (size_t i = 0; v && i < n; i++) {
		json_object *s = json_object_array_get_idx(a, i);

		v[i] = strdup(json_object_is_type(s, json_type_string) ? json_object_get_string(s)
									 : "");
		if (!v[i]) {
			for (size_t j = 0; j < i; j++)
				free(v[j]);
			free(v);
			return NULL;
		}
	}
	return v;
}

/* The hardening entry that a BPF LSM denial of this kind relaxes, or NULL. */
static const char *harden_name(const char *kind, const char *target)
{
	unsigned int fam = 0, type = 0, proto = 0;

	if (!strcmp(kind, "bpf") || !strcmp(kind, "ptrace") || !strcmp(kind, "mount"))
		return kind;
	if (!strcmp(kind, "userns"))
		return "namespaces";
	if (!strcmp(kind, "kill"))
		return "signal";
	if (!strcmp(kind, "socket") && target &&
	    sscanf(target, "family %u type %u protocol %u", &fam, &type, &proto) == 3)
		return (fam == AF_INET || fam == AF_INET6) && type == SOCK_DGRAM &&
				       (proto == 1 || proto == 58)
			       ? "ping"
			       : "any_socket";
	return NULL;
}

/* Fills d from event o; false when o is not a denial this reader knows. */
static bool from_event(json_object *o, struct denial *d)
{
	const char *kind = jstr(o, "kind"), *verdict = jstr(o, "verdict");
	const char *target = jstr(o, "target"), *layer = jstr(o, "layer");
	const char *access = jstr(o, "access"), *path = jstr(o, "path");

	if (!kind || !verdict || !target)
		return false;
	if (strcmp(verdict, "deny") && (strcmp(verdict, "review") || (layer && !strcmp(layer, "jury"))))
		return false;
	if (!strcmp(kind, "open") || (!strcmp(kind, "exec") && access && !strcmp(access, "exec"))) {
		d->kind = DEN_FILE;
		d->access = access_bits(access);
		d->path = strdup(target);
		return d->access && d->path;
	}
	if (!strcmp(kind, "connect") || !strcmp(kind, "sendmsg")) {
		const char *proto = jstr(o, "protocol");

		if (target[0] == '/' || target[0] == '@') {
			d->kind = DEN_UNIX;
			d->path = strdup(target);
			return d->path;
		}
		d->kind = DEN_NET;
		d->udp = proto && !strcmp(proto, "udp");
		return parse_dest(target, d);
	}
	if (!strcmp(kind, "exec")) {
		d->kind = DEN_EXEC;
		d->path = strdup(path ? path : target);
		d->argv = argv_of(o);
		d->reason = strdup(jstr(o, "reason") ?: "");
		return d->path && d->argv && d->reason;
	}
	if (!layer || strcmp(layer, "bpf-lsm"))
		return false;
	d->kind = DEN_HARDEN;
	d->what = strdup(kind);
	d->harden = harden_name(kind, target) ? strdup(harden_name(kind, target)) : NULL;
	return d->what;
}

static void denial_free(struct denial *d)
{
	free(d->path);
	for (size_t i = 0; d->argv && d->argv[i]; i++)
		free(d->argv[i]);
	free(d->argv);
	free(d->reason);
	free(d->what);
	free(d->harden);
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool argv_eq(char **a, char **b)
{
	size_t i = 0;

	if (!a || !b)
		return a == b;
	for (; a[i] && b[i]; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return !a[i] && !b[i];
}

static bool same_denial(const struct denial *a, const struct denial *b)
{
	return a->kind == b->kind && str_eq(a->path, b->path) && a->access == b->access &&
	       a->family == b->family && !memcmp(a->addr, b->addr, 16) && a->port == b->port &&
	       a->udp == b->udp && argv_eq(a->argv, b->argv) && str_eq(a->reason, b->reason) &&
	       str_eq(a->what, b->what);
}

/* Counts d into out (taking its strings), or frees it when it is already there. */
static int add(struct denials *out, struct denial *d, unsigned long count)
{
	struct denial *v;

	out->events += count;
	for (size_t i = 0; i < out->n; i++) {
		if (same_denial(&out->v[i], d)) {
			out->v[i].count += count;
			denial_free(d);
			return 0;
		}
	}
	v = realloc(out->v, (out->n + 1) * sizeof(*v));
	if (!v) {
		denial_free(d);
		return -ENOMEM;
	}
	out->v = v;
	d->count = count;
	v[out->n++] = *d;
	return 0;
}

static int one_line(struct denials *out, const char *line, const char *run)
{
	json_object *o = json_tokener_parse(line), *c;
	struct denial d = { 0 };
	const char *r = o ? jstr(o, "run") : NULL;
	unsigned long count = 1;
	int e = 0;

	if (!o || !json_object_is_type(o, json_type_object) || (run && (!r || strcmp(r, run)))) {
		json_object_put(o);
		return 0;
	}
	if (jstr(o, "kind") && !strcmp(jstr(o, "kind"), "start") && jstr(o, "policy") &&
	    !out->policy)
		out->policy = strdup(jstr(o, "policy"));
	if (json_object_object_get_ex(o, "count", &c) && json_object_get_int64(c) > 0)
		count = json_object_get_int64(c);
	if (from_event(o, &d))
		e = add(out, &d, count);
	else
		denial_free(&d);
	json_object_put(o);
	return e;
}

int denials_read(FILE *f, const char *run, struct denials *out)
{
	char *line = NULL;
	size_t cap = 0;
	int r = 0;

	*out = (struct denials){ 0 };
	while (!r && getline(&line, &cap, f) > 0)
		r = one_line(out, line, run);
	if (!r && ferror(f))
		r = -EIO;
	free(line);
	if (r)
		denials_free(out);
	return r;
}

void denials_free(struct denials *d)
{
	for (size_t i = 0; i < d->n; i++)
		denial_free(&d->v[i]);
	free(d->v);
	free(d->policy);
	*d = (struct denials){ 0 };
}
