/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Structural token features for the logistic-regression juror (see
 * features.h). Arguments are reduced to classes that generalize: URLs
 * by the shape of their host, addresses to <ip>, paths to their first
 * directories and their base name, digit runs to 0; identifiers inside
 * arguments (inline python/perl/php code) become tokens of their own.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "jury/jurors/stats/features.h"

struct fsink {
	uint32_t *out;
	int n, max;
};

static void emit(struct fsink *s, const char *a, const char *b, const char *c)
{
	char buf[160];
	int len = snprintf(buf, sizeof(buf), "%s%s%s", a, b ? b : "", c ? c : "");

	if (len < 0 || s->n >= s->max)
		return;
	if ((size_t)len >= sizeof(buf))
		len = sizeof(buf) - 1;
	s->out[s->n++] = features_hash(buf, (size_t)len, 0x1000);
}

static bool is_ip(const char *w)
{
	int dots = 0, digits = 0;

	for (; *w && *w != ':' && *w != '/'; w++) {
		if (*w == '.')
			dots++;
		else if (isdigit((unsigned char)*w))
			digits++;
		else
			return false;
	}
	return dots == 3 && digits >= 4;
}

/* A word reduced to its class, into buf. */
static const char *arg_class(const char *w, char *buf, size_t len)
{
	char tmp[64];
	const char *host;

	if (strncmp(w, "http://", 7) == 0 || strncmp(w, "https://", 8) == 0 ||
	    strncmp(w, "ftp://", 6) == 0) {
		host = strstr(w, "://") + 3;
		if (is_ip(host))
			return "<url-ip>";
		if (strncmp(host, "localhost", 9) == 0 || strncmp(host, "127.", 4) == 0)
			return "<url-local>";
		if (strncmp(host, "169.254.", 8) == 0 || strncmp(host, "metadata", 8) == 0)
			return "<url-meta>";
		return "<url>";
	}
	if (strncmp(w, "/dev/tcp/", 9) == 0 || strncmp(w, "/dev/udp/", 9) == 0)
		return "/dev/tcp/";
	if (is_ip(w))
		return "<ip>";
	features_normalize(w, strnlen(w, 48), tmp, sizeof(tmp));
	snprintf(buf, len, "%s", tmp);
	return buf;
}

/* The first directories of a path ("/etc/ssh/sshd_config" -> "/etc/ssh/"). */
static void path_prefix(const char *w, char *buf, size_t len)
{
	int slashes = 0;
	size_t k = 0;

	for (; w[k] && k + 1 < len; k++) {
		buf[k] = (char)tolower((unsigned char)w[k]);
		if (w[k] == '/' && k > 0 && ++slashes == 2) {
			k++;
			break;
		}
	}
	buf[k] = '\0';
}

static void identifiers(struct fsink *s, const char *w)
{
	char tok[24];

	while (*w) {
		size_t k = 0;

		while (*w && !isalnum((unsigned char)*w) && *w != '_')
			w++;
		while (*w && (isalnum((unsigned char)*w) || *w == '_')) {
			if (k + 1 < sizeof(tok))
				tok[k++] = (char)tolower((unsigned char)*w);
			w++;
		}
		tok[k] = '\0';
		if (k >= 2 && !isdigit((unsigned char)tok[0]))
			emit(s, "t:", tok, NULL);
	}
}

static void cmd_words(struct fsink *s, const struct shlex_cmd *c, const char *prog)
{
	char cls[64], pre[48];

	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i];
		const char *k = arg_class(w, cls, sizeof(cls));

		emit(s, "a:", k, NULL);
		if (i - c->prog <= 8)
			emit(s, "pa:", prog, k);
		if (strchr(w, '/') && w[0] != '<') {
			path_prefix(w, pre, sizeof(pre));
			emit(s, "d:", pre, NULL);
			emit(s, "pd:", prog, pre);
			emit(s, "b:", shlex_basename(w), NULL);
		}
		identifiers(s, w);
	}
}

static void cmd_redirs(struct fsink *s, const struct shlex_result *res, const struct shlex_cmd *c,
		       const char *prog)
{
	static const char *const ops[] = { "?", ">", ">>", "<", ">&", "<<<", "<<", "<>" };
	char cls[64], pre[48];

	for (int k = 0; k < c->nredir; k++) {
		const struct shlex_redir *r = &res->redirs[c->redir_first + k];
		const char *op = ops[r->op < 8 ? r->op : 0];

		if (r->op == SHLEX_R_HERESTRING || r->op == SHLEX_R_HEREDOC) {
			emit(s, "r:", op, NULL);
			identifiers(s, r->target);
			continue;
		}
		path_prefix(r->target, pre, sizeof(pre));
		emit(s, "r:", op, pre);
		emit(s, "r:", op, arg_class(r->target, cls, sizeof(cls)));
		emit(s, "pr:", prog, op);
	}
}

int features_tokens(const struct shlex_result *res, uint32_t *out, int max)
{
	struct fsink s = { .out = out, .max = max };
	const char *last = "^";

	for (int i = 0; i < res->ncmds; i++) {
		const struct shlex_cmd *c = &res->cmds[i];
		char prog[40];

		snprintf(prog, sizeof(prog), "%s", shlex_prog(c));
		emit(&s, "p:", prog, NULL);
		emit(&s, "s:", last, prog);
		if (c->pipe_prev >= 0)
			emit(&s, "e:", shlex_prog(&res->cmds[c->pipe_prev]), prog);
		if (c->sudo)
			emit(&s, "f:sudo:", prog, NULL);
		if (c->flags & SHLEX_F_DECODED)
			emit(&s, "f:decoded:", prog, NULL);
		if (c->flags & SHLEX_F_SUBST)
			emit(&s, "f:subst:", prog, NULL);
		if (c->background)
			emit(&s, "f:bg:", prog, NULL);
		cmd_words(&s, c, prog);
		cmd_redirs(&s, res, c, prog);
		last = shlex_prog(c);
	}
	emit(&s, "n:", res->ncmds > 3 ? "many" : res->ncmds > 1 ? "some" : "one", NULL);
	if (res->truncated)
		emit(&s, "f:truncated", NULL, NULL);
	return s.n;
}
