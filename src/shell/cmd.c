/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tokenizer's command level (see shlex.h): the loop that splits a
 * script at operators and commits simple commands, and what a committed
 * command means. Wrappers (sudo, env, nohup, timeout, xargs, busybox ...)
 * are skipped to find the program that really runs; a shell's -c script,
 * eval's arguments, su -c, a trap handler, ssh's remote command, a
 * here-string or here-document fed to a shell, and text that
 * echo/printf/base64/xxd/rev produce into a shell are parsed again one
 * level deeper. Everything a decoder decodes is
 * also parsed, because decoded text is written to a file and run later
 * as often as it is piped straight into sh.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shell/shlex.h"
#include "shell/internal.h"

const char *shlex_basename(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	if (!path)
		return "";
	return slash ? slash + 1 : path;
}

const char *shlex_prog(const struct shlex_cmd *c)
{
	if (c->argc == 0)
		return "";
	return shlex_basename(c->argv[c->prog]);
}

void shlex_text_append(struct shlex_result *res, const char *s, size_t n)
{
	if (res->textlen + n + 2 > SHLEX_TEXT) {
		res->truncated = true;
		n = SHLEX_TEXT - res->textlen > 2 ? SHLEX_TEXT - res->textlen - 2 : 0;
	}
	if (res->textlen > 0 && n > 0)
		res->text[res->textlen++] = '\n';
	memcpy(res->text + res->textlen, s, n);
	res->textlen += n;
	res->text[res->textlen] = '\0';
}

static bool in_list(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(w, *list) == 0)
			return true;
	return false;
}

static bool is_assignment(const char *w)
{
	const char *p = w;

	if (!isalpha((unsigned char)*p) && *p != '_')
		return false;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	return *p == '=' || (p[0] == '+' && p[1] == '=');
}

static const char *const shells[] = {
	"sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "fish", "rbash", "tcsh", "csh", NULL,
};
static const char *const keywords[] = { "if", "then", "else", "elif", "do", "while", "until",
					 "!", "{", "}", "fi", "done", "esac", "time", NULL };
static const char *const plain_wrappers[] = {
	"nohup", "exec", "command", "builtin", "setsid", "stdbuf", "unbuffer", "torsocks",
	"proxychains", "proxychains4", "busybox", "catchsegv", "nice", "ionice", "strace",
	"ltrace", "faketime", "watch", "firejail", "unshare", "rlwrap", NULL,
};
/* Wrappers whose first positional argument is not the program. */
static const char *const arg_wrappers[] = {
	"timeout", "taskset", "chrt", "flock", "chroot", "cpulimit", NULL,
};
static const char *const interps[] = {
	"python", "python2", "python3", "perl", "ruby", "php", "node", "nodejs", "lua", "lua5.1",
	"lua5.3", "lua5.4", "deno", "bun", "vim", "vi", "nvim", "irb", "awk", "gawk", "mawk",
	"nawk", NULL,
};
static const char *const sudo_like[] = { "sudo", "doas", "pkexec", "run0", NULL };
/* The options of each wrapper that take a value (sudo -E, -i, -s are flags). */
static const char *const sudo_valued[] = {
	"-u", "-g", "-C", "-p", "-r", "-t", "-U", "-D", "-h", "-R", "-T", "--user", "--group",
	"--chdir", "--prompt", "--role", "--type", "--other-user", "--host", "--chroot", NULL,
};
static const char *const xargs_valued[] = {
	"-E", "-I", "-n", "-P", "-d", "-L", "-s", "-a", "--delimiter", "--max-args",
	"--max-procs", "--arg-file", NULL,
};
static const char *const env_valued[] = { "-u", "-C", "-S", "--unset", "--chdir", NULL };
static const char *const nice_valued[] = { "-n", "-c", "-p", "--adjustment", "--class", NULL };
static const char *const trace_valued[] = { "-o", "-p", "-e", "-s", "-u", "-E", "-P", "-a", "-b",
					    "-X", "-O", "-S", "-n", "-d", NULL };

