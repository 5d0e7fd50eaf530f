// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rulebook loader: YAML (libyaml's document API, which keeps the line
 * and column of every node) into a struct policy. Every problem becomes one
 * "file:line:col: message" line and loading goes on, so a user sees all the
 * errors of a file at once; a file with any error yields no policy.
 *
 * A policy may be several files: one that extends or includes others reads
 * them first (profile.c), each through its own loader into the same struct
 * policy, so that every message and every rule names the file it is in.
 *
 * The loader only checks and stores. Variables are expanded here (so a
 * rule's path is known absolute before any layer sees it), then the rule
 * arrays are sorted into evaluation order by policy_sort() (order.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sevorix/abi.h"
#include "policy/internal.h"

/* Every message of the walk goes into the caller's policy_diag, when it gave one. */
void loader_diag_add(void *ctx, bool error, const char *line)
{
	struct policy_diag *d = ctx;
	char *text = strdup(line);
	char **lines;

	if (!text)
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

struct policy_loc loader_loc(struct loader *l, const yaml_node_t *n)
{
	return (struct policy_loc){ l->file, ydoc_line(n), ydoc_col(n), l->src };
}

int loader_action(struct loader *l, yaml_node_t *n, enum sx_action *ret)
{
	static const char *const names[] = { "allow", "review", "deny" };
	const char *s = ydoc_scalar(&l->y, n, "action");

	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < 3; i++) {
		if (!strcmp(s, names[i])) {
			*ret = (enum sx_action)i;
			return 0;
		}
	}
	ydoc_error(&l->y, n, "unknown action '%s' (expected allow, deny or review)", s);
	return -EINVAL;
}

/* vars: {NAME: VALUE, ...}; a value may use the built-ins and the variables before it. */
static int on_var(struct ydoc *d, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct loader *l = loader_of(d);
	struct policy *p = l->p;
	struct policy_var *vars;
	const char *val = ydoc_scalar(d, v, key);
	char *expanded;

	(void)arg;
	if (!val)
		return 0;
	if (!policy_var_name_ok(key)) {
		ydoc_error(d, k, "invalid variable name '%s'", key);
		return 0;
	}
	for (size_t i = 0; i < p->nvars; i++)
		if (!strcmp(p->vars[i].name, key))
			ydoc_error(d, k, "variable '%s' defined twice (first at %s:%u:%u)", key,
				   p->vars[i].loc.file, p->vars[i].loc.line, p->vars[i].loc.col);
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
static int on_jury_local(struct ydoc *d, const char *key, yaml_node_t *k, yaml_node_t *v,
			 void *arg)
{
	struct policy *p = loader_of(d)->p;
	const char *s = ydoc_scalar(d, v, key);

	(void)k, (void)arg;
	if (s && (strncmp(s, "unix://", 7) || s[7] != '/'))
		ydoc_error(d, v, "jury.local: expected unix:///absolute/path, got '%s'", s);
	else if (s) {
		free(p->jury_local);
		p->jury_local = strdup(s + 7);
	}
	return 0;
}

/* review: {deadline_ms: N}: how long a held call may wait for the jury. */
static int on_deadline(struct ydoc *d, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	long ms;

	(void)k, (void)arg;
	if (ydoc_scalar(d, v, key) && ydoc_long(d, v, "review.deadline_ms", 1, 600000, &ms) == 0)
		loader_of(d)->p->review_deadline_ms = ms;
	return 0;
}

/* hardening: {allow: [NAME, ...]} relaxes single entries of the hardening. */
static int on_hardening_allow(struct ydoc *d, const char *key, yaml_node_t *k, yaml_node_t *v,
			      void *arg)
{
	struct policy *p = loader_of(d)->p;
	yaml_node_item_t *it;

	(void)key, (void)k, (void)arg;
	if (v->type != YAML_SEQUENCE_NODE) {
		ydoc_error(d, v, "allow: expected a list such as [ptrace, io_uring]");
		return 0;
	}
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *n = ydoc_node(d, *it);
		const char *name = ydoc_scalar(d, n, "allow");
		unsigned int bit;

		if (name && hardening_allow_from_name(name, &bit) < 0)
			ydoc_error(d, n, "unknown hardening entry '%s'", name);
		else if (name)
			p->hardening_allow |= bit;
	}
	return 0;
}

static int on_version(struct ydoc *d, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	const char *s = ydoc_scalar(d, v, key);

	(void)k, (void)arg;
	if (s && strcmp(s, "1"))
		ydoc_error(d, v, "unsupported version '%s' (expected 1)", s);
	else if (s)
		loader_of(d)->p->version = 1;
	loader_of(d)->version_seen = true;
	return 0;
}

static int on_mode(struct ydoc *d, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct policy *p = loader_of(d)->p;
	const char *s = ydoc_scalar(d, v, key);

	(void)k, (void)arg;
	if (s && !strcmp(s, "enforce"))
		p->mode = SX_MODE_ENFORCE;
	else if (s && !strcmp(s, "audit"))
		p->mode = SX_MODE_AUDIT;
	else if (s)
		ydoc_error(d, v, "unknown mode '%s' (expected enforce or audit)", s);
	return 0;
}

/* tmp: private|shared: the agent's /tmp (sevorix-policy(5)) */
static int on_tmp(struct ydoc *d, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct loader *l = loader_of(d);
	const char *s = ydoc_scalar(d, v, key);

	(void)arg;
	if (s && !strcmp(s, "private"))
		l->p->tmp = SX_TMP_PRIVATE;
	else if (s && !strcmp(s, "shared"))
		l->p->tmp = SX_TMP_SHARED;
	else if (s)
		ydoc_error(d, v, "unknown tmp '%s' (expected private or shared)", s);
	l->p->tmp_given = s != NULL;
	l->p->tmp_loc = loader_loc(l, k);
	return 0;
}

static const struct ydoc_key var_keys[] = { { NULL, on_var } };
static const struct ydoc_key jury_keys[] = { { "local", on_jury_local }, { NULL } };
static const struct ydoc_key review_keys[] = { { "deadline_ms", on_deadline }, { NULL } };
static const struct ydoc_key hardening_keys[] = { { "allow", on_hardening_allow }, { NULL } };

static int on_vars(struct ydoc *d, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k, (void)arg;
	return ydoc_map(d, v, key, var_keys, NULL);
}

static int on_jury(struct ydoc *d, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)k, (void)arg;
	return ydoc_map(d, v, key, jury_keys, NULL);
}

static int on_review(struct ydoc *d, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct loader *l = loader_of(d);

	(void)arg;
	l->p->review_loc = loader_loc(l, k);
	return ydoc_map(d, v, key, review_keys, NULL);
}

static int on_hardening(struct ydoc *d, const char *key, yaml_node_t *k, yaml_node_t *v,
			void *arg)
{
	(void)k, (void)arg;
	return ydoc_map(d, v, key, hardening_keys, NULL);
}

/* extends: and include: were read before every other key (loader_bases()). */
static int on_base(struct ydoc *d, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)d, (void)key, (void)k, (void)v, (void)arg;
	return 0;
}

