/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Word n-grams for the n-gram juror (see features.h). Each command is
 * read as a stream of words: "sudo" when it runs through sudo, the
 * program, then each argument as its class when it names a place or an
 * address ("<secret>", "<url-ip>", "<tmp-hidden>" ...), else as its
 * normalized word (lowercase, digits collapsed, at most 24 bytes), an
 * option as written; a pipe into the next command is the word "|". The
 * unigrams and bigrams of that stream are counted, so the model learns
 * what is done to what ("curl <url-ip>", "| sh", "chmod <privfile>")
 * rather than the spelling of any one source.
 */
#include <stdio.h>
#include <string.h>

#include "jury/jurors/stats/features.h"

struct stream {
	uint32_t *out;
	int n, max;
	char prev[40];
};

static void word(struct stream *s, const char *w)
{
	char bi[96];
	int len;

	if (s->n >= s->max)
		return;
	s->out[s->n++] = features_hash(w, strlen(w), 0x2000);
	len = snprintf(bi, sizeof(bi), "%s %s", s->prev, w);
	if (s->n < s->max && len > 0)
		s->out[s->n++] = features_hash(
			bi, (size_t)len < sizeof(bi) ? (size_t)len : sizeof(bi) - 1, 0x2001);
	snprintf(s->prev, sizeof(s->prev), "%s", w);
}

static void command(struct stream *s, const struct shlex_result *res, const struct shlex_cmd *c)
{
	char norm[32];

	if (c->sudo)
		word(s, "sudo");
	features_normalize(shlex_prog(c), strnlen(shlex_prog(c), 24), norm, sizeof(norm));
	word(s, norm);
	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i], *cls = w[0] == '-' ? NULL : features_class(w);

		if (cls) {
			word(s, cls);
		} else {
			features_normalize(w, strnlen(w, w[0] == '-' ? 16 : 24), norm,
					   sizeof(norm));
			word(s, norm);
		}
	}
	for (int k = 0; k < c->nredir; k++) {
		const struct shlex_redir *r = &res->redirs[c->redir_first + k];
		const char *cls = features_class(r->target);

		if (r->op == SHLEX_R_OUT || r->op == SHLEX_R_APPEND)
			word(s, ">");
		else if (r->op == SHLEX_R_IN)
			word(s, "<");
		else
			continue;
		word(s, cls ? cls : "<file>");
	}
}

int features_words(const struct shlex_result *res, uint32_t *out, int max)
{
	struct stream s = { .out = out, .max = max, .prev = "^" };

	for (int i = 0; i < res->ncmds; i++) {
		const struct shlex_cmd *c = &res->cmds[i];

		if (c->argc == 0)
			continue;
		if (c->pipe_prev >= 0)
			word(&s, "|");
		else
			snprintf(s.prev, sizeof(s.prev), "^");
		command(&s, res, c);
	}
	return s.n;
}
