// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rulebook loader: YAML (libyaml's document API, which keeps the line
 * and column of every node) into a struct policy. Every problem becomes one
 * "file:line:col: message" line and loading goes on, so a user sees all the
 * errors of a file at once; a file with any error yields no policy.
 *
 * The loader only checks and stores. Variables are expanded here (so a
 * rule's path is known absolute before any layer sees it), then the rule
 * arrays are sorted into evaluation order by policy_sort() (order.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "sevorix/abi.h"
#include "policy/internal.h"

static void diag_vadd(struct loader *l, bool error, size_t line, size_t col, const char *fmt,
		      va_list ap)
{
	struct policy_diag *d = l->diag;
	char msg[512], *text;
	char **lines;

	if (error)
		l->errors++;
	if (!d)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (asprintf(&text, "%s:%zu:%zu: %s%s", l->file, line, col, error ? "" : "warning: ",
		     msg) < 0)
		return;
	lines = realloc(d->lines, (d->nlines + 1) * sizeof(*lines));
	if (!lines) {
		free(text);
		return;
	}
	d->lines = lines;
	d->lines[d->nlines++] = text;
	if (error)
		d->nerrors++;
	else
		d->nwarnings++;
}

void loader_error(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(l, true, n ? n->start_mark.line + 1 : 1, n ? n->start_mark.column + 1 : 1, fmt,
		  ap);
	va_end(ap);
}

void loader_error_at(struct loader *l, struct policy_loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(l, true, loc.line, loc.col, fmt, ap);
	va_end(ap);
}

void loader_warn(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(l, false, n ? n->start_mark.line + 1 : 1, n ? n->start_mark.column + 1 : 1, fmt,
		  ap);
	va_end(ap);
}

yaml_node_t *loader_node(struct loader *l, int id)
{
	return yaml_document_get_node(&l->doc, id);
}

/* The scalar's text, or NULL (with an error naming what) when n is not one. */
const char *loader_scalar(struct loader *l, yaml_node_t *n, const char *what)
{
	if (n->type != YAML_SCALAR_NODE) {
		loader_error(l, n, "%s: expected a single value", what);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

struct policy_loc loader_loc(struct loader *l, const yaml_node_t *n)
{
	return (struct policy_loc){ l->p->file, n->start_mark.line + 1, n->start_mark.column + 1 };
}

int loader_action(struct loader *l, yaml_node_t *n, enum sx_action *ret)
{
	static const char *const names[] = { "allow", "review", "deny" };
	const char *s = loader_scalar(l, n, "action");

	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < 3; i++) {
		if (!strcmp(s, names[i])) {
			*ret = (enum sx_action)i;
			return 0;
		}
	}
	loader_error(l, n, "unknown action '%s' (expected allow, deny or review)", s);
	return -EINVAL;
}

/* Calls fn for every key/value pair; reports non-mapping nodes. */
int loader_each_pair(struct loader *l, yaml_node_t *map, const char *what,
		     int (*fn)(struct loader *, const char *, yaml_node_t *, yaml_node_t *, void *),
		     void *arg)
{
	yaml_node_pair_t *pr;

	if (map->type != YAML_MAPPING_NODE) {
		loader_error(l, map, "%s: expected a mapping", what);
		return -EINVAL;
	}
	for (pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = loader_node(l, pr->key), *v = loader_node(l, pr->value);
		const char *key = loader_scalar(l, k, what);

		if (key)
			fn(l, key, k, v, arg);
	}
	return 0;
}

static int var_pair(struct loader *l, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct policy *p = l->p;
	struct policy_var *vars;
	const char *val = loader_scalar(l, v, key);
	char *expanded;

	(void)arg;
	if (!val)
		return 0;
	if (!policy_var_name_ok(key)) {
		loader_error(l, k, "invalid variable name '%s'", key);
		return 0;
	}
	for (size_t i = 0; i < p->nvars; i++)
		if (!strcmp(p->vars[i].name, key))
			loader_error(l, k, "variable '%s' defined twice", key);
	/* a value may use the built-ins and the variables defined before it */
	expanded = loader_expand(l, v, val);
	if (!expanded)
		return 0;
	vars = realloc(p->vars, (p->nvars + 1) * sizeof(*vars));
	if (!vars) {
		free(expanded);
		return -ENOMEM;
	}
	p->vars = vars;
	p->vars[p->nvars++] = (struct policy_var){ strdup(key), expanded, strdup(val),
						   loader_loc(l, k) };
	return 0;
}

/* jury: {local: unix:///PATH}: the only judge the supervisor talks to. */
static int jury_pair(struct loader *l, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	const char *s = strcmp(key, "local") ? NULL : loader_scalar(l, v, key);

	(void)arg;
	if (strcmp(key, "local"))
		loader_error(l, k, "unknown key '%s'", key);
	else if (s && (strncmp(s, "unix://", 7) || s[7] != '/'))
		loader_error(l, v, "jury.local: expected unix:///absolute/path, got '%s'", s);
	else if (s) {
		free(l->p->jury_local);
		l->p->jury_local = strdup(s + 7);
	}
	return 0;
}

/* review: {deadline_ms: N}: how long a held call may wait for the jury. */
static int review_pair(struct loader *l, const char *key, yaml_node_t *k, yaml_node_t *v,
		       void *arg)
{
	const char *s = strcmp(key, "deadline_ms") ? NULL : loader_scalar(l, v, key);
	char *end;
	long ms;

	(void)arg;
	if (strcmp(key, "deadline_ms")) {
		loader_error(l, k, "unknown key '%s'", key);
		return 0;
	}
	if (!s)
		return 0;
	ms = strtol(s, &end, 10);
	if (*end || end == s || ms < 1 || ms > 600000)
		loader_error(l, v, "review.deadline_ms: expected 1 to 600000, got '%s'", s);
	else
		l->p->review_deadline_ms = ms;
	return 0;
}

/* hardening: {allow: [NAME, ...]} relaxes single entries of the seccomp hardening. */
static int hardening_pair(struct loader *l, const char *key, yaml_node_t *k, yaml_node_t *v,
			  void *arg)
{
	yaml_node_item_t *it;

	(void)arg;
	if (strcmp(key, "allow")) {
		loader_error(l, k, "unknown key '%s'", key);
		return 0;
	}
	if (v->type != YAML_SEQUENCE_NODE) {
		loader_error(l, v, "allow: expected a list such as [ptrace, io_uring]");
		return 0;
	}
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *n = loader_node(l, *it);
		const char *name = loader_scalar(l, n, "allow");
		unsigned int bit;

		if (name && hardening_allow_from_name(name, &bit) < 0)
			loader_error(l, n, "unknown hardening entry '%s'", name);
		else if (name)
			l->p->hardening_allow |= bit;
	}
	return 0;
}

static int top_pair(struct loader *l, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct policy *p = l->p;
	const char *s;

	(void)arg;
	if (!strcmp(key, "version")) {
		s = loader_scalar(l, v, key);
		if (s && strcmp(s, "1"))
			loader_error(l, v, "unsupported version '%s' (expected 1)", s);
		else if (s)
			p->version = 1;
	} else if (!strcmp(key, "mode")) {
		s = loader_scalar(l, v, key);
		if (s && !strcmp(s, "enforce"))
			p->mode = SX_MODE_ENFORCE;
		else if (s && !strcmp(s, "audit"))
			p->mode = SX_MODE_AUDIT;
		else if (s)
			loader_error(l, v, "unknown mode '%s' (expected enforce or audit)", s);
	} else if (!strcmp(key, "vars")) {
		loader_each_pair(l, v, "vars", var_pair, NULL);
	} else if (!strcmp(key, "network")) {
		loader_section(l, k, v, &p->network, SECTION_NETWORK);
	} else if (!strcmp(key, "files")) {
		loader_section(l, k, v, &p->files, SECTION_FILES);
	} else if (!strcmp(key, "exec")) {
		loader_section(l, k, v, &p->exec, SECTION_EXEC);
	} else if (!strcmp(key, "jury")) {
		loader_each_pair(l, v, "jury", jury_pair, NULL);
	} else if (!strcmp(key, "review")) {
		p->review_loc = loader_loc(l, k);
		loader_each_pair(l, v, "review", review_pair, NULL);
	} else if (!strcmp(key, "hardening")) {
		loader_each_pair(l, v, "hardening", hardening_pair, NULL);
	} else {
		loader_error(l, k, "unknown key '%s'", key);
	}
	return 0;
}

static void set_builtins(struct policy *p, const struct policy_env *env)
{
	static const char *const names[3] = { "HOME", "USER", "WORKSPACE" };
	const char *vals[3] = { env ? env->home : NULL, env ? env->user : NULL,
				env ? env->workspace : NULL };

	for (int i = 0; i < 3; i++) {
		p->builtin[i].name = strdup(names[i]);
		p->builtin[i].value = vals[i] ? strdup(vals[i]) : NULL;
	}
}

static int parse_document(struct loader *l, FILE *f)
{
	yaml_parser_t parser;
	yaml_node_t *root;
	int r = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &l->doc)) {
		loader_error(l, NULL, "%s", parser.problem ? parser.problem : "invalid YAML");
		if (l->diag && l->diag->nlines) {
			/* replace the 1:1 position by the parser's own */
			char *last = l->diag->lines[l->diag->nlines - 1];

			free(last);
			if (asprintf(&l->diag->lines[l->diag->nlines - 1], "%s:%zu:%zu: %s",
				     l->file, parser.problem_mark.line + 1,
				     parser.problem_mark.column + 1,
				     parser.problem ? parser.problem : "invalid YAML") < 0)
				l->diag->lines[--l->diag->nlines] = NULL;
		}
		yaml_parser_delete(&parser);
		return -EINVAL;
	}
	yaml_parser_delete(&parser);
	root = yaml_document_get_root_node(&l->doc);
	if (!root)
		loader_error(l, NULL, "empty policy");
	else
		r = loader_each_pair(l, root, "policy", top_pair, NULL);
	yaml_document_delete(&l->doc);
	return r;
}

