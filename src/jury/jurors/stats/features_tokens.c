/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Structure features for the logistic-regression juror (see features.h):
 * binary crosses of what runs, how, on what and into what. Each command
 * gives its program and kind, its privilege and how it was reached (sudo,
 * decoded, substituted, fed as text, started by another program's code),
 * its options, the class of each argument crossed with its kind, what it
 * writes (redirections, tee, cp/mv targets, sed -i), the edges of its
 * pipe and of the script's sequence between kinds, and the identifiers
 * of inline code (socket, subprocess, pty, urlopen ...).
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

/* The program's name with version digits dropped (python3.11 -> python). */
static void prog_name(const struct shlex_cmd *c, char *buf, size_t len)
{
	size_t n;

	snprintf(buf, len, "%s", shlex_prog(c));
	n = strcspn(buf, "0123456789.");
	if (n > 2)
		buf[n] = '\0';
}

/* Identifiers inside inline code: what the code calls. */
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
		if (k >= 3 && !isdigit((unsigned char)tok[0]))
			emit(s, "t:", tok, NULL);
	}
}

/* An option: "-abc" and "--name=value" as "-abc" and "--name". */
static void option(struct fsink *s, const char *prog, const char *w)
{
	char opt[32];

	snprintf(opt, sizeof(opt), "%.*s", (int)strcspn(w, "="), w);
	emit(s, "o:", prog, opt);
}

static void arguments(struct fsink *s, const struct shlex_cmd *c, const char *prog,
		      const char *kind)
{
	char norm[32];
	int operand = 0;

	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i], *cls;

		if (w[0] == '-' && w[1]) {
			option(s, prog, w);
			continue;
		}
		cls = features_class(w);
		if (cls) {
			emit(s, "a:", cls, NULL);
			emit(s, "ka:", kind, cls);
			emit(s, "pa:", prog, cls);
			if (!strcmp(cls, "<code>"))
				identifiers(s, w);
		} else if (operand < 2) {
			/* the first words name what to do: git push, systemctl stop */
			features_normalize(w, strnlen(w, 24), norm, sizeof(norm));
			emit(s, "sub:", prog, norm);
		}
		operand++;
	}
}

/* What the command writes: redirections out, tee, cp/mv/ln targets, sed -i. */
static void writes(struct fsink *s, const struct shlex_result *res, const struct shlex_cmd *c,
		   const char *prog, const char *kind)
{
	static const char *const ops[] = { "?", ">", ">>", "<", ">&", "<<<", "<<", "<>" };

	for (int k = 0; k < c->nredir; k++) {
		const struct shlex_redir *r = &res->redirs[c->redir_first + k];
		const char *op = ops[r->op < 8 ? r->op : 0];
		const char *cls = r->op == SHLEX_R_HEREDOC || r->op == SHLEX_R_HERESTRING ?
					  "<text>" :
					  features_class(r->target);

		if (!cls)
			cls = "<word>";
		emit(s, "r:", op, cls);
		emit(s, "kr:", kind, cls);
		if (r->op == SHLEX_R_OUT || r->op == SHLEX_R_APPEND)
			emit(s, "w:", cls, NULL);
		if (r->op == SHLEX_R_HEREDOC || r->op == SHLEX_R_HERESTRING)
			identifiers(s, r->target);
	}
	if ((!strcmp(prog, "tee") || !strcmp(prog, "cp") || !strcmp(prog, "mv") ||
	     !strcmp(prog, "ln") || !strcmp(prog, "install") || !strcmp(prog, "sed")) &&
	    c->argc > c->prog + 1) {
		const char *cls = features_class(c->argv[c->argc - 1]);

		emit(s, "w:", cls ? cls : "<word>", NULL);
		emit(s, "pw:", prog, cls ? cls : "<word>");
	}
}

static void how_reached(struct fsink *s, const struct shlex_cmd *c, const char *prog,
			const char *kind)
{
	if (c->sudo) {
		emit(s, "f:sudo", NULL, NULL);
		emit(s, "f:sudo:", kind, NULL);
		emit(s, "f:sudo:", prog, NULL);
	}
	if (c->flags & SHLEX_F_DECODED)
		emit(s, "f:decoded:", kind, NULL);
	if (c->flags & SHLEX_F_SUBST)
		emit(s, "f:subst:", kind, NULL);
	if (c->flags & SHLEX_F_PIPED)
		emit(s, "f:piped:", kind, NULL);
	if (c->flags & SHLEX_F_PROGRAM)
		emit(s, "f:program:", kind, NULL);
	if (c->background)
		emit(s, "f:bg:", kind, NULL);
	if (c->prog > 0)
		for (int i = 0; i < c->prog; i++)
			if (!strchr(c->argv[i], '='))
				emit(s, "via:", shlex_basename(c->argv[i]), kind);
}

int features_tokens(const struct shlex_result *res, uint32_t *out, int max)
{
	struct fsink s = { .out = out, .max = max };
	const char *last = "^";

	for (int i = 0; i < res->ncmds; i++) {
		const struct shlex_cmd *c = &res->cmds[i];
		char prog[40];
		const char *kind;

		if (c->argc == 0)
			continue;
		prog_name(c, prog, sizeof(prog));
		kind = features_kind(prog);
		emit(&s, "p:", prog, NULL);
		emit(&s, "k:", kind, NULL);
		emit(&s, "s:", last, kind);
		if (c->pipe_prev >= 0) {
			char up[40];

			prog_name(&res->cmds[c->pipe_prev], up, sizeof(up));
			emit(&s, "e:", features_kind(up), kind);
			emit(&s, "ep:", up, prog);
		}
		how_reached(&s, c, prog, kind);
		arguments(&s, c, prog, kind);
		writes(&s, res, c, prog, kind);
		last = kind;
	}
	emit(&s, "n:", res->ncmds > 3 ? "many" : res->ncmds > 1 ? "some" : "one", NULL);
	if (res->truncated)
		emit(&s, "f:truncated", NULL, NULL);
	return s.n;
}
