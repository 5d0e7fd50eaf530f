// SPDX-License-Identifier: GPL-2.0-only
/*
 * The three rule sections of the rulebook: network, files and exec. Each is
 * a mapping with `default` and `rules`; each rule is a mapping whose keys
 * depend on the section. A rule that has any error is not kept, but the
 * rest of the file is still checked so that every error is reported.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sevorix/abi.h"
#include "policy/internal.h"

struct rule_draft {
	enum section_kind kind;
	yaml_node_t *node;
	bool has_action;
	enum sx_action action;
	yaml_node_t *cidr, *ports, *unix_, *path, *access, *argv, *shell, *host, *create;
	struct port_range *pr;
	size_t npr;
	bool bad;
};

/* A bind rule may name port 0: the ephemeral port the kernel picks. */
static bool parse_port(const char *s, long *out, long min)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return !errno && end != s && !*end && *out >= min && *out <= 65535;
}

static void parse_ports(struct loader *l, struct rule_draft *d)
{
	yaml_node_t *seq = d->ports;
	long min = d->kind == SECTION_BIND ? 0 : 1;
	yaml_node_item_t *it;

	if (seq->type != YAML_SEQUENCE_NODE) {
		ydoc_error(&l->y, seq, "ports: expected a list such as [443, \"8000-8100\"]");
		d->bad = true;
		return;
	}
	d->pr = calloc(seq->data.sequence.items.top - seq->data.sequence.items.start + 1,
		       sizeof(*d->pr));
	for (it = seq->data.sequence.items.start; d->pr && it < seq->data.sequence.items.top;
	     it++) {
		yaml_node_t *n = ydoc_node(&l->y, *it);
		const char *s = ydoc_scalar(&l->y, n, "ports");
		char buf[32], *dash;
		long lo, hi;

		if (!s || strlen(s) >= sizeof(buf)) {
			d->bad = true;
			continue;
		}
		strcpy(buf, s);
		dash = strchr(buf, '-');
		if (dash)
			*dash = 0;
		if (!parse_port(buf, &lo, min) || (dash && !parse_port(dash + 1, &hi, min))) {
			ydoc_error(&l->y, n, "port '%s' out of range (%ld-65535, or LOW-HIGH)", s, min);
			d->bad = true;
			continue;
		}
		if (!dash)
			hi = lo;
		if (hi < lo) {
			ydoc_error(&l->y, n, "port range '%s' is empty", s);
			d->bad = true;
			continue;
		}
		d->pr[d->npr++] = (struct port_range){ lo, hi };
	}
	if (!d->npr && !d->bad) {
		ydoc_error(&l->y, seq, "ports: empty list (leave 'ports' out to mean every port)");
		d->bad = true;
	}
}

static int on_rule_action(struct ydoc *y, const char *key, yaml_node_t *k, yaml_node_t *v,
			  void *arg)
{
	struct rule_draft *d = arg;

	(void)key, (void)k;
	d->has_action = loader_action(loader_of(y), v, &d->action) == 0;
	d->bad |= !d->has_action;
	return 0;
}

/* Keeps a rule's value for rule_add(); which keys a rule may have is its section's table. */
static int on_rule_value(struct ydoc *y, const char *key, yaml_node_t *k, yaml_node_t *v,
			 void *arg)
{
	struct rule_draft *d = arg;

	(void)y, (void)k;
	if (!strcmp(key, "cidr"))
		d->cidr = v;
	else if (!strcmp(key, "ports"))
		d->ports = v;
	else if (!strcmp(key, "unix"))
		d->unix_ = v;
	else if (!strcmp(key, "path"))
		d->path = v;
	else if (!strcmp(key, "access"))
		d->access = v;
	else if (!strcmp(key, "shell"))
		d->shell = v;
	else if (!strcmp(key, "host"))
		d->host = v;
	else if (!strcmp(key, "create"))
		d->create = v;
	else
		d->argv = v;
	return 0;
}

static int on_rule_unknown(struct ydoc *y, const char *key, yaml_node_t *k, yaml_node_t *v,
			   void *arg)
{
	struct rule_draft *d = arg;

	(void)v;
	ydoc_error(y, k, "unknown key '%s' in rule", key);
	d->bad = true;
	return 0;
}

