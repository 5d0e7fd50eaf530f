/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The jury's side of the review API's wire format, with json-c.
 *
 * A request body is parsed in full (trailing bytes other than white space
 * are an error), nested at most JURY_JSON_DEPTH deep, and mapped field by
 * field into a struct review whose strings point into the json-c tree that
 * the struct review_req keeps alive. Unknown fields are ignored so that a
 * newer client can talk to an older jury; a known field of the wrong type,
 * a string with an embedded NUL, or an unknown kind is refused with a
 * message naming the field.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jury/server/request.h"

#define JURY_JSON_DEPTH 16
#define REVIEW_MAX_STRING 16384

struct review_priv {
	json_object *root;
	const char **argv;
	const char **history;
	const char **parents;
};

/* A string field: absent is fine (NULL), present must be a clean string. */
static int get_string(json_object *root, const char *key, const char **out, char *err,
		      size_t errlen)
{
	json_object *o;
	const char *s;

	*out = NULL;
	if (!json_object_object_get_ex(root, key, &o) || json_object_is_type(o, json_type_null))
		return 0;
	if (!json_object_is_type(o, json_type_string)) {
		snprintf(err, errlen, "field '%s' must be a string", key);
		return -EINVAL;
	}
	s = json_object_get_string(o);
	if ((size_t)json_object_get_string_len(o) != strlen(s) ||
	    json_object_get_string_len(o) > REVIEW_MAX_STRING) {
		snprintf(err, errlen, "field '%s' has a NUL byte or is too long", key);
		return -EINVAL;
	}
	*out = s;
	return 0;
}

/* An array of strings into a malloc'd, NULL-terminated vector. */
static int get_strv(json_object *root, const char *key, size_t max, const char ***out, size_t *n,
		    char *err, size_t errlen)
{
	json_object *o, *e;
	size_t i, len;

	*out = NULL;
	*n = 0;
	if (!json_object_object_get_ex(root, key, &o) || json_object_is_type(o, json_type_null))
		return 0;
	if (!json_object_is_type(o, json_type_array))
		goto bad;
	len = json_object_array_length(o);
	if (len > max) {
		snprintf(err, errlen, "field '%s' has more than %zu elements", key, max);
		return -EINVAL;
	}
	*out = calloc(len + 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		e = json_object_array_get_idx(o, i);
		if (!json_object_is_type(e, json_type_string) ||
		    (size_t)json_object_get_string_len(e) != strlen(json_object_get_string(e)))
			goto bad;
		(*out)[i] = json_object_get_string(e);
	}
	*n = len;
	return 0;
bad:
	snprintf(err, errlen, "field '%s' must be an array of strings", key);
	return -EINVAL;
}

/* A boolean field; false when absent. */
static int get_bool(json_object *root, const char *key, bool *out, char *err, size_t errlen)
{
	json_object *o;

	*out = false;
	if (!json_object_object_get_ex(root, key, &o) || json_object_is_type(o, json_type_null))
		return 0;
	if (!json_object_is_type(o, json_type_boolean)) {
		snprintf(err, errlen, "field '%s' must be true or false", key);
		return -EINVAL;
	}
	*out = json_object_get_boolean(o);
	return 0;
}

/* An integer field within [lo, hi]; *present false when absent. */
static int get_int(json_object *root, const char *key, long long lo, long long hi, long long *out,
		   bool *present, char *err, size_t errlen)
{
	json_object *o;

	*present = false;
	if (!json_object_object_get_ex(root, key, &o) || json_object_is_type(o, json_type_null))
		return 0;
	if (!json_object_is_type(o, json_type_int)) {
		snprintf(err, errlen, "field '%s' must be an integer", key);
		return -EINVAL;
	}
	errno = 0;
	*out = json_object_get_int64(o);
	if (errno || *out < lo || *out > hi) {
		snprintf(err, errlen, "field '%s' is out of range [%lld, %lld]", key, lo, hi);
		return -EINVAL;
	}
	*present = true;
	return 0;
}

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

static const char *const kinds[] = { "exec", "connect", "open", NULL };
static const char *const families[] = { "inet", "inet6", "unix", NULL };
static const char *const accesses[] = { "read", "write", "exec", NULL };

