// SPDX-License-Identifier: GPL-2.0-only
/*
 * YAML files walked with key tables, every problem reported with its
 * file:line:col and the walk going on (util/yaml.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/yaml.h"

static void vreport(struct ydoc *d, bool error, size_t line, size_t col, const char *fmt,
		    va_list ap)
{
	char msg[512], text[1024];

	if (error)
		d->errors++;
	else
		d->warnings++;
	if (!d->emit)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	snprintf(text, sizeof(text), "%s:%zu:%zu: %s%s", d->file, line, col,
		 error ? "" : "warning: ", msg);
	d->emit(d->ctx, error, text);
}

size_t ydoc_line(const yaml_node_t *n)
{
	return n ? n->start_mark.line + 1 : 1;
}

size_t ydoc_col(const yaml_node_t *n)
{
	return n ? n->start_mark.column + 1 : 1;
}

void ydoc_error(struct ydoc *d, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(d, true, ydoc_line(n), ydoc_col(n), fmt, ap);
	va_end(ap);
}

void ydoc_warn(struct ydoc *d, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(d, false, ydoc_line(n), ydoc_col(n), fmt, ap);
	va_end(ap);
}

void ydoc_error_at(struct ydoc *d, size_t line, size_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(d, true, line, col, fmt, ap);
	va_end(ap);
}

int ydoc_load(struct ydoc *d, FILE *f)
{
	yaml_parser_t parser;
	int r = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &d->doc)) {
		ydoc_error_at(d, parser.problem_mark.line + 1, parser.problem_mark.column + 1, "%s",
			      parser.problem ? parser.problem : "invalid YAML");
		r = -EINVAL;
	}
	yaml_parser_delete(&parser);
	return r;
}

void ydoc_free(struct ydoc *d)
{
	yaml_document_delete(&d->doc);
}

yaml_node_t *ydoc_root(struct ydoc *d)
{
	return yaml_document_get_root_node(&d->doc);
}

yaml_node_t *ydoc_node(struct ydoc *d, int id)
{
	return yaml_document_get_node(&d->doc, id);
}

const char *ydoc_scalar(struct ydoc *d, yaml_node_t *n, const char *what)
{
	if (n->type != YAML_SCALAR_NODE) {
		ydoc_error(d, n, "%s: expected a single value", what);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

int ydoc_long(struct ydoc *d, yaml_node_t *n, const char *what, long lo, long hi, long *out)
{
	const char *s = ydoc_scalar(d, n, what);
	char *end;
	long v;

	if (!s)
		return -EINVAL;
	v = strtol(s, &end, 10);
	if (*end || end == s || v < lo || v > hi) {
		ydoc_error(d, n, "%s: expected %ld to %ld, got '%s'", what, lo, hi, s);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int ydoc_map(struct ydoc *d, yaml_node_t *map, const char *what, const struct ydoc_key *keys,
	     void *arg)
{
	yaml_node_pair_t *pr;

	if (map->type != YAML_MAPPING_NODE) {
		ydoc_error(d, map, "%s: expected a mapping", what);
		return -EINVAL;
	}
	for (pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = ydoc_node(d, pr->key), *v = ydoc_node(d, pr->value);
		const char *key = ydoc_scalar(d, k, what);
		const struct ydoc_key *e = keys;

		if (!key)
			continue;
		while (e->name && strcmp(e->name, key))
			e++;
		if (e->fn)
			e->fn(d, key, k, v, arg);
		else
			ydoc_error(d, k, "unknown key '%s'", key);
	}
	return 0;
}
