// SPDX-License-Identifier: GPL-2.0-only
/*
 * A rulebook as lines, the places of its sections and rules, line edits
 * and their unified diff (learn/yedit.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "learn/yedit.h"
#include "util/yaml.h"

int ytext_read(const char *file, struct ytext *t)
{
	FILE *f = fopen(file, "re");
	char *line = NULL, **v;
	size_t cap = 0;
	ssize_t len;
	int r = 0;

	*t = (struct ytext){ .nl_end = true };
	if (!f)
		return -errno;
	while ((len = getline(&line, &cap, f)) > 0) {
		t->nl_end = line[len - 1] == '\n';
		if (t->nl_end)
			line[len - 1] = 0;
		v = realloc(t->line, (t->n + 1) * sizeof(*v));
		if (!v || !(v[t->n] = strdup(line))) {
			if (v)
				t->line = v;
			r = -ENOMEM;
			break;
		}
		t->line = v;
		t->n++;
	}
	if (!r && ferror(f))
		r = -EIO;
	free(line);
	fclose(f);
	if (r)
		ytext_free(t);
	return r;
}

void ytext_free(struct ytext *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->line[i]);
	free(t->line);
	*t = (struct ytext){ 0 };
}

static bool blank_or_comment(const char *l)
{
	l += strspn(l, " ");
	return !*l || *l == '#';
}

static int indent_of(const char *l)
{
	return strspn(l, " ");
}

/* The last line of what starts on line first, at column col: the lines below indented deeper. */
static size_t extent(const struct ytext *t, size_t first, int col)
{
	size_t last = first;

	for (size_t j = first + 1; j < t->n; j++) {
		if (blank_or_comment(t->line[j]))
			continue;
		if (indent_of(t->line[j]) <= col)
			break;
		last = j;
	}
	return last;
}

/* The value of key in mapping map, and the key's node; NULL when absent. */
static yaml_node_t *lookup(struct ydoc *d, yaml_node_t *map, const char *key, yaml_node_t **k)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *kn = ydoc_node(d, p->key);

		if (kn && kn->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)kn->data.scalar.value, key)) {
			*k = kn;
			return ydoc_node(d, p->value);
		}
	}
	return NULL;
}

static int place_items(const struct ytext *t, struct ydoc *d, yaml_node_t *seq, struct yplace *p)
{
	yaml_node_item_t *it;

	p->list_last = p->list_line;
	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *n = ydoc_node(d, *it);
		struct yitem *v = realloc(p->items, (p->nitems + 1) * sizeof(*v));
		size_t line = n->start_mark.line, col = n->start_mark.column;
		const char *l = line < t->n ? t->line[line] : "";
		const char *dash = col <= strlen(l) ? l + col : l;

		if (!v)
			return -ENOMEM;
		p->items = v;
		while (dash > l && dash[-1] == ' ')
			dash--;
		if (dash > l && dash[-1] == '-')
			dash--;
		v[p->nitems] = (struct yitem){ line, extent(t, line, dash - l), line + 1 };
		if (!p->nitems && col < sizeof(p->prefix))
			snprintf(p->prefix, sizeof(p->prefix), "%.*s", (int)col, l);
		p->list_last = v[p->nitems++].last;
	}
	return 0;
}

static int place_in(const struct ytext *t, struct ydoc *d, const char *key, const char *list,
		    struct yplace *p)
{
	yaml_node_t *k, *kl, *v = lookup(d, ydoc_root(d), key, &k), *seq;

	if (!v)
		return 0;
	p->present = true;
	p->key_line = k->start_mark.line;
	p->last = extent(t, p->key_line, k->start_mark.column);
	p->block = v->type == YAML_MAPPING_NODE &&
		   v->data.mapping.style != YAML_FLOW_MAPPING_STYLE &&
		   v->start_mark.line > p->key_line;
	if (v->type == YAML_MAPPING_NODE)
		p->child_col = v->start_mark.column;
	seq = lookup(d, v, list, &kl);
	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return 0;
	p->has_list = true;
	p->list_line = kl->start_mark.line;
	p->list_flow = seq->data.sequence.style == YAML_FLOW_SEQUENCE_STYLE;
	if (p->list_flow) {
		p->list_last = extent(t, p->list_line, kl->start_mark.column);
		return 0;
	}
	return place_items(t, d, seq, p);
}

int ytext_place(const struct ytext *t, const char *file, const char *key, const char *list,
		struct yplace *ret)
{
	struct ydoc d = { .file = file };
	FILE *f = fopen(file, "re");
	int r;

	*ret = (struct yplace){ 0 };
	if (!f)
		return -errno;
	r = ydoc_load(&d, f);
	fclose(f);
	if (r < 0)
		return r;
	r = place_in(t, &d, key, list, ret);
	ydoc_free(&d);
	if (r)
		yplace_free(ret);
	return r;
}