static void warn_absent(struct loader *l, const struct policy_section *s, const char *name)
{
	if (!s->present)
		loader_warn(l, NULL, "no '%s' section: %s is not restricted", name, name);
}

int policy_load(const char *file, const struct policy_env *env, struct policy **ret,
		struct policy_diag *diag)
{
	struct loader l = { .diag = diag, .file = file };
	struct policy *p;
	FILE *f;
	int r;

	*ret = NULL;
	f = fopen(file, "re");
	if (!f)
		return -errno;
	p = calloc(1, sizeof(*p));
	if (!p) {
		fclose(f);
		return -ENOMEM;
	}
	p->file = strdup(file);
	p->version = 0;
	p->network.def = p->files.def = p->exec.def = SX_ALLOW;
	p->exec_written = SX_ALLOW;
	p->exec_loader = SX_DENY;
	p->jury_local = strdup(POLICY_JURY_DEFAULT);
	p->review_deadline_ms = POLICY_REVIEW_DEADLINE_MS;
	set_builtins(p, env);
	l.p = p;
	r = parse_document(&l, f);
	fclose(f);
	if (r == 0) {
		if (!p->version && !l.errors)
			loader_error(&l, NULL, "missing 'version: 1'");
		loader_check_duplicates(&l);
	}
	if (r == 0 && !l.errors) {
		warn_absent(&l, &p->network, "network");
		warn_absent(&l, &p->files, "files");
		warn_absent(&l, &p->exec, "exec");
		policy_sort(p);
		if (p->nnet_rules >= SX_RULE_SLOTS)
			loader_error(&l, NULL, "too many network rules (%zu, at most %d)",
				     p->nnet_rules, SX_RULE_SLOTS - 1);
	}
	if (r < 0 || l.errors) {
		policy_free(p);
		return r < 0 ? r : -EINVAL;
	}
	*ret = p;
	return 0;
}

