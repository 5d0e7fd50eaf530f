// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shell rules (`exec: rules: - {action: …, shell: "curl * | sh"}`,
 * sevorix-policy(5)): a pattern over the pipelines and simple commands
 * that an exec's argv runs, wherever they stand in it.
 *
 * The argv is parsed as the shell would run it (src/shell/: `sh -c`
 * scripts, `&&` `||` `;` newlines, subshells and groups, `eval '…'`,
 * `$(…)`, here-strings and decoded payloads fed to a shell, interpreter
 * one-liners' shell-outs), so an agent's wrapping of a command (`source
 * SNAPSHOT && eval 'COMMAND' < /dev/null && pwd -P >| FILE`) hides
 * nothing. Every pipeline is then written in one normal form and each
 * contiguous part of it, down to each simple command, is matched with the
 * argv rules' glob (glob.c):
 *
 *   - a command is its words as the shell splits them (quotes and
 *     escapes removed), single spaces between them, without leading
 *     assignments or wrappers (env, sudo, nohup, timeout, xargs,
 *     command, exec …), its program by base name (`/usr/bin/env bash`
 *     is `bash`);
 *   - a shell that reads its script from standard input (`sh`, `sh -s
 *     -- -y`, `bash -`, `bash -x`) is its name alone: `| bash -s` is
 *     `| bash`;
 *   - commands of a pipeline are joined by " | " (`curl x|sh` is
 *     `curl x | sh`);
 *   - a shell or `source`/`.`/`eval` that runs what a command prints
 *     (`sh -c "$(curl x)"`, `bash <(curl x)`, `. <(curl x)`,
 *     `eval "$(curl x)"`) is that command piped into the shell:
 *     `curl x | sh` (`sh` for source, `.` and eval).
 *
 * What a shell reads from a file or from its standard input at run time
 * is not in the argv and is not seen.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/internal.h"
#include "shell/shlex.h"

#define SHELL_TEXT 4096 /* one normalized pipeline; longer ones are cut (and may not match) */
#define SHELL_CHAIN 32	/* commands of one pipeline considered */

static const char *const shells[] = { "sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", NULL };

static bool in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* A shell reading its script from stdin: no -c, no script file (options only, or -s). */
static bool stdin_shell(const struct shlex_cmd *c)
{
	if (!in(shlex_prog(c), shells))
		return false;
	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i];

		if (!strcmp(w, "-") || !strcmp(w, "--") || !strcmp(w, "-s"))
			return true;
		if (w[0] != '-' || (w[1] != '-' && strchr(w + 1, 'c')))
			return false;
	}
	return true;
}

/*
 * Where a command's own words end: before the script of `sh -c SCRIPT`
 * and the words of eval, which the parse followed as commands of their
 * own (so a `| sh` quoted inside them is not a pipe).
 */
static int own_words(const struct shlex_cmd *c)
{
	const char *p = shlex_prog(c);

	if (!strcmp(p, "eval"))
		return c->prog + 1;
	if (!in(p, shells))
		return c->argc;
	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i];

		if (w[0] != '-' || w[1] == '-')
			break;
		if (strchr(w + 1, 'c'))
			return i + 1;
	}
	return c->argc;
}

/* The normal form of one command, appended to buf. */
static void put_command(char *buf, size_t len, const struct shlex_cmd *c)
{
	size_t n = strlen(buf);
	int end = own_words(c);

	if (stdin_shell(c)) {
		snprintf(buf + n, len - n, "%s", shlex_prog(c));
		return;
	}
	for (int i = c->prog; i < end && n < len; i++) {
		snprintf(buf + n, len - n, "%s%s", i > c->prog ? " " : "",
			 i == c->prog ? shlex_prog(c) : c->argv[i]);
		n += strlen(buf + n);
	}
}

/*
 * Matches pat against every contiguous part of the pipeline cmds[0..n)
 * (cmds[n-1] the last), plus tail when not NULL (a shell the pipeline's
 * output is run by). True on a match.
 */
static bool match_parts(const char *pat, const struct shlex_cmd *const *cmds, int n,
			const char *tail)
{
	char text[SHELL_TEXT];
	int total = n + (tail != NULL);

	for (int from = 0; from < total; from++) {
		text[0] = '\0';
		for (int to = from; to < total; to++) {
			size_t len = strlen(text);

			if (to > from)
				snprintf(text + len, sizeof(text) - len, " | ");
			if (to < n)
				put_command(text, sizeof(text), cmds[to]);
			else
				snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s",
					 tail);
			if (policy_glob(pat, text))
				return true;
		}
	}
	return false;
}