void yplace_free(struct yplace *p)
{
	free(p->items);
	p->items = NULL;
	p->nitems = 0;
}

const struct yitem *yplace_item(const struct yplace *p, unsigned int line)
{
	for (size_t i = 0; i < p->nitems; i++)
		if (p->items[i].node_line == line)
			return &p->items[i];
	return NULL;
}

int yedits_add(struct yedit **v, size_t *n, size_t first, size_t ndel, char **ins, size_t nins)
{
	struct yedit *m = realloc(*v, (*n + 1) * sizeof(*m));

	if (!m) {
		for (size_t i = 0; i < nins; i++)
			free(ins[i]);
		free(ins);
		return -ENOMEM;
	}
	*v = m;
	m[(*n)++] = (struct yedit){ first, ndel, ins, nins };
	return 0;
}

void yedits_free(struct yedit *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < v[i].nins; j++)
			free(v[i].ins[j]);
		free(v[i].ins);
	}
	free(v);
}

/* Stable: edits at the same line keep the order they were made in. */
static void sort_edits(struct yedit *e, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct yedit x = e[i];
		size_t j = i;

		for (; j > 0 && e[j - 1].first > x.first; j--)
			e[j] = e[j - 1];
		e[j] = x;
	}
}

int yedits_apply(const struct ytext *t, struct yedit *e, size_t n, struct ytext *out)
{
	size_t cap = t->n + 1, at = 0;

	sort_edits(e, n);
	for (size_t i = 0; i < n; i++)
		cap += e[i].nins;
	*out = (struct ytext){ .line = calloc(cap, sizeof(char *)), .nl_end = true };
	if (!out->line)
		return -ENOMEM;
	for (size_t i = 0; i <= n; i++) {
		size_t upto = i < n ? e[i].first : t->n;

		if (i < n && (upto < at || upto > t->n))
			return ytext_free(out), -EINVAL; /* overlapping edits: a bug of the caller */
		for (; at < upto; at++)
			if (!(out->line[out->n++] = strdup(t->line[at])))
				return ytext_free(out), -ENOMEM;
		if (i == n)
			break;
		for (size_t j = 0; j < e[i].nins; j++)
			if (!(out->line[out->n++] = strdup(e[i].ins[j])))
				return ytext_free(out), -ENOMEM;
		at += e[i].ndel;
	}
	out->nl_end = n ? true : t->nl_end;
	return 0;
}

static void put_old(const struct ytext *t, size_t i, char mark, FILE *out)
{
	fprintf(out, "%c%s\n", mark, t->line[i]);
	if (i + 1 == t->n && !t->nl_end)
		fputs("\\ No newline at end of file\n", out);
}

/* One hunk: edits e[0..n), old lines from..to (exclusive); *delta is new - old before it. */
static void hunk(const struct ytext *t, const struct yedit *e, size_t n, size_t from, size_t to,
		 long *delta, FILE *out)
{
	size_t olen = to - from, nlen = olen, at = from;

	for (size_t i = 0; i < n; i++)
		nlen = nlen - e[i].ndel + e[i].nins;
	fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n", olen ? from + 1 : from, olen,
		nlen ? from + *delta + 1 : from + *delta, nlen);
	for (size_t i = 0; i <= n; i++) {
		size_t upto = i < n ? e[i].first : to;

		for (; at < upto; at++)
			put_old(t, at, ' ', out);
		if (i == n)
			break;
		for (size_t j = 0; j < e[i].ndel; j++)
			put_old(t, at++, '-', out);
		for (size_t j = 0; j < e[i].nins; j++)
			fprintf(out, "+%s\n", e[i].ins[j]);
	}
	*delta += (long)nlen - (long)olen;
}

void yedits_diff(const struct ytext *t, const struct yedit *e, size_t n, const char *name,
		 FILE *out)
{
	long delta = 0;

	fprintf(out, "--- %s\n+++ %s\n", name, name);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1, from = e[i].first > 3 ? e[i].first - 3 : 0, to;

		to = e[i].first + e[i].ndel + 3;
		while (j < n && e[j].first <= to + 3) {
			to = e[j].first + e[j].ndel + 3;
			j++;
		}
		hunk(t, e + i, j - i, from, to < t->n ? to : t->n, &delta, out);
		i = j;
	}
}

int ytext_write(const struct ytext *t, FILE *f)
{
	for (size_t i = 0; i < t->n; i++)
		fprintf(f, "%s%s", t->line[i], i + 1 < t->n || t->nl_end ? "\n" : "");
	return ferror(f) ? -EIO : 0;
}
