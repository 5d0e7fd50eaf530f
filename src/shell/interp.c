/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shell commands inside interpreter one-liners (see shlex.h).
 *
 * `python3 -c 'os.system("curl x | sh")'`, `perl -e 'system "nc -e ..."'`,
 * `node -e 'require("child_process").exec("...")'`, `php -r 'shell_exec(...)'`,
 * `ruby -e '`id`'`, `lua -e 'os.execute(...)'`, `vim -c ':!sh'`, `awk
 * 'BEGIN {system("...")}'`: the string
 * handed to the language's shell-out call is a shell script, so it is
 * parsed one level deeper like an `sh -c` argument. A literal decoded by
 * the language's base64 call (b64decode, atob, base64_decode,
 * decode_base64) is added to the flat text and searched again as code.
 * This reads string literals only; code that builds the string at run
 * time is left to the statistical jurors.
 */
#include <string.h>

#include "shell/shlex.h"
#include "shell/internal.h"

#define INTERP_MAX_PAYLOADS 8

static const char *const shell_calls[] = {
	"system(", "system ", "exec(", "exec ", "popen(", "execute(", "execSync(", "spawnSync(",
	"shell_exec(", "passthru(", "execl(", "execlp(", "execv(", "execvp(", "spawnl(", "Popen(",
	"check_output(", "check_call(", "getoutput(", "getstatusoutput(", "run(", "call(",
	"spawn(", "proc_open(", "IO.popen(", "%x(", "qx(", "qx{", NULL,
};
static const char *const b64_calls[] = {
	"b64decode(", "atob(", "base64_decode(", "decode_base64(", "decode64(", "Buffer.from(",
	NULL,
};

/* Reads the string literal starting at s (after blanks and one '[' or '('); its length or 0. */
static size_t literal(const char *s, const char **start)
{
	char q;
	size_t n = 0;

	while (*s == ' ' || *s == '[' || *s == '(')
		s++;
	q = *s;
	if (q != '"' && q != '\'' && q != '`')
		return 0;
	*start = ++s;
	while (s[n] && s[n] != q) {
		if (s[n] == '\\' && s[n + 1])
			n++;
		n++;
	}
	return s[n] == q ? n : 0;
}

static void payload(struct shlex_result *res, const struct shlex_cmd *c, const char *s,
		    size_t n, unsigned flags)
{
	char *p = shlex_alloc(res, n + 1);

	if (!p)
		return;
	/* the language's escapes: \" inside "...", \n and \x.. */
	shlex_unescape(s, n, p, n + 1, true);
	shlex_parse_str(res, c, p, flags);
}

static void scan_code(struct shlex_result *res, const struct shlex_cmd *c, const char *code,
		      int depth);

static void decode_literals(struct shlex_result *res, const struct shlex_cmd *c, const char *code,
			    int depth)
{
	for (int k = 0; b64_calls[k]; k++)
		for (const char *at = strstr(code, b64_calls[k]); at;
		     at = strstr(at + 1, b64_calls[k])) {
			const char *lit;
			size_t n = literal(at + strlen(b64_calls[k]), &lit);
			char *out;
			long len;

			if (n < 8 || !(out = shlex_alloc(res, n + 1)))
				continue;
			len = shlex_b64_decode(lit, n, out, n);
			if (len <= 0)
				continue;
			out[len] = '\0';
			if (strlen(out) != (size_t)len)
				continue; /* binary */
			res->decoded++;
			shlex_text_append(res, out, (size_t)len);
			scan_code(res, c, out, depth + 1);
		}
}

static void scan_code(struct shlex_result *res, const struct shlex_cmd *c, const char *code,
		      int depth)
{
	int found = 0;

	if (depth > 2)
		return;
	for (int k = 0; shell_calls[k] && found < INTERP_MAX_PAYLOADS; k++)
		for (const char *at = strstr(code, shell_calls[k]);
		     at && found < INTERP_MAX_PAYLOADS; at = strstr(at + 1, shell_calls[k])) {
			const char *lit;
			size_t n = literal(at + strlen(shell_calls[k]), &lit);

			if (n > 0) {
				payload(res, c, lit, n, SHLEX_F_SHELL_C | SHLEX_F_PROGRAM);
				found++;
			}
		}
	/* perl/ruby/php backticks: `cmd` */
	for (const char *at = strchr(code, '`'); at && found < INTERP_MAX_PAYLOADS;) {
		const char *end = strchr(at + 1, '`');

		if (!end)
			break;
		payload(res, c, at + 1, (size_t)(end - at - 1), SHLEX_F_SUBST | SHLEX_F_PROGRAM);
		found++;
		at = strchr(end + 1, '`');
	}
	decode_literals(res, c, code, depth);
}

/* awk's program is its first operand (after -F SEP, -v VAR=X, -f FILE). */
static void awk_program(struct shlex_result *res, const struct shlex_cmd *c)
{
	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i];

		if (!strcmp(w, "-F") || !strcmp(w, "-v") || !strcmp(w, "-f")) {
			i++;
			continue;
		}
		if (w[0] != '-') {
			scan_code(res, c, w, 0);
			return;
		}
	}
}

void shlex_interp_payloads(struct shlex_result *res, int idx)
{
	const struct shlex_cmd *c = &res->cmds[idx];
	const char *p = shlex_prog(c);
	bool vim = strcmp(p, "vim") == 0 || strcmp(p, "vi") == 0 || strcmp(p, "nvim") == 0;

	if (strstr(p, "awk")) {
		awk_program(res, c);
		return;
	}
	for (int i = c->prog + 1; i + 1 < c->argc; i++) {
		const char *o = c->argv[i], *code = c->argv[i + 1];

		if (vim && strcmp(o, "-c") == 0 && code[0] == ':' && code[1] == '!') {
			shlex_parse_str(res, c, code + 2, SHLEX_F_SHELL_C | SHLEX_F_PROGRAM);
		} else if (vim && strcmp(o, "-c") == 0) {
			scan_code(res, c, code, 0);
		} else if (strcmp(o, "-c") == 0 || strcmp(o, "-e") == 0 || strcmp(o, "-E") == 0 ||
			   strcmp(o, "-r") == 0 || strcmp(o, "--eval") == 0 ||
			   strcmp(o, "-p") == 0) {
			scan_code(res, c, code, 0);
			return;
		}
	}
}
