/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A struct review on the wire and in memory (review/review.h): its JSON
 * encoding for the request body, a deep copy, and the normalized key of
 * the jury's verdict cache.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "review/review.h"

static const char *const verdict_names[] = {
	[VOTE_ALLOW] = "allow",
	[VOTE_DENY] = "deny",
	[VOTE_ABSTAIN] = "abstain",
	[VOTE_ERROR] = "error",
};

const char *vote_verdict_name(enum vote_verdict v)
{
	if ((unsigned)v > VOTE_ERROR)
		return "error";
	return verdict_names[v];
}

static void add_str(json_object *o, const char *key, const char *v)
{
	if (v)
		json_object_object_add(o, key, json_object_new_string(v));
}

static void add_strv(json_object *o, const char *key, const char *const *v, size_t n)
{
	json_object *a;
	size_t i;

	if (!v || !(a = json_object_new_array()))
		return;
	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	json_object_object_add(o, key, a);
}

int review_encode(const struct review *r, char **ret, size_t *retlen)
{
	static const char *const kinds[] = {
		[REVIEW_EXEC] = "exec", [REVIEW_CONNECT] = "connect", [REVIEW_OPEN] = "open"
	};
	json_object *o = json_object_new_object();
	const char *s;

	*ret = NULL;
	if (!o || r->kind < REVIEW_EXEC || r->kind > REVIEW_OPEN) {
		json_object_put(o);
		return o ? -EINVAL : -ENOMEM;
	}
	add_str(o, "id", r->id);
	add_str(o, "kind", kinds[r->kind]);
	add_str(o, "path", r->path);
	add_strv(o, "argv", r->argv, r->argc);
	add_str(o, "cwd", r->cwd);
	add_str(o, "family", r->family);
	add_str(o, "addr", r->addr);
	add_str(o, "host", r->host);
	if (r->port >= 0)
		json_object_object_add(o, "port", json_object_new_int(r->port));
	add_str(o, "access", r->access);
	if (r->has_uid)
		json_object_object_add(o, "uid", json_object_new_int64(r->uid));
	add_str(o, "workspace", r->workspace);
	add_str(o, "root", r->root);
	add_str(o, "agent", r->agent);
	add_str(o, "task", r->task);
	add_str(o, "run", r->run);
	add_strv(o, "history", r->history, r->nhistory);
	add_str(o, "script", r->script);
	if (r->script_cut)
		json_object_object_add(o, "script_cut", json_object_new_boolean(1));
	add_strv(o, "parents", r->parents, r->nparents);
	s = json_object_to_json_string_length(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, retlen);
	*ret = s ? strndup(s, *retlen) : NULL;
	json_object_put(o);
	return *ret ? 0 : -ENOMEM;
}

/* Sizes and copies of the strings of a review, for review_dup(). */
static size_t str_size(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

static const char *str_copy(char **pos, const char *s)
{
	char *d = *pos;
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	memcpy(d, s, n);
	*pos += n;
	return d;
}

/* Copies a vector of n strings to *slots (n + 1 of them, NULL-ended); returns its start. */
static const char **strv_copy(const char ***slots, char **pos, const char *const *v, size_t n)
{
	const char **d = *slots;

	for (size_t i = 0; i < n; i++)
		d[i] = str_copy(pos, v[i]);
	d[n] = NULL;
	*slots += n + 1;
	return d;
}

static size_t strv_size(const char *const *v, size_t n)
{
	size_t size = (n + 1) * sizeof(char *);

	for (size_t i = 0; i < n; i++)
		size += str_size(v[i]);
	return size;
}

struct review *review_dup(const struct review *r)
{
	const char *const *sv[] = { &r->id,	   &r->path, &r->cwd,	&r->family,
				    &r->addr,	   &r->access, &r->workspace, &r->root,
				    &r->agent,	   &r->task, &r->script, &r->run, &r->host };
	size_t i, size = sizeof(*r) + strv_size(r->argv, r->argc) +
			 strv_size(r->history, r->nhistory) + strv_size(r->parents, r->nparents);
	const char **slots, *const *argv, *const *hist, *const *parents;
	struct review *d;
	char *pos;

	for (i = 0; i < sizeof(sv) / sizeof(sv[0]); i++)
		size += str_size(*sv[i]);
	d = malloc(size);
	if (!d)
		return NULL;
	*d = *r;
	slots = (const char **)(d + 1);
	pos = (char *)(slots + r->argc + 1 + r->nhistory + 1 + r->nparents + 1);
	for (i = 0; i < sizeof(sv) / sizeof(sv[0]); i++)
		*(const char **)((char *)d + ((const char *)sv[i] - (const char *)r)) =
			str_copy(&pos, *sv[i]);
	argv = strv_copy(&slots, &pos, r->argv, r->argc);
	hist = strv_copy(&slots, &pos, r->history, r->nhistory);
	parents = strv_copy(&slots, &pos, r->parents, r->nparents);
	d->argv = r->argv ? argv : NULL;
	d->history = r->history ? hist : NULL;
	d->parents = r->parents ? parents : NULL;
	return d;
}

/* Appends "tag len:value;" to f; absent values are written as "tag -;". */
static void key_put(FILE *f, char tag, const char *s)
{
	if (s)
		fprintf(f, "%c%zu:%s;", tag, strlen(s), s);
	else
		fprintf(f, "%c-;", tag);
}

int review_key(const struct review *r, char **ret, size_t *retlen)
{
	FILE *f;
	size_t i;

	*ret = NULL;
	f = open_memstream(ret, retlen);
	if (!f)
		return -ENOMEM;
	fprintf(f, "k%d;p%d;u%lld;", r->kind, r->port, r->has_uid ? (long long)r->uid : -1LL);
	key_put(f, 'P', r->path);
	key_put(f, 'c', r->cwd);
	key_put(f, 'f', r->family);
	key_put(f, 'a', r->addr);
	key_put(f, 'd', r->host);
	key_put(f, 'x', r->access);
	key_put(f, 'w', r->workspace);
	key_put(f, 'r', r->root);
	key_put(f, 'g', r->agent);
	key_put(f, 't', r->task);
	key_put(f, 'n', r->run);
	fprintf(f, "A%zu;", r->argc);
	for (i = 0; i < r->argc; i++)
		key_put(f, 'v', r->argv[i]);
	fprintf(f, "H%zu;", r->nhistory);
	for (i = 0; i < r->nhistory; i++)
		key_put(f, 'h', r->history[i]);
	/* the context is part of the action: a cached verdict without it must not answer */
	fprintf(f, "S%d;", r->script_cut);
	key_put(f, 's', r->script);
	fprintf(f, "R%zu;", r->nparents);
	for (i = 0; i < r->nparents; i++)
		key_put(f, 'q', r->parents[i]);
	if (fclose(f) || !*ret) {
		free(*ret);
		*ret = NULL;
		return -ENOMEM;
	}
	return 0;
}