/* The fields that depend on kind. */
static int parse_kind_fields(json_object *root, struct review_priv *p, struct review *r, char *err,
			     size_t errlen)
{
	long long v;
	bool has;
	int ret;

	switch (r->kind) {
	case REVIEW_EXEC:
		if ((ret = get_strv(root, "argv", REVIEW_MAX_ARGS, &p->argv, &r->argc, err,
				    errlen)) ||
		    (ret = get_string(root, "script", &r->script, err, errlen)) ||
		    (ret = get_bool(root, "script_cut", &r->script_cut, err, errlen)) ||
		    (ret = get_strv(root, "parents", REVIEW_MAX_PARENTS, &p->parents,
				    &r->nparents, err, errlen)))
			return ret;
		r->argv = p->argv;
		r->parents = p->parents;
		break;
	case REVIEW_CONNECT:
		if ((ret = get_string(root, "family", &r->family, err, errlen)) ||
		    (ret = get_string(root, "addr", &r->addr, err, errlen)) ||
		    (ret = get_int(root, "port", 0, 65535, &v, &has, err, errlen)))
			return ret;
		r->port = has ? (int)v : -1;
		/* a lookup of a name (docs/dns.md) has a host and no address yet */
		if ((r->family || !r->host) && (!r->family || !one_of(r->family, families))) {
			snprintf(err, errlen, "field 'family' must be inet, inet6 or unix");
			return -EINVAL;
		}
		if (!r->addr && !r->host) {
			snprintf(err, errlen, "field 'addr' or 'host' is required for kind connect");
			return -EINVAL;
		}
		break;
	case REVIEW_OPEN:
		if ((ret = get_string(root, "access", &r->access, err, errlen)))
			return ret;
		if (!r->access)
			r->access = "read";
		if (!one_of(r->access, accesses)) {
			snprintf(err, errlen, "field 'access' must be read, write or exec");
			return -EINVAL;
		}
		break;
	}
	if (r->kind != REVIEW_CONNECT && !r->path) {
		snprintf(err, errlen, "field 'path' is required for this kind");
		return -EINVAL;
	}
	return 0;
}

/* The fields common to every kind. */
static int parse_fields(json_object *root, struct review_priv *p, struct review *r, char *err,
			size_t errlen)
{
	const char *kind;
	long long v;
	int ret;

	if ((ret = get_string(root, "id", &r->id, err, errlen)) ||
	    (ret = get_string(root, "kind", &kind, err, errlen)) ||
	    (ret = get_string(root, "path", &r->path, err, errlen)) ||
	    (ret = get_string(root, "cwd", &r->cwd, err, errlen)) ||
	    (ret = get_string(root, "host", &r->host, err, errlen)) ||
	    (ret = get_string(root, "workspace", &r->workspace, err, errlen)) ||
	    (ret = get_string(root, "root", &r->root, err, errlen)) ||
	    (ret = get_string(root, "agent", &r->agent, err, errlen)) ||
	    (ret = get_string(root, "task", &r->task, err, errlen)) ||
	    (ret = get_string(root, "run", &r->run, err, errlen)) ||
	    (ret = get_int(root, "uid", 0, UINT32_MAX - 1, &v, &r->has_uid, err, errlen)) ||
	    (ret = get_strv(root, "history", REVIEW_MAX_HISTORY, &p->history, &r->nhistory, err,
			    errlen)))
		return ret;
	r->uid = r->has_uid ? (uid_t)v : 0;
	r->history = p->history;
	if ((r->id && strlen(r->id) > 256) || (r->run && strlen(r->run) > 256)) {
		snprintf(err, errlen, "field '%s' is longer than 256 bytes",
			 r->id && strlen(r->id) > 256 ? "id" : "run");
		return -EINVAL;
	}
	if (!kind) {
		snprintf(err, errlen, "field 'kind' is required");
		return -EINVAL;
	}
	if (!one_of(kind, kinds)) {
		snprintf(err, errlen, "unknown kind '%.64s' (exec, connect or open)", kind);
		return -EINVAL;
	}
	r->kind = !strcmp(kind, "exec")	     ? REVIEW_EXEC
		  : !strcmp(kind, "connect") ? REVIEW_CONNECT
					     : REVIEW_OPEN;
	if (!r->root)
		r->root = "/";
	return parse_kind_fields(root, p, r, err, errlen);
}