/* The options of a plain wrapper that take a value, or NULL. */
static const char *const *wrapper_valued(const char *b)
{
	if (strcmp(b, "nice") == 0 || strcmp(b, "ionice") == 0)
		return nice_valued;
	if (strstr(b, "trace") || strcmp(b, "watch") == 0)
		return trace_valued;
	return NULL;
}

static int skip_opts(const struct shlex_cmd *c, int i, const char *const *valued)
{
	while (i < c->argc && c->argv[i][0] == '-' && c->argv[i][1]) {
		if (strcmp(c->argv[i], "--") == 0)
			return i + 1;
		if (valued && in_list(c->argv[i], valued) && i + 1 < c->argc)
			i++;
		i++;
	}
	return i;
}

/* Finds the program that really runs, past assignments, keywords and wrappers. */
static int find_prog(struct shlex_cmd *c)
{
	int i = 0;

	while (i < c->argc) {
		const char *b = shlex_basename(c->argv[i]);

		if (is_assignment(c->argv[i]) || in_list(c->argv[i], keywords)) {
			i++;
		} else if (in_list(b, sudo_like)) {
			c->sudo = true;
			i = skip_opts(c, i + 1, sudo_valued);
		} else if (strcmp(b, "env") == 0 || strcmp(b, "xargs") == 0) {
			i = skip_opts(c, i + 1, b[0] == 'e' ? env_valued : xargs_valued);
		} else if (in_list(b, plain_wrappers)) {
			i = skip_opts(c, i + 1, wrapper_valued(b));
		} else if (in_list(b, arg_wrappers)) {
			if (strcmp(b, "chroot") == 0)
				c->sudo = true;
			i = skip_opts(c, i + 1, NULL) + 1;
		} else {
			return i;
		}
	}
	return c->argc > 0 ? c->argc - 1 : 0;
}

static bool is_shell(const char *b)
{
	return in_list(b, shells);
}

/* The script of `sh -c SCRIPT` / `su -c SCRIPT`, or NULL. */
static const char *dash_c_script(const struct shlex_cmd *c)
{
	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i];

		if (w[0] != '-' || w[1] == '-')
			return NULL;
		if (strchr(w + 1, 'c') && i + 1 < c->argc)
			return c->argv[i + 1];
	}
	return NULL;
}

const struct shlex_redir *shlex_find_redir(struct shlex_result *res, const struct shlex_cmd *c,
					    enum shlex_redir_op op)
{
	for (int k = 0; k < c->nredir; k++)
		if (res->redirs[c->redir_first + k].op == op)
			return &res->redirs[c->redir_first + k];
	return NULL;
}

/* What the command reads on stdin, when statically known. */
const char *shlex_static_input(struct shlex_result *res, const struct shlex_cmd *c)
{
	const struct shlex_redir *r = shlex_find_redir(res, c, SHLEX_R_HERESTRING);

	if (!r)
		r = shlex_find_redir(res, c, SHLEX_R_HEREDOC);
	if (r)
		return r->target;
	if (c->pipe_prev >= 0)
		return res->cmds[c->pipe_prev].out_text;
	return NULL;
}

void shlex_parse_str(struct shlex_result *res, const struct shlex_cmd *c, const char *s,
		      unsigned flags)
{
	shlex_parse_script(res, s, strlen(s), c->depth + 1, c->flags | flags);
}

/* Joins argv[from..] with spaces into the arena. */
const char *shlex_join_args(struct shlex_result *res, const struct shlex_cmd *c, int from)
{
	size_t len = 0;
	char *out, *p;

	for (int i = from; i < c->argc; i++)
		len += strlen(c->argv[i]) + 1;
	out = shlex_alloc(res, len + 1);
	if (!out)
		return NULL;
	p = out;
	for (int i = from; i < c->argc; i++) {
		size_t l = strlen(c->argv[i]);

		if (p != out)
			*p++ = ' ';
		memcpy(p, c->argv[i], l);
		p += l;
	}
	*p = '\0';
	return out;
}