/* The keys of a rule, per section (sevorix-policy(5)). */
static const struct ydoc_key rule_keys[][6] = {
	[SECTION_NETWORK] = { { "action", on_rule_action }, { "cidr", on_rule_value },
			      { "ports", on_rule_value }, { "unix", on_rule_value },
			      { "host", on_rule_value }, { NULL, on_rule_unknown } },
	[SECTION_BIND] = { { "action", on_rule_action }, { "cidr", on_rule_value },
			   { "ports", on_rule_value }, { NULL, on_rule_unknown } },
	[SECTION_FILES] = { { "action", on_rule_action }, { "path", on_rule_value },
			    { "access", on_rule_value }, { "create", on_rule_value },
			    { NULL, on_rule_unknown } },
	[SECTION_EXEC] = { { "action", on_rule_action }, { "path", on_rule_value },
			   { "argv", on_rule_value }, { "shell", on_rule_value },
			   { NULL, on_rule_unknown } },
};

/* Returns the expanded, normalized absolute path, or NULL after an error. */
static char *rule_path(struct loader *l, yaml_node_t *n, const char *what, bool keep_slash)
{
	const char *s = ydoc_scalar(&l->y, n, what);
	char *x;
	size_t len;

	if (!s)
		return NULL;
	x = loader_expand(l, n, s);
	if (!x)
		return NULL;
	if (x[0] != '/') {
		ydoc_error(&l->y, n, "%s: relative path '%s' (paths must be absolute)", what, x);
		free(x);
		return NULL;
	}
	len = strlen(x);
	keep_slash = keep_slash && len > 1 && x[len - 1] == '/';
	policy_path_normalize(x);
	if (keep_slash && strcmp(x, "/"))
		strcat(x, "/"); /* normalization only shortens: there is room */
	return x;
}

/*
 * The path as written, normalized like its expansion but with its ${VAR}s
 * kept: the part before the first '/' (a variable) stays as it is.
 */
static char *written_path(const char *s, bool keep_slash)
{
	size_t len = s ? strlen(s) : 0;
	const char *slash = s ? strchr(s, '/') : NULL;
	bool trailing = keep_slash && len > 1 && s[len - 1] == '/';
	char *out;

	if (!slash)
		return strdup(s ?: "");
	out = malloc(len + 2);
	if (!out)
		return NULL;
	memcpy(out, s, slash - s);
	strcpy(out + (slash - s), slash);
	policy_path_normalize(out + (slash - s));
	if (!strcmp(out + (slash - s), "/") && slash != s)
		out[slash - s] = 0; /* "${HOME}/" is "${HOME}" */
	if (trailing && out[strlen(out) - 1] != '/')
		strcat(out, "/");
	return out;
}

static int parse_cidr(const char *s, struct net_rule *r)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	int max;
	long bits;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = 0;
	if (inet_pton(AF_INET, buf, r->addr) == 1) {
		r->kind = NET_RULE_CIDR4;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, r->addr) == 1) {
		r->kind = NET_RULE_CIDR6;
		max = 128;
	} else {
		return -EINVAL;
	}
	bits = max;
	if (slash) {
		errno = 0;
		bits = strtol(slash + 1, &end, 10);
		if (errno || end == slash + 1 || *end || bits < 0 || bits > max)
			return -ERANGE;
	}
	r->prefix = bits;
	return 0;
}

/* Clears host bits; returns true when there were any. */
static bool mask_host_bits(struct net_rule *r)
{
	int bytes = r->kind == NET_RULE_CIDR4 ? 4 : 16;
	bool changed = false;

	for (int i = 0; i < bytes; i++) {
		int keep = r->prefix - i * 8;
		uint8_t m = keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));

		changed |= (r->addr[i] & ~m) != 0;
		r->addr[i] &= m;
	}
	return changed;
}

static void cidr_text(struct net_rule *r)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(r->kind == NET_RULE_CIDR4 ? AF_INET : AF_INET6, r->addr, a, sizeof(a));
	free(r->text);
	if (asprintf(&r->text, "%s/%u", a, r->prefix) < 0)
		r->text = NULL;
}