void policy_diag_clear(struct policy_diag *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nlines; i++)
		free(d->lines[i]);
	free(d->lines);
	*d = (struct policy_diag){ 0 };
}

void policy_diag_print(const struct policy_diag *d, FILE *f)
{
	for (size_t i = 0; i < d->nlines; i++)
		fprintf(f, "%s\n", d->lines[i]);
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nvars; i++) {
		free(p->vars[i].name);
		free(p->vars[i].value);
		free(p->vars[i].written);
	}
	for (int i = 0; i < 3; i++) {
		free(p->builtin[i].name);
		free(p->builtin[i].value);
	}
	for (size_t i = 0; i < p->nnet_rules; i++) {
		free(p->net_rules[i].ports);
		free(p->net_rules[i].text);
		free(p->net_rules[i].unix_path);
	}
	for (size_t i = 0; i < p->nfile_rules; i++) {
		free(p->file_rules[i].path);
		free(p->file_rules[i].expanded);
	}
	for (size_t i = 0; i < p->nexec_rules; i++) {
		free(p->exec_rules[i].path);
		free(p->exec_rules[i].expanded);
		free(p->exec_rules[i].argv_glob);
	}
	free(p->jury_local);
	free(p->root);
	free(p->vars);
	free(p->net_rules);
	free(p->file_rules);
	free(p->exec_rules);
	free(p->file);
	free(p);
}

const char *sx_action_name(enum sx_action a)
{
	switch (a) {
	case SX_ALLOW:
		return "allow";
	case SX_REVIEW:
		return "review";
	case SX_DENY:
		return "deny";
	}
	return "deny";
}

const char *policy_host_path(const struct policy *p, const char *path, char *buf, size_t len)
{
	if (!p->root || !strcmp(p->root, "/"))
		return path;
	snprintf(buf, len, "%s%s", p->root, path);
	return buf;
}