int review_req_parse(const char *buf, size_t len, struct review_req *req, char *err, size_t errlen)
{
	struct review_priv *p;
	json_tokener *tok;
	size_t used;
	int ret;

	memset(req, 0, sizeof(*req));
	req->r.port = -1;
	p = calloc(1, sizeof(*p));
	tok = json_tokener_new_ex(JURY_JSON_DEPTH);
	if (!p || !tok) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	req->priv = p;
	p->root = json_tokener_parse_ex(tok, buf, (int)len);
	used = json_tokener_get_parse_end(tok);
	while (used < len && strchr(" \t\r\n", buf[used]) && buf[used])
		used++;
	if (!p->root || json_tokener_get_error(tok) != json_tokener_success || used != len) {
		enum json_tokener_error jerr = json_tokener_get_error(tok);

		snprintf(err, errlen, "malformed JSON: %s",
			 p->root && used != len		 ? "trailing bytes after the value"
			 : jerr == json_tokener_continue ? "unexpected end of input"
							 : json_tokener_error_desc(jerr));
		ret = -EBADMSG;
		goto fail;
	}
	if (!json_object_is_type(p->root, json_type_object)) {
		snprintf(err, errlen, "malformed JSON: the request must be an object");
		ret = -EBADMSG;
		goto fail;
	}
	ret = parse_fields(p->root, p, &req->r, err, errlen);
	if (ret)
		goto fail;
	json_tokener_free(tok);
	return 0;
fail:
	json_tokener_free(tok);
	review_req_free(req);
	return ret;
}

void review_req_free(struct review_req *req)
{
	struct review_priv *p;

	if (!req || !req->priv)
		return;
	p = req->priv;
	json_object_put(p->root);
	free(p->argv);
	free(p->history);
	free(p->parents);
	free(p);
	req->priv = NULL;
}

/* A double with at most four significant digits, as JSON. */
static json_object *json_num(double d)
{
	char buf[32];

	if (!(d >= -1e9 && d <= 1e9))
		d = 0;
	snprintf(buf, sizeof(buf), "%.4g", d);
	return json_object_new_double_s(d, buf);
}

static json_object *vote_json(const struct jury_vote *jv)
{
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "juror", json_object_new_string(jv->juror ? jv->juror : "?"));
	json_object_object_add(o, "verdict",
			       json_object_new_string(vote_verdict_name(jv->v.verdict)));
	json_object_object_add(o, "confidence", json_num(jv->v.confidence));
	json_object_object_add(o, "reason", json_object_new_string(jv->v.reason));
	json_object_object_add(o, "latency_us", json_object_new_int64(jv->latency_us));
	return o;
}

static int answer_build(const struct jury_answer *ans, json_object *o)
{
	json_object *votes = json_object_new_array();
	size_t i;

	if (!votes)
		return -ENOMEM;
	if (ans->id)
		json_object_object_add(o, "id", json_object_new_string(ans->id));
	json_object_object_add(
		o, "verdict",
		json_object_new_string(ans->verdict == VOTE_ALLOW ? "allow" : "deny"));
	json_object_object_add(o, "reason", json_object_new_string(ans->reason));
	json_object_object_add(o, "consensus", json_object_new_string(ans->consensus));
	json_object_object_add(o, "votes", votes);
	for (i = 0; i < ans->nvotes; i++) {
		json_object *v = vote_json(&ans->votes[i]);

		if (!v || json_object_array_add(votes, v))
			return -ENOMEM;
	}
	json_object_object_add(o, "cached", json_object_new_boolean(ans->cached));
	json_object_object_add(
		o, "judge",
		json_object_new_string(ans->judge == JURY_JUDGE_CLOUD ? "cloud" : "local"));
	if (ans->cloud_state)
		json_object_object_add(o, "cloud", json_object_new_string(ans->cloud_state));
	json_object_object_add(o, "latency_us", json_object_new_int64(ans->latency_us));
	return 0;
}

int jury_answer_json(const struct jury_answer *ans, char **ret, size_t *retlen)
{
	json_object *o = json_object_new_object();
	const char *s;
	size_t n;
	int err;

	*ret = NULL;
	if (!o)
		return -ENOMEM;
	err = answer_build(ans, o);
	if (err)
		goto out;
	s = json_object_to_json_string_length(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	*ret = s ? strndup(s, n) : NULL;
	if (!*ret) {
		err = -ENOMEM;
		goto out;
	}
	*retlen = n;
out:
	json_object_put(o);
	return err;
}

char *jury_error_json(const char *msg)
{
	json_object *o = json_object_new_object();
	char *s = NULL;

	if (!o)
		return NULL;
	json_object_object_add(o, "error", json_object_new_string(msg));
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}