/* The remote command of `ssh [options] host command...`, joined, or NULL. */
static const char *ssh_remote(struct shlex_result *res, const struct shlex_cmd *c)
{
	static const char *const valued = "bcDEeFIiJLlmOopQRSWw";
	int i = c->prog + 1;

	while (i < c->argc && c->argv[i][0] == '-' && c->argv[i][1]) {
		const char *w = c->argv[i];
		size_t n = strlen(w);

		/* -p 22 and -NfL 80:h:80 take the next word; -p22 and -NfT do not */
		i += strchr(valued, w[n - 1]) && (n == 2 || !strchr(valued, w[1])) ? 2 : 1;
	}
	if (i + 1 >= c->argc)
		return NULL;
	return shlex_join_args(res, c, i + 1);
}

/* Gives a committed command its meaning; may parse nested scripts. */
void shlex_cmd_meaning(struct shlex_result *res, int idx)
{
	struct shlex_cmd *c = &res->cmds[idx];
	const char *b, *script;

	c->prog = find_prog(c);
	b = shlex_prog(c);
	if (strcmp(b, "su") == 0)
		c->sudo = true;
	if (is_shell(b) || strcmp(b, "su") == 0) {
		script = dash_c_script(c);
		if (script) {
			shlex_parse_str(res, c, script, SHLEX_F_SHELL_C);
		} else if (is_shell(b)) {
			const char *in = shlex_static_input(res, c);
			const struct shlex_cmd *p =
				c->pipe_prev >= 0 ? &res->cmds[c->pipe_prev] : NULL;

			if (in && !(p && p->out_decoded && in == p->out_text))
				shlex_parse_str(res, c, in, SHLEX_F_PIPED);
		}
		return;
	}
	if (in_list(b, interps) || strncmp(b, "python3.", 8) == 0) {
		shlex_interp_payloads(res, idx);
		return;
	}
	if (strcmp(b, "ssh") == 0) {
		script = ssh_remote(res, c);
		if (script)
			shlex_parse_str(res, c, script, SHLEX_F_SHELL_C);
		return;
	}
	if (strcmp(b, "script") == 0) {
		/* script -c CMD runs CMD through a shell, in a new terminal */
		for (int i = c->prog + 1; i + 1 < c->argc; i++)
			if (c->argv[i][0] == '-' && c->argv[i][1] != '-' &&
			    strchr(c->argv[i], 'c')) {
				shlex_parse_str(res, c, c->argv[i + 1],
						SHLEX_F_SHELL_C | SHLEX_F_PROGRAM);
				break;
			}
		return;
	}
	if (strcmp(b, "trap") == 0 && c->prog + 1 < c->argc) {
		/* the handler of `trap 'cmd' EXIT` is a script run later */
		shlex_parse_str(res, c, c->argv[c->prog + 1], SHLEX_F_SHELL_C);
		return;
	}
	if (strcmp(b, "eval") == 0 && c->prog + 1 < c->argc) {
		script = shlex_join_args(res, c, c->prog + 1);
		if (script)
			shlex_parse_str(res, c, script, SHLEX_F_SHELL_C);
		return;
	}
	shlex_decode_output(res, idx);
}

