/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An exec judged in its context (context.h).
 *
 * The supervisor sends, with a reviewed exec, the script of the shell it
 * came from (review.h). An agent's harness wraps every command in a
 * script of its own (`source SNAPSHOT && eval 'COMMAND' && pwd -P >|
 * FILE`, a subshell between two lines, `exec bash -c 'COMMAND'`), and
 * that wrapping is noise to a juror. So the script is parsed (shlex:
 * through && ; subshells, eval '...', sh -c), the commands that could be
 * this exec are found in it -- those that run its program, directly or
 * through a wrapper such as sudo or env -- and the statements they stand
 * in (the and-or lists of pipelines, e.g. `curl -s URL | sh`) become the
 * context: a `sh -c` of those statements that every juror judges besides
 * the exec itself. When none is found (the program name was built at run
 * time, or the exec comes from deeper, from make or a script file), the
 * whole script is the context.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jury/context.h"
#include "shell/shlex.h"

/* Does command c run the program named prog, itself or through one of its wrappers? */
static bool runs(const struct shlex_cmd *c, const char *prog)
{
	for (int i = 0; i <= c->prog && i < c->argc; i++)
		if (!strcmp(shlex_basename(c->argv[i]), prog))
			return true;
	return false;
}

/* Are the words of c after the program the exec's arguments, as the exec got them? */
static bool same_args(const struct shlex_cmd *c, const char *prog, const struct review *r)
{
	int i = 0;

	while (i < c->argc && strcmp(shlex_basename(c->argv[i]), prog))
		i++;
	if (c->argc - i != (int)r->argc)
		return false;
	for (size_t k = 1; k < r->argc; k++)
		if (strcmp(c->argv[i + k], r->argv[k]))
			return false;
	return true;
}

/* Appends the statement of c to out, once. */
static void add_statement(FILE *out, const struct shlex_cmd *c, const char **seen, int *nseen)
{
	for (int k = 0; k < *nseen; k++)
		if (seen[k] == c->stmt)
			return;
	if (*nseen < SHLEX_MAX_CMDS)
		seen[(*nseen)++] = c->stmt;
	fprintf(out, "%s%.*s", ftell(out) ? "\n" : "", c->stmt_len, c->stmt);
}

/* The statements of res that run prog, those with the exec's own arguments if any. */
static void statements(const struct shlex_result *res, const struct review *r, const char *prog,
		       FILE *out)
{
	const char *seen[SHLEX_MAX_CMDS];
	int nseen = 0, exact = 0;

	for (int i = 0; i < res->ncmds; i++)
		exact += res->cmds[i].stmt && runs(&res->cmds[i], prog) &&
			 same_args(&res->cmds[i], prog, r);
	for (int i = 0; i < res->ncmds; i++) {
		const struct shlex_cmd *c = &res->cmds[i];

		if (c->stmt && runs(c, prog) && (!exact || same_args(c, prog, r)))
			add_statement(out, c, seen, &nseen);
	}
}

/* The context's text: the statements of the exec, else the whole script. NULL on ENOMEM. */
static char *context_text(const struct review *r)
{
	struct shlex_result *res = malloc(sizeof(*res));
	const char *prog = shlex_basename(r->path ? r->path : r->argv[0]);
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	if (!res)
		return NULL;
	shlex_parse(res, r->script);
	out = open_memstream(&text, &len);
	if (out) {
		statements(res, r, prog, out);
		if (!ftell(out))
			fputs(r->script, out);
		if (fclose(out)) {
			free(text);
			text = NULL;
		}
	}
	free(res);
	return text;
}

/* Is the exec itself that very script run by a shell (nothing to add)? */
static bool is_the_script(const struct review *r, const char *text)
{
	return r->argc >= 3 && !strcmp(r->argv[r->argc - 1], text) &&
	       !strcmp(r->argv[r->argc - 2], "-c");
}

int jury_context(const struct review *r, struct review **ret)
{
	const char *argv[3] = { "sh", "-c", NULL };
	struct review ctx;
	char *text;

	*ret = NULL;
	if (r->kind != REVIEW_EXEC || !r->script || !*r->script || (!r->path && !r->argc))
		return 0;
	text = context_text(r);
	if (!text)
		return -ENOMEM;
	if (!*text || is_the_script(r, text)) {
		free(text);
		return 0;
	}
	argv[2] = text;
	ctx = *r;
	ctx.id = NULL;
	ctx.path = "/bin/sh";
	ctx.argv = argv;
	ctx.argc = 3;
	ctx.script = NULL;
	ctx.script_cut = false;
	*ret = review_dup(&ctx);
	free(text);
	return *ret ? 0 : -ENOMEM;
}

/* How strict a vote is: error, deny, abstain, allow; a surer deny, an unsurer allow. */
static double strictness(const struct vote *v)
{
	switch (v->verdict) {
	case VOTE_ERROR:
		return 4;
	case VOTE_DENY:
		return 3 + v->confidence / 2;
	case VOTE_ABSTAIN:
		return 2;
	default:
		return 1 + (1 - v->confidence) / 2;
	}
}

bool jury_vote_stricter(const struct vote *a, const struct vote *b)
{
	return strictness(a) > strictness(b);
}