/* host: NAME, with ports like a cidr rule (docs/dns.md) */
static bool host_rule_build(struct loader *l, struct rule_draft *d, struct net_rule *r)
{
	r->kind = NET_RULE_HOST;
	r->host = loader_host(l, d->host);
	r->text = r->host ? strdup(r->host) : NULL;
	if (d->ports)
		parse_ports(l, d);
	r->ports = d->pr;
	r->nports = d->npr;
	d->pr = NULL;
	return r->host && !d->bad;
}

static bool net_rule_build(struct loader *l, struct rule_draft *d, struct net_rule *r)
{
	if (d->kind == SECTION_BIND && !d->cidr) {
		if (!d->bad) /* an unknown key (host, unix) was reported already */
			ydoc_error(&l->y, d->node, "bind rule needs 'cidr'");
		return false;
	}
	if (!!d->cidr + !!d->unix_ + !!d->host != 1) {
		ydoc_error(&l->y, d->node, "network rule needs exactly one of 'cidr', 'unix' or 'host'");
		return false;
	}
	if (d->host)
		return host_rule_build(l, d, r);
	if (d->unix_) {
		if (d->ports) {
			ydoc_error(&l->y, d->ports, "'ports' applies to 'cidr' rules only");
			return false;
		}
		r->kind = NET_RULE_UNIX;
		r->text = written_path(ydoc_scalar(&l->y, d->unix_, "unix"), true);
		r->unix_path = rule_path(l, d->unix_, "unix", true);
		if (r->unix_path && strlen(r->unix_path) >= SX_UNIX_PATH_MAX) {
			ydoc_error(&l->y, d->unix_, "unix: path longer than %d bytes",
				   SX_UNIX_PATH_MAX - 1);
			return false;
		}
		r->unix_prefix = r->unix_path && r->unix_path[strlen(r->unix_path) - 1] == '/';
		return r->unix_path != NULL;
	}
	{
		const char *s = ydoc_scalar(&l->y, d->cidr, "cidr");
		int e = s ? parse_cidr(s, r) : -EINVAL;

		if (s && e == -ERANGE)
			ydoc_error(&l->y, d->cidr, "bad CIDR '%s': prefix length out of range", s);
		else if (s && e)
			ydoc_error(&l->y, d->cidr, "bad CIDR '%s'", s);
		if (e)
			return false;
		if (mask_host_bits(r)) {
			cidr_text(r);
			ydoc_warn(&l->y, d->cidr, "CIDR '%s' has host bits set; using %s", s, r->text);
		} else {
			cidr_text(r);
		}
	}
	if (d->ports)
		parse_ports(l, d);
	r->ports = d->pr;
	r->nports = d->npr;
	d->pr = NULL;
	if (d->kind == SECTION_BIND)
		r->kind = r->kind == NET_RULE_CIDR4 ? NET_RULE_BIND4 : NET_RULE_BIND6;
	return !d->bad;
}

/* create: dir|file (sevorix-policy(5)); false after an error */
static bool file_rule_create(struct loader *l, struct rule_draft *d, struct file_rule *r)
{
	const char *s = d->create ? ydoc_scalar(&l->y, d->create, "create") : NULL;

	if (!d->create)
		return true;
	if (s && !strcmp(s, "dir"))
		r->create = SX_CREATE_DIR;
	else if (s && !strcmp(s, "file"))
		r->create = SX_CREATE_FILE;
	else if (s)
		ydoc_error(&l->y, d->create, "unknown create '%s' (expected dir or file)", s);
	return r->create != SX_CREATE_NONE;
}

static bool file_rule_build(struct loader *l, struct rule_draft *d, struct file_rule *r)
{
	static const char *const names[] = { "read", "write", "exec" };
	yaml_node_item_t *it;

	if (!d->path) {
		ydoc_error(&l->y, d->node, "files rule needs 'path'");
		return false;
	}
	r->path = written_path(ydoc_scalar(&l->y, d->path, "path"), false);
	r->expanded = rule_path(l, d->path, "path", false);
	r->access = SX_ACCESS_ALL;
	if (!file_rule_create(l, d, r))
		return false;
	if (d->access && d->access->type != YAML_SEQUENCE_NODE) {
		ydoc_error(&l->y, d->access, "access: expected a list such as [read, write]");
		return false;
	}
	if (d->access) {
		r->access = 0;
		for (it = d->access->data.sequence.items.start;
		     it < d->access->data.sequence.items.top; it++) {
			yaml_node_t *n = ydoc_node(&l->y, *it);
			const char *s = ydoc_scalar(&l->y, n, "access");
			unsigned int bit = 0;

			for (int i = 0; i < 3 && s; i++)
				if (!strcmp(s, names[i]))
					bit = 1u << i;
			if (!bit && s)
				ydoc_error(&l->y, n,
					   "unknown access '%s' (expected read, write or exec)", s);
			if (!bit)
				return false;
			r->access |= bit;
		}
		if (!r->access) {
			ydoc_error(&l->y, d->access, "access: empty list");
			return false;
		}
	}
	return r->expanded != NULL;
}