static int commit(struct lexer *lx, struct pending *pc, bool background)
{
	struct shlex_result *res = lx->res;
	struct shlex_cmd *c;
	int idx;

	if (pc->nwords == 0 && pc->nredir == 0)
		return -1;
	if (res->ncmds >= SHLEX_MAX_CMDS || res->nwords + pc->nwords + 1 > SHLEX_MAX_WORDS ||
	    res->nredirs + pc->nredir > SHLEX_MAX_REDIRS) {
		res->truncated = true;
		return -1;
	}
	idx = res->ncmds++;
	c = &res->cmds[idx];
	memset(c, 0, sizeof(*c));
	c->argv = &res->words[res->nwords];
	memcpy(c->argv, pc->words, sizeof(pc->words[0]) * pc->nwords);
	c->argc = pc->nwords;
	c->argv[c->argc] = NULL;
	res->nwords += pc->nwords + 1;
	c->redir_first = res->nredirs;
	c->nredir = pc->nredir;
	memcpy(&res->redirs[res->nredirs], pc->redir, sizeof(pc->redir[0]) * pc->nredir);
	res->nredirs += pc->nredir;
	c->depth = lx->depth;
	c->flags = lx->flags;
	c->background = background;
	c->pipe_prev = pc->pipe_prev;
	if (lx->s && lx->nstmt < SHLEX_STMT_CMDS)
		lx->stmt_cmds[lx->nstmt++] = idx;
	shlex_cmd_meaning(res, idx);
	return idx;
}

/* The statement read so far ends at end (exclusive): its commands learn their text. */
static void end_statement(struct lexer *lx, size_t end)
{
	size_t start = lx->stmt_start;

	while (start < end && strchr(" \t\r\n", lx->s[start]))
		start++;
	while (end > start && strchr(" \t\r\n", lx->s[end - 1]))
		end--;
	for (int k = 0; k < lx->nstmt; k++) {
		struct shlex_cmd *c = &lx->res->cmds[lx->stmt_cmds[k]];

		c->stmt = lx->s + start;
		c->stmt_len = (int)(end - start);
	}
	lx->nstmt = 0;
}

/* Ends the pending command; a pipe links the next one to it. */
static void finish(struct lexer *lx, struct pending *pc, bool pipe, bool background)
{
	int idx = commit(lx, pc, background);

	pc->nwords = 0;
	pc->nredir = 0;
	pc->pipe_prev = pipe ? idx : -1;
}

static void add_word(struct lexer *lx, struct pending *pc, const char *w)
{
	if (!w)
		return;
	if (pc->nwords >= SHLEX_CMD_WORDS) {
		lx->res->truncated = true;
		return;
	}
	pc->words[pc->nwords++] = w;
}

/* <(...) and >(...): the body is a script; the word stays as written. */
static void process_subst(struct lexer *lx, struct pending *pc)
{
	size_t open = lx->i + 2, end = open;
	int level = 1;

	for (; end < lx->n; end++) {
		if (lx->s[end] == '(')
			level++;
		else if (lx->s[end] == ')' && --level == 0)
			break;
	}
	shlex_parse_script(lx->res, lx->s + open, end - open, lx->depth + 1,
			   lx->flags | SHLEX_F_SUBST);
	size_t stop = end < lx->n ? end + 1 : end;
	add_word(lx, pc, shlex_strndup(lx->res, lx->s + lx->i, stop - lx->i));
	lx->i = stop;
}

