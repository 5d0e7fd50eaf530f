/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * jury.yaml (sevorix-jury(5)) into a struct jury_config, with libyaml.
 *
 * The file is loaded as one YAML document and walked node by node, so every
 * error can name the line and column of the node it is about
 * ("jury.yaml:12:7: unknown key 'wieght'"). Unknown keys are errors: a
 * misspelt "veto" must not silently give a juror less power than the
 * operator meant. When no file is named and the default file is absent, the
 * built-in configuration (all four built-in jurors, see jury_config_builtin)
 * is used; a named file that is missing is an error.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "jury/config.h"
#include "jury/kinds.h"

struct cfg_ctx {
	yaml_document_t *doc;
	struct jury_config *cfg;
	const char *file;
	char *err;
	size_t errlen;
};

static int cfg_error(struct cfg_ctx *c, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int cfg_error(struct cfg_ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	size_t off;
	va_list ap;

	off = (size_t)snprintf(c->err, c->errlen, "%s:%zu:%zu: ", c->file,
			       n ? n->start_mark.line + 1 : 1, n ? n->start_mark.column + 1 : 1);
	if (off >= c->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(c->err + off, c->errlen - off, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int get_str(struct cfg_ctx *c, const yaml_node_t *n, char **out)
{
	const char *s = scalar(n);

	if (!s)
		return cfg_error(c, n, "expected a string");
	free(*out);
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

static int get_long(struct cfg_ctx *c, const yaml_node_t *n, long lo, long hi, long *out)
{
	const char *s = scalar(n);
	char *end;

	if (!s || !*s)
		return cfg_error(c, n, "expected an integer");
	errno = 0;
	*out = strtol(s, &end, 10);
	if (*end || errno)
		return cfg_error(c, n, "'%s' is not an integer", s);
	if (*out < lo || *out > hi)
		return cfg_error(c, n, "%ld is out of range [%ld, %ld]", *out, lo, hi);
	return 0;
}

static int get_int(struct cfg_ctx *c, const yaml_node_t *n, long lo, long hi, int *out)
{
	long v;
	int ret = get_long(c, n, lo, hi, &v);

	if (!ret)
		*out = (int)v;
	return ret;
}

static int get_double(struct cfg_ctx *c, const yaml_node_t *n, double lo, double hi, double *out)
{
	const char *s = scalar(n);
	char *end;

	if (!s || !*s)
		return cfg_error(c, n, "expected a number");
	*out = strtod(s, &end);
	if (*end || !(*out >= lo && *out <= hi))
		return cfg_error(c, n, "'%s' is not a number in [%g, %g]", s, lo, hi);
	return 0;
}

static int get_bool(struct cfg_ctx *c, const yaml_node_t *n, bool *out)
{
	const char *s = scalar(n);

	if (s && (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")))
		*out = true;
	else if (s && (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off")))
		*out = false;
	else
		return cfg_error(c, n, "expected true or false");
	return 0;
}

/* "unanimous" | "quorum:K" | "weighted:THRESHOLD" | "tiered[:THRESHOLD]" */
static int get_consensus(struct cfg_ctx *c, const yaml_node_t *n)
{
	const char *s = scalar(n);
	char *end;

	if (!s)
		return cfg_error(c, n, "expected unanimous, quorum:K, weighted:T or tiered:T");
	if (!strcmp(s, "unanimous")) {
		c->cfg->mode = JURY_UNANIMOUS;
	} else if (!strncmp(s, "quorum:", 7)) {
		long k = strtol(s + 7, &end, 10);

		if (*end || end == s + 7 || k < 1 || k > JURY_MAX_JURORS)
			return cfg_error(c, n, "quorum needs a count in [1, %d]", JURY_MAX_JURORS);
		c->cfg->mode = JURY_QUORUM;
		c->cfg->quorum = (int)k;
	} else if (!strncmp(s, "weighted:", 9)) {
		double t = strtod(s + 9, &end);

		if (*end || end == s + 9 || !(t > -1000 && t < 1000))
			return cfg_error(c, n, "weighted needs a threshold, e.g. weighted:0.5");
		c->cfg->mode = JURY_WEIGHTED;
		c->cfg->threshold = t;
	} else if (!strcmp(s, "tiered")) {
		c->cfg->mode = JURY_TIERED;
		c->cfg->threshold = 0;
	} else if (!strncmp(s, "tiered:", 7)) {
		double t = strtod(s + 7, &end);

		if (*end || end == s + 7 || !(t > -1000 && t < 1000))
			return cfg_error(c, n, "tiered needs a threshold, e.g. tiered:0");
		c->cfg->mode = JURY_TIERED;
		c->cfg->threshold = t;
	} else {
		return cfg_error(c, n, "unknown consensus '%s' (unanimous, quorum:K, "
				 "weighted:T, tiered:T)", s);
	}
	return 0;
}

#define for_each_pair(c, map, p)                                                                   \
	for (p = (map)->data.mapping.pairs.start; p < (map)->data.mapping.pairs.top; p++)

static int expect_map(struct cfg_ctx *c, const yaml_node_t *n, const char *what)
{
	if (!n || n->type != YAML_MAPPING_NODE)
		return cfg_error(c, n, "%s must be a mapping", what);
	return 0;
}

/* One juror's mapping. Strings are strdup'd into the const fields. */
static int parse_juror(struct cfg_ctx *c, yaml_node_t *map, struct juror_config *jc)
{
	yaml_node_pair_t *p;
	int ret = expect_map(c, map, "a juror");

	jc->weight = 1.0;
	for_each_pair (c, map, p) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		const char *key = scalar(k);
		char **str = NULL;

		if (ret)
			return ret;
		if (!key)
			return cfg_error(c, k, "keys must be strings");
		if (!strcmp(key, "kind"))
			str = (char **)&jc->kind;
		else if (!strcmp(key, "name"))
			str = (char **)&jc->name;
		else if (!strcmp(key, "role"))
			str = (char **)&jc->role;
		else if (!strcmp(key, "prompt"))
			str = (char **)&jc->prompt;
		else if (!strcmp(key, "model"))
			str = (char **)&jc->model;
		else if (!strcmp(key, "endpoint"))
			str = (char **)&jc->endpoint;
		else if (!strcmp(key, "library"))
			str = (char **)&jc->library;
		else if (!strcmp(key, "threads"))
			ret = get_int(c, v, 1, 256, &jc->threads);
		else if (!strcmp(key, "ctx"))
			ret = get_int(c, v, 64, 1 << 20, &jc->ctx);
		else if (!strcmp(key, "weight"))
			ret = get_double(c, v, 0, 100, &jc->weight);
		else if (!strcmp(key, "advisory"))
			ret = get_bool(c, v, &jc->advisory);
		else if (!strcmp(key, "veto"))
			ret = get_bool(c, v, &jc->veto);
		else if (!strcmp(key, "deadline_ms"))
			ret = get_int(c, v, 1, 600000, &jc->deadline_ms);
		else
			return cfg_error(c, k, "unknown juror key '%s'", key);
		if (str)
			ret = get_str(c, v, str);
	}
	if (ret)
		return ret;
	if (!jc->kind)
		return cfg_error(c, map, "a juror needs a kind");
	if (!juror_find(jc->kind))
		return cfg_error(c, map, "unknown juror kind '%s'", jc->kind);
	if (!jc->name && !(jc->name = strdup(jc->kind)))
		return -ENOMEM;
	return 0;
}

static int parse_jurors(struct cfg_ctx *c, yaml_node_t *seq)
{
	yaml_node_item_t *it;
	size_t i, j;
	int ret;

	if (seq->type != YAML_SEQUENCE_NODE)
		return cfg_error(c, seq, "jurors must be a list");
	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *n = yaml_document_get_node(c->doc, *it);

		if (c->cfg->njurors == JURY_MAX_JURORS)
			return cfg_error(c, n, "more than %d jurors", JURY_MAX_JURORS);
		ret = parse_juror(c, n, &c->cfg->jurors[c->cfg->njurors++]);
		if (ret)
			return ret;
		i = c->cfg->njurors - 1;
		for (j = 0; j < i; j++)
			if (!strcmp(c->cfg->jurors[j].name, c->cfg->jurors[i].name))
				return cfg_error(c, n, "two jurors are named '%s'",
						 c->cfg->jurors[i].name);
	}
	if (!c->cfg->njurors)
		return cfg_error(c, seq, "the jury needs at least one juror");
	return 0;
}

/* cache: {size, ttl_ms} | server: {client_timeout_ms, max_clients} */
static int parse_section(struct cfg_ctx *c, const char *name, yaml_node_t *map)
{
	struct jury_config *cfg = c->cfg;
	yaml_node_pair_t *p;
	long size;
	int ret = expect_map(c, map, name);

	for_each_pair (c, map, p) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		const char *key = scalar(k) ? scalar(k) : "";

		if (ret)
			return ret;
		if (!strcmp(name, "cache") && !strcmp(key, "size")) {
			ret = get_long(c, v, 0, 1 << 24, &size);
			cfg->cache_size = (size_t)size;
		} else if (!strcmp(name, "cache") && !strcmp(key, "ttl_ms")) {
			ret = get_int(c, v, 1, INT_MAX, &cfg->cache_ttl_ms);
		} else if (!strcmp(name, "server") && !strcmp(key, "client_timeout_ms")) {
			ret = get_int(c, v, 10, 3600000, &cfg->client_timeout_ms);
		} else if (!strcmp(name, "server") && !strcmp(key, "max_clients")) {
			ret = get_int(c, v, 1, 65536, &cfg->max_clients);
		} else if (!strcmp(name, "cloud") && !strcmp(key, "url")) {
			ret = get_str(c, v, &cfg->cloud_url);
		} else if (!strcmp(name, "cloud") && !strcmp(key, "deadline_ms")) {
			ret = get_int(c, v, 1, 600000, &cfg->cloud_deadline_ms);
		} else if (!strcmp(name, "cloud") && !strcmp(key, "failures")) {
			ret = get_int(c, v, 1, 1000, &cfg->cloud_failures);
		} else if (!strcmp(name, "cloud") && !strcmp(key, "cooldown_ms")) {
			ret = get_int(c, v, 1, 3600000, &cfg->cloud_cooldown_ms);
		} else {
			return cfg_error(c, k, "unknown key '%s' in %s", key, name);
		}
	}
	if (!ret && !strcmp(name, "cloud") && !cfg->cloud_url)
		return cfg_error(c, map, "cloud needs a url");
	return ret;
}

static int parse_root(struct cfg_ctx *c, yaml_node_t *root)
{
	yaml_node_pair_t *p;
	int ret = expect_map(c, root, "the jury configuration");

	for_each_pair (c, root, p) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		const char *key = scalar(k) ? scalar(k) : "";

		if (ret)
			return ret;
		if (!strcmp(key, "jurors"))
			ret = parse_jurors(c, v);
		else if (!strcmp(key, "consensus"))
			ret = get_consensus(c, v);
		else if (!strcmp(key, "deadline_ms"))
			ret = get_int(c, v, 1, 600000, &c->cfg->deadline_ms);
		else if (!strcmp(key, "data_dir"))
			ret = get_str(c, v, &c->cfg->data_dir);
		else if (!strcmp(key, "cache") || !strcmp(key, "server") || !strcmp(key, "cloud"))
			ret = parse_section(c, key, v);
		else
			return cfg_error(c, k, "unknown key '%s'", key);
	}
	if (!ret && !c->cfg->njurors)
		return cfg_error(c, root, "jurors: the jury needs at least one juror");
	return ret;
}

static void config_defaults(struct jury_config *cfg)
{
	cfg->mode = JURY_UNANIMOUS;
	cfg->deadline_ms = 250;
	cfg->cache_size = 4096;
	cfg->cache_ttl_ms = 60000;
	cfg->client_timeout_ms = 5000;
	cfg->max_clients = 256;
	cfg->cloud_deadline_ms = 100;
	cfg->cloud_failures = 3;
	cfg->cloud_cooldown_ms = 5000;
}

/*
 * Where the trained model files are: data_dir from the file, else
 * $SEVORIX_JURY_DATA, else "jury/" beside the binary (build/jury/ for
 * build/sevorix and build/asan/sevorix), else the installed location.
 */
static int config_data_dir(struct jury_config *cfg)
{
	char exe[PATH_MAX], cand[PATH_MAX + 16];
	const char *env = getenv("SEVORIX_JURY_DATA");
	ssize_t n;
	char *slash;
	size_t i;

	if (!cfg->data_dir && env && *env)
		cfg->data_dir = strdup(env);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (!cfg->data_dir && n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		snprintf(cand, sizeof(cand), "%s/jury", exe);
		if (access(cand, R_OK | X_OK)) {
			snprintf(cand, sizeof(cand), "%s/../jury", exe);
			if (access(cand, R_OK | X_OK))
				cand[0] = '\0';
		}
		if (cand[0])
			cfg->data_dir = realpath(cand, NULL);
	}
	if (!cfg->data_dir)
		cfg->data_dir = strdup(JURY_DEFAULT_DATA_DIR);
	if (!cfg->data_dir)
		return -ENOMEM;
	for (i = 0; i < cfg->njurors; i++)
		cfg->jurors[i].data_dir = cfg->data_dir;
	return 0;
}

/*
 * The configuration used when /etc/sevorix/jury.yaml does not exist: the
 * four built-in jurors, each a different method, under the rule that did
 * best on the project's held-out split (`make eval`): a weighted log-odds
 * vote in which the rulebook counts double and can veto, and grounding,
 * the least precise alone, counts half. Unanimity denied a third of the
 * everyday commands there, because each statistical juror's false alarms
 * add up; the weighted vote lets two confident jurors outvote one unsure
 * one while the rulebook's deny still holds. (A file that names no
 * consensus gets unanimous: explicit configuration is taken literally.)
 */
static const char builtin_yaml[] = "consensus: weighted:0\n"
				   "deadline_ms: 250\n"
				   "jurors:\n"
				   "  - {kind: rulebook, weight: 2, veto: true}\n"
				   "  - {kind: ngram, weight: 1}\n"
				   "  - {kind: logreg, weight: 1}\n"
				   "  - {kind: grounding, weight: 0.5}\n";

static int config_parse(const char *file, FILE *f, const char *text, struct jury_config *cfg,
			char *err, size_t errlen)
{
	struct cfg_ctx c = { .cfg = cfg, .file = file, .err = err, .errlen = errlen };
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int ret;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	if (f)
		yaml_parser_set_input_file(&parser, f);
	else
		yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "%s:%zu:%zu: %s", file, parser.problem_mark.line + 1,
			 parser.problem_mark.column + 1,
			 parser.problem ? parser.problem : "YAML syntax error");
		yaml_parser_delete(&parser);
		return -EINVAL;
	}
	c.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		snprintf(err, errlen, "%s:1:1: the file is empty", file);
		ret = -EINVAL;
	} else {
		ret = parse_root(&c, root);
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return ret;
}

static int config_new(const char *path, struct jury_config **ret)
{
	struct jury_config *cfg = calloc(1, sizeof(*cfg));

	*ret = NULL;
	if (!cfg || !(cfg->path = strdup(path))) {
		free(cfg);
		return -ENOMEM;
	}
	config_defaults(cfg);
	*ret = cfg;
	return 0;
}

int jury_config_load(const char *path, struct jury_config **ret, char *err, size_t errlen)
{
	const char *file = path ? path : JURY_DEFAULT_CONFIG;
	struct jury_config *cfg;
	FILE *f;
	int r;

	*ret = NULL;
	f = fopen(file, "re");
	if (!f && !path && errno == ENOENT)
		return jury_config_builtin(ret, err, errlen);
	if (!f) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return r;
	}
	r = config_new(file, &cfg);
	if (!r)
		r = config_parse(file, f, NULL, cfg, err, errlen);
	fclose(f);
	if (!r)
		r = config_data_dir(cfg);
	if (r) {
		jury_config_free(cfg);
		return r;
	}
	*ret = cfg;
	return 0;
}

int jury_config_builtin(struct jury_config **ret, char *err, size_t errlen)
{
	struct jury_config *cfg;
	int r;

	r = config_new("(built-in)", &cfg);
	if (!r)
		r = config_parse("(built-in)", NULL, builtin_yaml, cfg, err, errlen);
	if (!r)
		r = config_data_dir(cfg);
	if (r) {
		jury_config_free(cfg);
		return r;
	}
	*ret = cfg;
	return 0;
}

void jury_config_free(struct jury_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->njurors; i++) {
		struct juror_config *jc = &cfg->jurors[i];

		free((char *)jc->name);
		free((char *)jc->kind);
		free((char *)jc->role);
		free((char *)jc->prompt);
		free((char *)jc->model);
		free((char *)jc->endpoint);
		free((char *)jc->library);
	}
	free(cfg->path);
	free(cfg->data_dir);
	free(cfg->cloud_url);
	free(cfg);
}

const char *jury_mode_name(const struct jury_config *cfg, char *buf, size_t len)
{
	if (cfg->mode == JURY_QUORUM)
		snprintf(buf, len, "quorum:%d", cfg->quorum);
	else if (cfg->mode == JURY_WEIGHTED)
		snprintf(buf, len, "weighted:%g", cfg->threshold);
	else if (cfg->mode == JURY_TIERED)
		snprintf(buf, len, "tiered:%g", cfg->threshold);
	else
		snprintf(buf, len, "unanimous");
	return buf;
}

/* Writes "key: "value"" with YAML double-quote escapes; nothing when v is NULL. */
static void print_str(FILE *out, const char *indent, const char *key, const char *v)
{
	const unsigned char *p;

	if (!v)
		return;
	fprintf(out, "%s%s: \"", indent, key);
	for (p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fprintf(out, "\\n");
		else if (*p < 0x20)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
	fprintf(out, "\"\n");
}

static void print_juror(FILE *out, const struct juror_config *jc)
{
	print_str(out, "  - ", "kind", jc->kind);
	print_str(out, "    ", "name", jc->name);
	fprintf(out, "    weight: %g\n", jc->weight);
	if (jc->advisory)
		fprintf(out, "    advisory: true\n");
	if (jc->veto)
		fprintf(out, "    veto: true\n");
	if (jc->deadline_ms)
		fprintf(out, "    deadline_ms: %d\n", jc->deadline_ms);
	print_str(out, "    ", "role", jc->role);
	print_str(out, "    ", "model", jc->model);
	print_str(out, "    ", "endpoint", jc->endpoint);
	print_str(out, "    ", "library", jc->library);
	if (jc->threads)
		fprintf(out, "    threads: %d\n", jc->threads);
	if (jc->ctx)
		fprintf(out, "    ctx: %d\n", jc->ctx);
	print_str(out, "    ", "prompt", jc->prompt);
}

int jury_config_print(const struct jury_config *cfg, FILE *out)
{
	char mode[48];
	size_t i;

	fprintf(out, "# %s\nconsensus: %s\ndeadline_ms: %d\n", cfg->path,
		jury_mode_name(cfg, mode, sizeof(mode)), cfg->deadline_ms);
	print_str(out, "", "data_dir", cfg->data_dir);
	fprintf(out, "cache:\n  size: %zu\n  ttl_ms: %d\n", cfg->cache_size, cfg->cache_ttl_ms);
	fprintf(out, "server:\n  client_timeout_ms: %d\n  max_clients: %d\n",
		cfg->client_timeout_ms, cfg->max_clients);
	if (cfg->cloud_url) {
		fprintf(out, "cloud:\n");
		print_str(out, "  ", "url", cfg->cloud_url);
		fprintf(out, "  deadline_ms: %d\n  failures: %d\n  cooldown_ms: %d\n",
			cfg->cloud_deadline_ms, cfg->cloud_failures, cfg->cloud_cooldown_ms);
	}
	fprintf(out, "jurors:\n");
	for (i = 0; i < cfg->njurors; i++)
		print_juror(out, &cfg->jurors[i]);
	return ferror(out) ? -EIO : 0;
}