/* The pipeline ending at cmds[end], first command first; its length. */
static int chain(const struct shlex_result *res, int end, const struct shlex_cmd **out)
{
	const struct shlex_cmd *rev[SHELL_CHAIN];
	int n = 0;

	for (int i = end; i >= 0 && n < SHELL_CHAIN; i = res->cmds[i].pipe_prev)
		rev[n++] = &res->cmds[i];
	for (int k = 0; k < n; k++)
		out[k] = rev[n - 1 - k];
	return n;
}

static int match_script(const char *pat, const char *script, const char *shell, int depth);

/*
 * Text that c runs as a script, other than through its own -c (which the
 * parse already followed): `sh -c "$(CMD)"`, `bash <(CMD)`, `source
 * <(CMD)`, `. <(CMD)`, `eval "$(CMD)"`. Returns CMD's text and sets
 * *shell to the shell that runs it, or NULL.
 */
static const char *printed_script(const struct shlex_cmd *c, char *buf, size_t len,
				  const char **shell)
{
	const char *p = shlex_prog(c);
	bool sh = in(p, shells);

	if (!sh && strcmp(p, "source") && strcmp(p, ".") && strcmp(p, "eval"))
		return NULL;
	*shell = sh ? p : "sh";
	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i];
		size_t n = strlen(w);

		if (n > 3 && (!strncmp(w, "$(", 2) || !strncmp(w, "<(", 2)) && w[n - 1] == ')') {
			snprintf(buf, len, "%.*s", (int)(n - 3), w + 2);
			return buf;
		}
		if (n > 2 && w[0] == '`' && w[n - 1] == '`') {
			snprintf(buf, len, "%.*s", (int)(n - 2), w + 1);
			return buf;
		}
		if (w[0] != '-' || !sh)
			return NULL;
	}
	return NULL;
}

/* Marks in feeds[] the commands whose output a pipe takes: they end no pipeline. */
static void mark_feeders(const struct shlex_result *res, bool *feeds)
{
	memset(feeds, 0, SHLEX_MAX_CMDS * sizeof(*feeds));
	for (int i = 0; i < res->ncmds; i++)
		if (res->cmds[i].pipe_prev >= 0)
			feeds[res->cmds[i].pipe_prev] = true;
}

/*
 * Does pat match a pipeline of res (depth: printed scripts followed so
 * far)? 1 or 0; -ENOMEM when a printed script could not be parsed.
 */
static int match_result(const char *pat, const struct shlex_result *res, int depth)
{
	const struct shlex_cmd *cmds[SHELL_CHAIN];
	bool feeds[SHLEX_MAX_CMDS];
	char inner[SHELL_TEXT];
	const char *shell;
	int r;

	mark_feeders(res, feeds);
	for (int i = 0; i < res->ncmds; i++) {
		if (res->cmds[i].argc == 0)
			continue;
		/* each pipeline once, from its last command: match_parts() tries every part */
		if (!feeds[i] && match_parts(pat, cmds, chain(res, i, cmds), NULL))
			return 1;
		if (depth < 2 && printed_script(&res->cmds[i], inner, sizeof(inner), &shell) &&
		    (r = match_script(pat, inner, shell, depth + 1)))
			return r;
	}
	return 0;
}

/* A printed script's pipelines, each followed by " | SHELL"; 1, 0 or -ENOMEM. */
static int match_script(const char *pat, const char *script, const char *shell, int depth)
{
	struct shlex_result *res = malloc(sizeof(*res));
	const struct shlex_cmd *cmds[SHELL_CHAIN];
	bool feeds[SHLEX_MAX_CMDS];
	int hit = 0;

	if (!res)
		return -ENOMEM;
	shlex_parse(res, script);
	mark_feeders(res, feeds);
	for (int i = 0; i < res->ncmds && !hit; i++)
		if (!feeds[i] && res->cmds[i].depth == 0 && res->cmds[i].argc)
			hit = match_parts(pat, cmds, chain(res, i, cmds), shell);
	if (!hit)
		hit = match_result(pat, res, depth);
	free(res);
	return hit;
}

int policy_shell_parse(char *const argv[], struct shlex_result **ret)
{
	struct shlex_result *res = malloc(sizeof(*res));
	size_t argc = 0;

	*ret = NULL;
	if (!res)
		return -ENOMEM;
	while (argv && argv[argc])
		argc++;
	shlex_parse_argv(res, (const char *const *)argv, argc);
	*ret = res;
	return 0;
}

int policy_shell_match(const char *pat, const struct shlex_result *res)
{
	return match_result(pat, res, 0);
}