/* An argv or shell pattern: expanded, not empty, at most SX_GLOB_MAX - 1 bytes. */
static char *rule_pattern(struct loader *l, yaml_node_t *n, const char *what)
{
	const char *s = ydoc_scalar(&l->y, n, what);
	char *pat;

	if (s && !*s)
		ydoc_error(&l->y, n, "%s: empty pattern", what);
	if (!s || !*s)
		return NULL;
	pat = loader_expand(l, n, s);
	if (pat && strlen(pat) >= SX_GLOB_MAX) {
		ydoc_error(&l->y, n, "%s: pattern longer than %d bytes", what, SX_GLOB_MAX - 1);
		free(pat);
		return NULL;
	}
	return pat;
}

static bool exec_rule_build(struct loader *l, struct rule_draft *d, struct exec_rule *r)
{
	if (!!d->path + !!d->argv + !!d->shell != 1) {
		ydoc_error(&l->y, d->node,
			   "exec rule needs exactly one of 'path', 'argv' or 'shell'");
		return false;
	}
	if (d->argv)
		return (r->argv_glob = rule_pattern(l, d->argv, "argv")) != NULL;
	if (d->shell)
		return (r->shell_glob = rule_pattern(l, d->shell, "shell")) != NULL;
	r->path = written_path(ydoc_scalar(&l->y, d->path, "path"), false);
	r->expanded = rule_path(l, d->path, "path", false);
	return r->expanded != NULL;
}

/* Grows *arr by one zeroed element of size sz; returns it or NULL. */
static void *grow(void **arr, size_t *n, size_t sz)
{
	char *a = realloc(*arr, (*n + 1) * sz);

	if (!a)
		return NULL;
	*arr = a;
	memset(a + *n * sz, 0, sz);
	return a + (*n)++ * sz;
}

static void rule_add(struct loader *l, struct policy *p, struct rule_draft *d)
{
	bool ok = false;

	if (d->kind == SECTION_FILES && d->has_action && d->action == SX_REVIEW) {
		ydoc_error(&l->y, d->node,
			   "review is not accepted in files: every open would have "
			   "to be held (use allow or deny)");
		d->bad = true;
	}
	if (d->kind == SECTION_BIND && d->has_action && d->action == SX_REVIEW) {
		ydoc_error(&l->y, d->node, "review is not accepted in bind: a bind is never held "
					   "(use allow or deny)");
		d->bad = true;
	}
	if (!d->has_action && !d->bad)
		ydoc_error(&l->y, d->node, "rule needs 'action'");
	if (d->kind == SECTION_NETWORK || d->kind == SECTION_BIND) {
		struct net_rule *r = grow((void **)&p->net_rules, &p->nnet_rules, sizeof(*r));

		if (r) {
			ok = net_rule_build(l, d, r) && d->has_action;
			r->action = d->action;
			r->loc = loader_loc(l, d->node);
		}
	} else if (d->kind == SECTION_FILES) {
		struct file_rule *r = grow((void **)&p->file_rules, &p->nfile_rules, sizeof(*r));

		if (r) {
			ok = file_rule_build(l, d, r) && d->has_action;
			r->action = d->action;
			r->loc = loader_loc(l, d->node);
		}
	} else {
		struct exec_rule *r = grow((void **)&p->exec_rules, &p->nexec_rules, sizeof(*r));

		if (r) {
			ok = exec_rule_build(l, d, r) && d->has_action;
			r->action = d->action;
			r->loc = loader_loc(l, d->node);
		}
	}
	free(d->pr);
	if (!ok && !l->y.errors)
		ydoc_error(&l->y, d->node, "invalid rule");
}

