/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for the shell tokenizer (src/shell): what an agent
 * hands to execve, judged by the policy's shell rules in the hold and by
 * the jurors. The input is parsed twice: as a command string (up to its
 * first NUL) and as an argv (its NUL-separated pieces). Either parse must
 * return 0 or -E2BIG (then marked truncated), and its result must hold
 * together: counts within their arrays, every command's words
 * NUL-terminated strings ending in NULL, its program one of its words,
 * its pipe source an earlier command and its redirections inside the
 * table.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shell/shlex.h"

#define ARGS_MAX 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct shlex_result res;

static void check(int r)
{
	if (r != 0 && r != -E2BIG)
		abort();
	if (r == -E2BIG && !res.truncated)
		abort(); /* a limit hit without saying so could hide a command's tail */
	if (res.ncmds < 0 || res.ncmds > SHLEX_MAX_CMDS || res.nwords < 0 ||
	    res.nwords > SHLEX_MAX_WORDS || res.nredirs < 0 || res.nredirs > SHLEX_MAX_REDIRS ||
	    res.textlen >= SHLEX_TEXT)
		abort();
	for (int i = 0; i < res.ncmds; i++) {
		const struct shlex_cmd *c = &res.cmds[i];

		if (c->argc < 0 || c->argv[c->argc] || c->depth < 0 || c->depth > SHLEX_MAX_DEPTH)
			abort();
		for (int w = 0; w < c->argc; w++)
			if (!c->argv[w] || strlen(c->argv[w]) > SHLEX_ARENA)
				abort();
		if (c->argc && (c->prog < 0 || c->prog >= c->argc || !shlex_prog(c)))
			abort();
		if (c->pipe_prev < -1 || c->pipe_prev >= res.ncmds || c->pipe_prev == i)
			abort();
		if (c->redir_first < 0 || c->nredir < 0 || c->redir_first + c->nredir > res.nredirs)
			abort();
		for (int k = c->redir_first; k < c->redir_first + c->nredir; k++)
			if (res.redirs[k].target && strlen(res.redirs[k].target) > SHLEX_ARENA)
				abort();
		if (c->stmt_len < 0 || (!c->stmt && c->stmt_len))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	const char *argv[ARGS_MAX];
	size_t argc = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	check(shlex_parse(&res, text));
	for (size_t i = 0; i < size && argc < ARGS_MAX; i += strlen(text + i) + 1)
		argv[argc++] = text + i;
	check(shlex_parse_argv(&res, argv, argc));
	free(text);
	return 0;
}