/* The keys of the top level (sevorix-policy(5)). */
static const struct ydoc_key top_keys[] = {
	{ "version", on_version },	 { "mode", on_mode },	  { "vars", on_vars },
	{ "network", loader_section }, { "files", loader_section }, { "exec", loader_section },
	{ "jury", on_jury },		 { "review", on_review }, { "hardening", on_hardening },
	{ "tmp", on_tmp },		 { "extends", on_base },  { "include", on_base },
	{ NULL },
};

static void set_builtins(struct policy *p, const struct policy_env *env)
{
	static const char *const names[POLICY_NBUILTIN] = { "HOME", "USER", "WORKSPACE",
							    "AGENT_DIR" };
	const char *vals[POLICY_NBUILTIN] = { env ? env->home : NULL, env ? env->user : NULL,
					      env ? env->workspace : NULL,
					      env ? env->agent_dir : NULL };

	for (int i = 0; i < POLICY_NBUILTIN; i++) {
		p->builtin[i].name = strdup(names[i]);
		p->builtin[i].value = vals[i] ? strdup(vals[i]) : NULL;
	}
}

/* l->file: this file's entry of p->sources, from now on the file its rules name. */
static int add_source(struct loader *l)
{
	struct policy *p = l->p;
	char **s = realloc(p->sources, (p->nsources + 1) * sizeof(*s));

	if (!s)
		return -ENOMEM;
	p->sources = s;
	s[p->nsources] = strdup(l->path);
	if (!s[p->nsources])
		return -ENOMEM;
	l->src = p->nsources++;
	l->file = s[l->src];
	return 0;
}

/*
 * One file: the files it extends and includes first, then its own keys,
 * then what is checked per file. YAML that does not parse is reported and
 * is -EINVAL; nothing else of a file's content is a return value.
 */
int loader_read_file(struct loader *l, FILE *f)
{
	yaml_node_t *root;
	int r = ydoc_load(&l->y, f);

	if (r < 0)
		return r;
	root = ydoc_root(&l->y);
	if (!root)
		ydoc_error(&l->y, NULL, "empty policy");
	if (root && root->type == YAML_MAPPING_NODE)
		r = loader_bases(l, root);
	r = r ?: add_source(l);
	if (r == 0 && root)
		r = ydoc_map(&l->y, root, "policy", top_keys, NULL);
	if (r == 0) {
		if (!l->version_seen && !l->y.errors)
			ydoc_error(&l->y, NULL, "missing 'version: 1'");
		loader_check_duplicates(l);
		loader_override(l);
	}
	ydoc_free(&l->y);
	return r == -EINVAL ? 0 : r; /* a mapping that was not one: reported */
}

