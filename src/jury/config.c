/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * jury.yaml (sevorix-jury(5)) into a struct jury_config, with the YAML
 * helper the rulebook uses too (util/yaml.h).
 *
 * The file is walked mapping by mapping with a table of the keys each may
 * hold (struct cfg_field: the key, how its value is read, where it goes),
 * and every error names the line and column of its node ("jury.yaml:12:7:
 * unknown juror key 'wieght'"); the walk goes on after an error, so the
 * user sees every error of the file at once, and a file with any error
 * yields no configuration. Unknown keys are errors: a misspelt "veto" must
 * not silently give a juror less power than the operator meant. When no
 * file is named and the default file is absent, the built-in configuration
 * (all four built-in jurors, see jury_config_builtin) is used; a named
 * file that is missing is an error.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jury/config.h"
#include "jury/human.h"
#include "jury/kinds.h"
#include "util/yaml.h"

/*
 * One walk over the file (util/yaml.h): every error becomes a line of the
 * caller's err buffer and the walk goes on, so a user sees them all at
 * once. The walk state embeds the ydoc, so handlers get back to it.
 */
struct cfg_walk {
	struct ydoc y;
	struct jury_config *cfg;
	char *err;
	size_t errlen, used;
};

#define walk_of(d) ((struct cfg_walk *)((char *)(d) - offsetof(struct cfg_walk, y)))

/* Appends each message as a line of err; what does not fit is dropped. */
static void collect(void *ctx, bool error, const char *line)
{
	struct cfg_walk *w = ctx;
	int n;

	(void)error;
	if (!w->err || w->used >= w->errlen)
		return;
	n = snprintf(w->err + w->used, w->errlen - w->used, "%s%s", w->used ? "\n" : "", line);
	if (n > 0)
		w->used += (size_t)n < w->errlen - w->used ? (size_t)n : w->errlen - w->used - 1;
}

/*
 * A key of a mapping and how its value is read: into the field at off of
 * the mapping's struct (a juror_config, or the jury_config itself), within
 * [lo, hi] for numbers; sub names the keys of a nested mapping.
 */
struct cfg_field {
	const char *name;
	void (*read)(struct cfg_walk *w, yaml_node_t *v, const struct cfg_field *f, void *base);
	size_t off;
	double lo, hi;
	const struct cfg_field *sub;
};

/* The keys of one mapping, and how an unknown one is reported. */
struct cfg_fields {
	const struct cfg_field *fields;
	void *base;
	const char *unknown; /* printf format with the key's %s */
	const char *section; /* a second %s, or NULL */
};

#define FIELD(base, f) ((void *)((char *)(base) + (f)->off))

static void read_str(struct cfg_walk *w, yaml_node_t *v, const struct cfg_field *f, void *base)
{
	const char *s = ydoc_scalar(&w->y, v, f->name);
	char **out = FIELD(base, f);

	if (!s)
		return;
	free(*out);
	*out = strdup(s);
	if (!*out)
		ydoc_error(&w->y, v, "%s: out of memory", f->name);
}

/* A whole number in [f->lo, f->hi] into *out; 0 or -EINVAL after reporting. */
static int read_long(struct cfg_walk *w, yaml_node_t *v, const struct cfg_field *f, long *out)
{
	const char *s = ydoc_scalar(&w->y, v, f->name);
	char *end;

	if (!s)
		return -EINVAL;
	errno = 0;
	*out = strtol(s, &end, 10);
	if (!*s || *end || errno) {
		ydoc_error(&w->y, v, "'%s' is not an integer", s);
		return -EINVAL;
	}
	if (*out < (long)f->lo || *out > (long)f->hi) {
		ydoc_error(&w->y, v, "%ld is out of range [%ld, %ld]", *out, (long)f->lo,
			   (long)f->hi);
		return -EINVAL;
	}
	return 0;
}

static void read_int(struct cfg_walk *w, yaml_node_t *v, const struct cfg_field *f, void *base)
{
	long n;

	if (!read_long(w, v, f, &n))
		*(int *)FIELD(base, f) = (int)n;
}

static void read_size(struct cfg_walk *w, yaml_node_t *v, const struct cfg_field *f, void *base)
{
	long n;

	if (!read_long(w, v, f, &n))
		*(size_t *)FIELD(base, f) = (size_t)n;
}

static void read_double(struct cfg_walk *w, yaml_node_t *v, const struct cfg_field *f, void *base)
{
	const char *s = ydoc_scalar(&w->y, v, f->name);
	char *end;
	double x;

	if (!s)
		return;
	x = strtod(s, &end);
	if (!*s || *end || !(x >= f->lo && x <= f->hi))
		ydoc_error(&w->y, v, "'%s' is not a number in [%g, %g]", s, f->lo, f->hi);
	else
		*(double *)FIELD(base, f) = x;
}

static void read_bool(struct cfg_walk *w, yaml_node_t *v, const struct cfg_field *f, void *base)
{
	const char *s = ydoc_scalar(&w->y, v, f->name);
	bool *out = FIELD(base, f);

	if (s && (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")))
		*out = true;
	else if (s && (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off")))
		*out = false;
	else if (s)
		ydoc_error(&w->y, v, "expected true or false");
}

/* The threshold after "weighted:" or "tiered:", or NAN. */
static double threshold_of(const char *s)
{
	char *end;
	double t = strtod(s, &end);

	return *end || end == s || !(t > -1000 && t < 1000) ? NAN : t;
}

/* "unanimous" | "quorum:K" | "weighted:THRESHOLD" | "tiered[:THRESHOLD]" */
static void read_consensus(struct cfg_walk *w, yaml_node_t *v, const struct cfg_field *f,
			   void *base)
{
	const char *s = ydoc_scalar(&w->y, v, f->name);
	struct jury_config *cfg = base;
	char *end;

	if (!s)
		return;
	if (!strcmp(s, "unanimous")) {
		cfg->mode = JURY_UNANIMOUS;
	} else if (!strncmp(s, "quorum:", 7)) {
		long k = strtol(s + 7, &end, 10);

		if (*end || end == s + 7 || k < 1 || k > JURY_MAX_JURORS)
			ydoc_error(&w->y, v, "quorum needs a count in [1, %d]", JURY_MAX_JURORS);
		cfg->mode = JURY_QUORUM;
		cfg->quorum = (int)k;
	} else if (!strncmp(s, "weighted:", 9) || !strncmp(s, "tiered:", 7)) {
		bool tiered = s[0] == 't';

		cfg->mode = tiered ? JURY_TIERED : JURY_WEIGHTED;
		cfg->threshold = threshold_of(s + (tiered ? 7 : 9));
		if (isnan(cfg->threshold))
			ydoc_error(&w->y, v, "%s needs a threshold, e.g. %s:0",
				   tiered ? "tiered" : "weighted", tiered ? "tiered" : "weighted");
	} else if (!strcmp(s, "tiered")) {
		cfg->mode = JURY_TIERED;
		cfg->threshold = 0;
	} else {
		ydoc_error(&w->y, v, "unknown consensus '%s' (unanimous, quorum:K, weighted:T, "
				     "tiered:T)", s);
	}
}

/* Every key of a mapping through its field; unknown keys are errors. */
static int on_field(struct ydoc *d, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	const struct cfg_fields *fs = arg;
	const struct cfg_field *f;

	for (f = fs->fields; f->name; f++)
		if (!strcmp(f->name, key)) {
			f->read(walk_of(d), v, f, fs->base);
			return 0;
		}
	ydoc_error(d, k, fs->unknown, key, fs->section);
	return 0;
}

static const struct ydoc_key every_key[] = { { NULL, on_field } };

/* cache, server, cloud: a mapping of fields of the jury_config. */
static void read_section(struct cfg_walk *w, yaml_node_t *v, const struct cfg_field *f,
			 void *base)
{
	struct cfg_fields fs = { f->sub, base, "unknown key '%s' in %s", f->name };

	if (ydoc_map(&w->y, v, f->name, every_key, &fs))
		return;
	if (!strcmp(f->name, "cloud") && !w->cfg->cloud_url)
		ydoc_error(&w->y, v, "cloud needs a url");
}

#define JUROR_STR(n) { #n, read_str, offsetof(struct juror_config, n), 0, 0, NULL }
#define JUROR_INT(n, lo, hi) { #n, read_int, offsetof(struct juror_config, n), lo, hi, NULL }

static const struct cfg_field juror_fields[] = {
	JUROR_STR(kind), JUROR_STR(name), JUROR_STR(role), JUROR_STR(prompt), JUROR_STR(model),
	JUROR_STR(endpoint), JUROR_STR(library),
	JUROR_INT(threads, 1, 256), JUROR_INT(ctx, 64, 1 << 20),
	JUROR_INT(deadline_ms, 1, 600000), JUROR_INT(human_deadline_ms, 1000, 86400000),
	JUROR_INT(escalate_after, 0, 1000),
	{ "weight", read_double, offsetof(struct juror_config, weight), 0, 100, NULL },
	{ "advisory", read_bool, offsetof(struct juror_config, advisory), 0, 0, NULL },
	{ "veto", read_bool, offsetof(struct juror_config, veto), 0, 0, NULL },
	{ NULL },
};

/* One juror's mapping; strings are strdup'd into its const fields. */
static void read_juror(struct cfg_walk *w, yaml_node_t *map, struct juror_config *jc)
{
	struct cfg_fields fs = { juror_fields, jc, "unknown juror key '%s'", NULL };
	struct jury_config *cfg = w->cfg;

	jc->weight = 1.0;
	if (ydoc_map(&w->y, map, "a juror", every_key, &fs))
		return;
	if (!jc->kind) {
		ydoc_error(&w->y, map, "a juror needs a kind");
		return;
	}
	if (!juror_find(jc->kind))
		ydoc_error(&w->y, map, "unknown juror kind '%s'", jc->kind);
	if (!jc->name && !(jc->name = strdup(jc->kind)))
		ydoc_error(&w->y, map, "out of memory");
	for (size_t i = 0; jc->name && &cfg->jurors[i] != jc; i++)
		if (cfg->jurors[i].name && !strcmp(cfg->jurors[i].name, jc->name)) {
			ydoc_error(&w->y, map, "two jurors are named '%s'", jc->name);
			break;
		}
}

static void read_jurors(struct cfg_walk *w, yaml_node_t *seq, const struct cfg_field *f,
			void *base)
{
	struct jury_config *cfg = base;
	yaml_node_item_t *it;

	(void)f;
	if (seq->type != YAML_SEQUENCE_NODE) {
		ydoc_error(&w->y, seq, "jurors must be a list");
		return;
	}
	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *n = ydoc_node(&w->y, *it);

		if (cfg->njurors == JURY_MAX_JURORS) {
			ydoc_error(&w->y, n, "more than %d jurors", JURY_MAX_JURORS);
			return;
		}
		read_juror(w, n, &cfg->jurors[cfg->njurors++]);
	}
	if (!cfg->njurors)
		ydoc_error(&w->y, seq, "the jury needs at least one juror");
}

#define CFG_INT(n, lo, hi) { #n, read_int, offsetof(struct jury_config, n), lo, hi, NULL }

static const struct cfg_field cache_fields[] = {
	{ "size", read_size, offsetof(struct jury_config, cache_size), 0, 1 << 24, NULL },
	{ "ttl_ms", read_int, offsetof(struct jury_config, cache_ttl_ms), 1, INT_MAX, NULL },
	{ NULL },
};
static const struct cfg_field server_fields[] = {
	CFG_INT(client_timeout_ms, 10, 3600000),
	CFG_INT(max_clients, 1, 65536),
	{ NULL },
};
static const struct cfg_field cloud_fields[] = {
	{ "url", read_str, offsetof(struct jury_config, cloud_url), 0, 0, NULL },
	{ "deadline_ms", read_int, offsetof(struct jury_config, cloud_deadline_ms), 1, 600000,
	  NULL },
	{ "failures", read_int, offsetof(struct jury_config, cloud_failures), 1, 1000, NULL },
	{ "cooldown_ms", read_int, offsetof(struct jury_config, cloud_cooldown_ms), 1, 3600000,
	  NULL },
	{ NULL },
};
static const struct cfg_field top_fields[] = {
	{ "jurors", read_jurors, 0, 0, 0, NULL },
	{ "consensus", read_consensus, 0, 0, 0, NULL },
	CFG_INT(deadline_ms, 1, 600000),
	{ "data_dir", read_str, offsetof(struct jury_config, data_dir), 0, 0, NULL },
	{ "cache", read_section, 0, 0, 0, cache_fields },
	{ "server", read_section, 0, 0, 0, server_fields },
	{ "cloud", read_section, 0, 0, 0, cloud_fields },
	{ NULL },
};

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
 * four built-in jurors, each a different method, under the rule chosen
 * from the project's evaluation (`make eval`, jurors/RECOMMEND.txt): a
 * weighted log-odds vote over calibrated confidences in which the
 * rulebook can veto, the logistic model counts in full and the n-gram
 * model and grounding count half, with a threshold of 0.5 so that the two
 * statistical jurors, when both are fairly sure, outvote the rulebook's
 * "no rule matched". Unanimity lets every juror's false alarms add up.
 * (A file that names no consensus gets unanimous: explicit configuration
 * is taken literally.)
 */
static const char builtin_yaml[] = "consensus: weighted:0.5\n"
				   "deadline_ms: 250\n"
				   "jurors:\n"
				   "  - {kind: rulebook, weight: 1, veto: true}\n"
				   "  - {kind: ngram, weight: 0.5}\n"
				   "  - {kind: logreg, weight: 1}\n"
				   "  - {kind: grounding, weight: 0.5}\n";

/* Reads f, the file named file, into cfg; every error is a line of err. */
static int config_parse(const char *file, FILE *f, struct jury_config *cfg, char *err,
			size_t errlen)
{
	struct cfg_walk w = { .cfg = cfg, .err = err, .errlen = errlen };
	struct cfg_fields top = { top_fields, cfg, "unknown key '%s'", NULL };
	yaml_node_t *root;
	int r;

	w.y = (struct ydoc){ .file = file, .emit = collect, .ctx = &w };
	if (err && errlen)
		err[0] = '\0';
	r = ydoc_load(&w.y, f);
	if (r)
		return r;
	root = ydoc_root(&w.y);
	if (!root)
		ydoc_error(&w.y, NULL, "the file is empty");
	else if (!ydoc_map(&w.y, root, "the jury configuration", every_key, &top) &&
		 !cfg->njurors && !w.y.errors)
		ydoc_error(&w.y, root, "jurors: the jury needs at least one juror");
	ydoc_free(&w.y);
	return w.y.errors ? -EINVAL : 0;
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
		r = config_parse(file, f, cfg, err, errlen);
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
	FILE *f = fmemopen((void *)builtin_yaml, sizeof(builtin_yaml) - 1, "r");
	struct jury_config *cfg = NULL;
	int r;

	r = f ? config_new("(built-in)", &cfg) : -errno;
	if (!r)
		r = config_parse("(built-in)", f, cfg, err, errlen);
	if (f)
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

int jury_config_worst_ms(const struct jury_config *cfg)
{
	int person = 0;

	for (size_t i = 0; i < cfg->njurors; i++) {
		const struct juror_config *jc = &cfg->jurors[i];
		int ms = jc->human_deadline_ms ? jc->human_deadline_ms : HUMAN_DEADLINE_MS;

		if (!strcmp(jc->kind, "human") && ms > person)
			person = ms;
	}
	return cfg->deadline_ms + person + (cfg->cloud_url ? cfg->cloud_deadline_ms : 0);
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
	if (jc->human_deadline_ms)
		fprintf(out, "    human_deadline_ms: %d\n", jc->human_deadline_ms);
	if (jc->escalate_after)
		fprintf(out, "    escalate_after: %d\n", jc->escalate_after);
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
