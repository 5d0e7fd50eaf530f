// SPDX-License-Identifier: GPL-2.0-only
/*
 * `policy diff` output (learn/diff.h): for a person, one block per region,
 *
 *	files ${HOME}/.cache except ${HOME}/.cache/gcloud [read write]
 *	  - a.yaml: deny (default)
 *	  + b.yaml: allow (b.yaml:14)
 *
 * where a path stands for itself and everything below it but the paths
 * after "except" (those are regions of their own); or as one JSON object
 * with the same fields (sevorix(1) describes both).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "learn/diff.h"

static const char *const kind_names[] = { "network", "unix", "files", "exec", "setting" };

static void put_rule(FILE *f, const struct diff_side *s)
{
	if (s->rule)
		fprintf(f, "%s (%s:%u)", sx_action_name(s->action), s->rule->file, s->rule->line);
	else
		fprintf(f, "%s (default)", sx_action_name(s->action));
}

static void put_except(FILE *f, const struct diff_row *r)
{
	if (r->rest || !r->nexcept)
		return;
	fputs(" except", f);
	for (size_t i = 0; i < r->nexcept; i++)
		fprintf(f, "%s %s", i ? "," : "", r->except[i]);
}

static void put_access(FILE *f, unsigned int access)
{
	static const char *const names[] = { "read", "write", "exec" };
	const char *sep = " [";

	for (int i = 0; i < 3; i++) {
		if (access & (1u << i)) {
			fprintf(f, "%s%s", sep, names[i]);
			sep = " ";
		}
	}
	fputc(']', f);
}

static void put_ports(FILE *f, const struct diff_row *r)
{
	if (r->port_lo == 0 && r->port_hi == 65535)
		fputs(", any port", f);
	else if (r->port_lo == r->port_hi)
		fprintf(f, ", port %u", r->port_lo);
	else
		fprintf(f, ", ports %u-%u", r->port_lo, r->port_hi);
}

static void put_class(FILE *f, const struct diff_argv *c, const char *fa, const char *fb)
{
	if (!c->a && !c->b)
		fputs("no argv rule", f);
	else if (c->a && c->b && !strcmp(c->a, c->b))
		fprintf(f, "\"%s\"", c->a);
	else
		fprintf(f, "%s%s%s in %s and %s%s%s in %s", c->a ? "\"" : "",
			c->a ? c->a : "no argv rule", c->a ? "\"" : "", fa, c->b ? "\"" : "",
			c->b ? c->b : "no argv rule", c->b ? "\"" : "", fb);
	fprintf(f, " (e.g. \"%s\")", c->example);
}

static void put_argv(FILE *f, const struct diff_row *r, const char *fa, const char *fb)
{
	if (r->any_argv) {
		fputs(", any argv", f);
		return;
	}
	fputs(", argv matching ", f);
	for (size_t i = 0; i < r->nargv; i++) {
		if (i)
			fputs("; or ", f);
		put_class(f, &r->argv[i], fa, fb);
	}
}

static void put_region(FILE *f, const struct diff_row *r, const char *fa, const char *fb)
{
	fprintf(f, "%s ", kind_names[r->kind]);
	if (r->kind == DIFF_NET && r->rest)
		fprintf(f, "any %s address no rule names", r->family == AF_INET ? "IPv4" : "IPv6");
	else if (r->kind == DIFF_UNIX && r->rest)
		fputs("any socket path no rule names (abstract names too)", f);
	else if (r->kind == DIFF_FILES && r->rest)
		fputs("any path no rule names", f);
	else if (r->kind == DIFF_EXEC && r->rest)
		fputs("any program no rule names", f);
	else if (r->kind == DIFF_EXEC && r->any_path)
		fputs("any program", f);
	else
		fputs(r->region, f);
	put_except(f, r);
	if (r->kind == DIFF_NET)
		put_ports(f, r);
	else if (r->kind == DIFF_FILES)
		put_access(f, r->access);
	else if (r->kind == DIFF_EXEC)
		put_argv(f, r, fa, fb);
	fputc('\n', f);
}

static int print_text(const struct policy_diff *d, const struct policy *a, const struct policy *b,
		      FILE *f)
{
	fprintf(f, "--- %s\n+++ %s\n", a->file, b->file);
	for (size_t i = 0; i < d->nrows; i++) {
		const struct diff_row *r = &d->rows[i];

		put_region(f, r, a->file, b->file);
		fprintf(f, "  - %s: ", a->file);
		if (r->kind == DIFF_SETTING)
			fputs(r->text_a, f);
		else
			put_rule(f, &r->a);
		fprintf(f, "\n  + %s: ", b->file);
		if (r->kind == DIFF_SETTING)
			fputs(r->text_b, f);
		else
			put_rule(f, &r->b);
		fputc('\n', f);
	}
	for (size_t i = 0; i < d->nund; i++)
		fprintf(f, "not compared: %s (%s:%u): %s\n", d->und[i].what, d->und[i].rule->file,
			d->und[i].rule->line, d->und[i].why);
	if (!d->nrows && !d->nund)
		fputs("no difference in effect\n", f);
	return ferror(f) ? -EIO : 0;
}

static json_object *jrule(const struct policy_loc *l)
{
	char buf[4200];

	if (!l)
		return json_object_new_string("default");
	snprintf(buf, sizeof(buf), "%s:%u", l->file, l->line);
	return json_object_new_string(buf);
}

static json_object *jside(const struct diff_row *r, const struct diff_side *s, const char *text)
{
	json_object *o = json_object_new_object();

	if (r->kind == DIFF_SETTING) {
		json_object_object_add(o, "value", json_object_new_string(text));
		return o;
	}
	json_object_object_add(o, "action", json_object_new_string(sx_action_name(s->action)));
	json_object_object_add(o, "rule", jrule(s->rule));
	return o;
}

static json_object *jstr_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void jrow_kind(json_object *o, const struct diff_row *r)
{
	static const char *const acc[] = { "read", "write", "exec" };
	json_object *v;

	if (r->kind == DIFF_NET) {
		json_object_object_add(o, "family",
				       json_object_new_string(r->family == AF_INET ? "inet" : "inet6"));
		v = json_object_new_array();
		json_object_array_add(v, json_object_new_int(r->port_lo));
		json_object_array_add(v, json_object_new_int(r->port_hi));
		json_object_object_add(o, "ports", v);
	} else if (r->kind == DIFF_FILES) {
		v = json_object_new_array();
		for (int i = 0; i < 3; i++)
			if (r->access & (1u << i))
				json_object_array_add(v, json_object_new_string(acc[i]));
		json_object_object_add(o, "access", v);
	} else if (r->kind == DIFF_EXEC) {
		v = json_object_new_array();
		for (size_t i = 0; i < r->nargv; i++) {
			json_object *c = json_object_new_object();

			json_object_object_add(c, "a", jstr_or_null(r->argv[i].a));
			json_object_object_add(c, "b", jstr_or_null(r->argv[i].b));
			json_object_object_add(c, "example",
					       json_object_new_string(r->argv[i].example));
			json_object_array_add(v, c);
		}
		json_object_object_add(o, "argv", v);
		json_object_object_add(o, "any_path", json_object_new_boolean(r->any_path));
		json_object_object_add(o, "any_argv", json_object_new_boolean(r->any_argv));
	}
}

static json_object *jrow(const struct diff_row *r)
{
	json_object *o = json_object_new_object(), *ex = json_object_new_array();

	json_object_object_add(o, "section", json_object_new_string(kind_names[r->kind]));
	json_object_object_add(o, "region", json_object_new_string(r->region ? r->region : ""));
	if (r->kind != DIFF_SETTING) {
		json_object_object_add(o, "rest", json_object_new_boolean(r->rest));
		for (size_t i = 0; i < r->nexcept; i++)
			json_object_array_add(ex, json_object_new_string(r->except[i]));
		json_object_object_add(o, "except", ex);
	} else {
		json_object_put(ex);
	}
	jrow_kind(o, r);
	json_object_object_add(o, "a", jside(r, &r->a, r->text_a));
	json_object_object_add(o, "b", jside(r, &r->b, r->text_b));
	return o;
}

static int print_json(const struct policy_diff *d, const struct policy *a, const struct policy *b,
		      FILE *f)
{
	json_object *o = json_object_new_object(), *rows = json_object_new_array();
	json_object *und = json_object_new_array();

	json_object_object_add(o, "a", json_object_new_string(a->file));
	json_object_object_add(o, "b", json_object_new_string(b->file));
	for (size_t i = 0; i < d->nrows; i++)
		json_object_array_add(rows, jrow(&d->rows[i]));
	json_object_object_add(o, "differences", rows);
	for (size_t i = 0; i < d->nund; i++) {
		json_object *u = json_object_new_object();

		json_object_object_add(u, "rule", jrule(d->und[i].rule));
		json_object_object_add(u, "what", json_object_new_string(d->und[i].what));
		json_object_object_add(u, "why", json_object_new_string(d->und[i].why));
		json_object_array_add(und, u);
	}
	json_object_object_add(o, "not_compared", und);
	fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return ferror(f) ? -EIO : 0;
}

int policy_diff_print(const struct policy_diff *d, const struct policy *a, const struct policy *b,
		      bool json, FILE *f)
{
	return json ? print_json(d, a, b, f) : print_text(d, a, b, f);
}