static void warn_absent(struct loader *l, const struct policy_section *s, const char *name)
{
	if (!s->present)
		ydoc_warn(&l->y, NULL, "no '%s' section: %s is not restricted", name, name);
}

static struct policy *policy_new(const char *file, const struct policy_env *env)
{
	struct policy *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->file = strdup(file);
	p->version = 0;
	p->network.def = p->files.def = p->exec.def = p->bind.def = SX_ALLOW;
	p->dns.ttl_min = POLICY_DNS_TTL_MIN;
	p->dns.ttl_max = POLICY_DNS_TTL_MAX;
	p->dns.grace = POLICY_DNS_GRACE;
	p->exec_written = SX_ALLOW;
	p->exec_loader = SX_DENY;
	p->jury_local = strdup(POLICY_JURY_DEFAULT);
	p->review_deadline_ms = POLICY_REVIEW_DEADLINE_MS;
	set_builtins(p, env);
	return p;
}

/* Reads the rulebook in f (a file, or memory: no descriptor), named file in messages; closes f. */
static int load_from(const char *file, FILE *f, const struct policy_env *env, struct policy **ret,
		     struct policy_diag *diag)
{
	struct loader l = { .y = { .emit = diag ? loader_diag_add : NULL, .ctx = diag },
			    .diag = diag };
	struct policy *p;
	struct stat st = { 0 };
	int r;

	*ret = NULL;
	snprintf(l.path, sizeof(l.path), "%s", file);
	l.y.file = l.path;
	p = policy_new(file, env);
	if (!p || (fileno(f) >= 0 && fstat(fileno(f), &st) < 0)) {
		r = p ? -errno : -ENOMEM;
		fclose(f);
		policy_free(p);
		return r;
	}
	l.p = p;
	l.id = (struct loader_file){ st.st_dev, st.st_ino };
	l.opened = malloc(sizeof(*l.opened));
	r = l.opened ? 0 : -ENOMEM;
	if (r == 0) {
		l.opened[l.nopened++] = l.id;
		r = loader_read_file(&l, f);
	}
	fclose(f);
	free(l.opened);
	if (r == 0) /* the whole rulebook: a host rule of one file meets a rule of another */
		loader_check_names(&l);
	if (r == 0 && !l.y.errors) {
		warn_absent(&l, &p->network, "network");
		warn_absent(&l, &p->files, "files");
		warn_absent(&l, &p->exec, "exec");
		policy_sort(p);
		if (p->nnet_rules >= SX_RULE_SLOTS)
			ydoc_error(&l.y, NULL, "too many network rules (%zu, at most %d)",
				   p->nnet_rules, SX_RULE_SLOTS - 1);
	}
	if (r < 0 || l.y.errors) {
		policy_free(p);
		return r < 0 ? r : -EINVAL;
	}
	*ret = p;
	return 0;
}

int policy_load(const char *file, const struct policy_env *env, struct policy **ret,
		struct policy_diag *diag)
{
	FILE *f = fopen(file, "re");

	*ret = NULL;
	return f ? load_from(file, f, env, ret, diag) : -errno;
}

int policy_load_text(const char *name, const char *text, const struct policy_env *env,
		     struct policy **ret, struct policy_diag *diag)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	*ret = NULL;
	return f ? load_from(name, f, env, ret, diag) : -errno;
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

void net_rule_clear(struct net_rule *r)
{
	free(r->ports);
	free(r->text);
	free(r->unix_path);
	free(r->host);
}

void file_rule_clear(struct file_rule *r)
{
	free(r->path);
	free(r->expanded);
}

void exec_rule_clear(struct exec_rule *r)
{
	free(r->path);
	free(r->expanded);
	free(r->argv_glob);
	free(r->shell_glob);
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
	for (int i = 0; i < POLICY_NBUILTIN; i++) {
		free(p->builtin[i].name);
		free(p->builtin[i].value);
	}
	for (size_t i = 0; i < p->nnet_rules; i++)
		net_rule_clear(&p->net_rules[i]);
	for (size_t i = 0; i < p->nfile_rules; i++)
		file_rule_clear(&p->file_rules[i]);
	for (size_t i = 0; i < p->nexec_rules; i++)
		exec_rule_clear(&p->exec_rules[i]);
	for (size_t i = 0; i < p->nsources; i++)
		free(p->sources[i]);
	free(p->sources);
	for (size_t i = 0; i < p->dns.nupstream; i++)
		free(p->dns.upstream[i]);
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

void policy_rule_name(const struct policy_loc *loc, char *buf, size_t len)
{
	if (loc && loc->file)
		snprintf(buf, len, "%s:%u", loc->file, loc->line);
	else
		snprintf(buf, len, "default");
}

const char *policy_host_path(const struct policy *p, const char *path, char *buf, size_t len)
{
	if (!p->root || !strcmp(p->root, "/"))
		return path;
	snprintf(buf, len, "%s%s", p->root, path);
	return buf;
}