/* One operator or word at lx->i. */
static void step(struct lexer *lx, struct pending *pc)
{
	const char *s = lx->s;
	char c = s[lx->i], d = lx->i + 1 < lx->n ? s[lx->i + 1] : '\0';

	if (c == '#') {
		while (lx->i < lx->n && s[lx->i] != '\n')
			lx->i++;
	} else if (c == '\n') {
		finish(lx, pc, false, false);
		end_statement(lx, lx->i);
		if (lx->heredoc_skip_to && lx->i < lx->heredoc_skip_from) {
			lx->i = lx->heredoc_skip_to;
			lx->heredoc_skip_to = 0;
		} else {
			lx->i++;
		}
		lx->stmt_start = lx->i;
	} else if (c == ';' || c == '(' || c == ')') {
		finish(lx, pc, false, false);
		end_statement(lx, lx->i);
		lx->i += (c == ';' && d == ';') ? 2 : 1;
		lx->stmt_start = lx->i;
	} else if (c == '&' && d == '&') {
		finish(lx, pc, false, false);
		lx->i += 2;
	} else if (c == '&' && d == '>') {
		shlex_redirect(lx, pc, -1);
	} else if (c == '&') {
		finish(lx, pc, false, true);
		end_statement(lx, lx->i);
		lx->i++;
		lx->stmt_start = lx->i;
	} else if (c == '|') {
		finish(lx, pc, d != '|', false);
		lx->i += (d == '|' || d == '&') ? 2 : 1;
	} else if ((c == '<' || c == '>') && d == '(') {
		process_subst(lx, pc);
	} else if (c == '<' || c == '>') {
		shlex_redirect(lx, pc, c == '<' ? 0 : 1);
	} else if (isdigit((unsigned char)c) && (d == '<' || d == '>')) {
		lx->i++;
		shlex_redirect(lx, pc, c - '0');
	} else {
		add_word(lx, pc, shlex_read_word(lx));
	}
}

void shlex_parse_script(struct shlex_result *res, const char *s, size_t n, int depth,
			unsigned flags)
{
	struct lexer lx = { .res = res, .s = s, .n = n, .depth = depth, .flags = flags };
	struct pending pc;

	if (depth > SHLEX_MAX_DEPTH) {
		res->truncated = true;
		return;
	}
	pc.nwords = 0;
	pc.nredir = 0;
	pc.pipe_prev = -1;
	while (lx.i < lx.n) {
		char c = s[lx.i];

		if (c == ' ' || c == '\t' || c == '\r') {
			lx.i++;
			continue;
		}
		if (c == '\\' && lx.i + 1 < lx.n && s[lx.i + 1] == '\n') {
			lx.i += 2;
			continue;
		}
		step(&lx, &pc);
	}
	finish(&lx, &pc, false, false);
	end_statement(&lx, lx.n);
}

static void reset(struct shlex_result *res)
{
	res->ncmds = 0;
	res->nwords = 0;
	res->nredirs = 0;
	res->truncated = false;
	res->decoded = 0;
	res->textlen = 0;
	res->text[0] = '\0';
	res->arena_used = 0;
	res->scratch_used = 0;
}

int shlex_parse_argv(struct shlex_result *res, const char *const *argv, size_t argc)
{
	struct lexer lx = { .res = res };
	struct pending pc = { .pipe_prev = -1 };
	int idx;

	reset(res);
	for (size_t k = 0; k < argc && argv; k++)
		add_word(&lx, &pc, shlex_strndup(res, argv[k] ? argv[k] : "",
						  argv[k] ? strlen(argv[k]) : 0));
	if (pc.nwords == 0)
		return 0;
	/* the text the models see: a shell's script itself, else the command line */
	struct shlex_cmd probe = { .argv = pc.words, .argc = pc.nwords };
	probe.prog = find_prog(&probe);
	const char *script = is_shell(shlex_prog(&probe)) ? dash_c_script(&probe) : NULL;
	if (script) {
		shlex_text_append(res, script, strlen(script));
	} else {
		for (int k = 0; k < pc.nwords; k++) {
			if (k > 0 && res->textlen + 1 < SHLEX_TEXT)
				res->text[res->textlen++] = ' ';
			size_t l = strlen(pc.words[k]);
			if (res->textlen + l + 1 >= SHLEX_TEXT)
				break;
			memcpy(res->text + res->textlen, pc.words[k], l);
			res->textlen += l;
			res->text[res->textlen] = '\0';
		}
	}
	idx = commit(&lx, &pc, false);
	(void)idx;
	return res->truncated ? -E2BIG : 0;
}

int shlex_parse(struct shlex_result *res, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	reset(res);
	shlex_text_append(res, src ? src : "", n);
	shlex_parse_script(res, src ? src : "", n, 0, 0);
	return res->truncated ? -E2BIG : 0;
}