static void parse_rules(struct loader *l, yaml_node_t *seq, enum section_kind kind)
{
	yaml_node_item_t *it;

	if (seq->type != YAML_SEQUENCE_NODE) {
		ydoc_error(&l->y, seq, "rules: expected a list of rules");
		return;
	}
	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		struct rule_draft d = { .kind = kind, .node = ydoc_node(&l->y, *it) };

		if (ydoc_map(&l->y, d.node, "rule", rule_keys[kind], &d) == 0)
			rule_add(l, l->p, &d);
	}
}

static void loader_allow_deny(struct loader *l, yaml_node_t *v, enum sx_action *ret)
{
	enum sx_action a;

	if (loader_action(l, v, &a) < 0)
		return;
	if (a == SX_REVIEW)
		ydoc_error(&l->y, v, "expected allow or deny");
	else
		*ret = a;
}

struct section_ctx {
	struct policy_section *s;
	enum section_kind kind;
};

static int on_default(struct ydoc *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct section_ctx *c = arg;

	(void)key, (void)k;
	loader_action(loader_of(y), v, &c->s->def);
	if (c->kind == SECTION_FILES && c->s->def == SX_REVIEW)
		ydoc_error(y, v, "review is not accepted in files: every open would have to be held "
				 "(use allow or deny)");
	if (c->kind == SECTION_BIND && c->s->def == SX_REVIEW)
		ydoc_error(y, v, "review is not accepted in bind: a bind is never held "
				 "(use allow or deny)");
	return 0;
}

static int on_rules(struct ydoc *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)key, (void)k;
	parse_rules(loader_of(y), v, ((struct section_ctx *)arg)->kind);
	return 0;
}

/* exec: {written: deny} and {loader: allow} */
static int on_exec_mode(struct ydoc *y, const char *key, yaml_node_t *k, yaml_node_t *v,
			void *arg)
{
	struct loader *l = loader_of(y);

	(void)k, (void)arg;
	loader_allow_deny(l, v, !strcmp(key, "written") ? &l->p->exec_written : &l->p->exec_loader);
	return 0;
}

static int on_bind(struct ydoc *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg);

/* The keys of a section, per section (sevorix-policy(5)). */
static const struct ydoc_key section_keys[][5] = {
	[SECTION_NETWORK] = { { "default", on_default }, { "rules", on_rules },
			      { "dns", loader_dns }, { "bind", on_bind }, { NULL } },
	[SECTION_BIND] = { { "default", on_default }, { "rules", on_rules }, { NULL } },
	[SECTION_FILES] = { { "default", on_default }, { "rules", on_rules }, { NULL } },
	[SECTION_EXEC] = { { "default", on_default }, { "written", on_exec_mode },
			   { "loader", on_exec_mode }, { "rules", on_rules }, { NULL } },
};

/* network.bind: {default, rules}, a section of its own inside network */
static int on_bind(struct ydoc *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct loader *l = loader_of(y);
	struct section_ctx c = { &l->p->bind, SECTION_BIND };

	(void)arg;
	if (c.s->present && c.s->loc.src == l->src) /* per file: a later file may add to it */
		ydoc_error(y, k, "'bind' given twice");
	c.s->present = true;
	c.s->loc = loader_loc(l, k);
	return ydoc_map(y, v, key, section_keys[SECTION_BIND], &c);
}

int loader_section(struct ydoc *y, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct loader *l = loader_of(y);
	struct section_ctx c = { &l->p->network, SECTION_NETWORK };

	(void)arg;
	if (!strcmp(key, "files"))
		c = (struct section_ctx){ &l->p->files, SECTION_FILES };
	else if (!strcmp(key, "exec"))
		c = (struct section_ctx){ &l->p->exec, SECTION_EXEC };
	if (l->sections & (1u << c.kind))
		ydoc_error(y, k, "section '%s' given twice", key);
	l->sections |= 1u << c.kind; /* per file: a later file may add to a section */
	c.s->present = true;
	c.s->loc = loader_loc(l, k);
	return ydoc_map(y, v, key, section_keys[c.kind], &c);
}
