/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The decoders of the shell tokenizer (see shlex.h): backslash escapes
 * (printf, echo -e, $'...'), base64, hex (xxd -r -p) and rev, applied to
 * text that is statically known (literals given to echo or printf, here-
 * strings, here-documents) as it flows through a pipeline. A decoded
 * payload that is text is parsed as a script one level deeper and added
 * to the flattened text, so obfuscation does not hide a command from the
 * rulebook or the models. Binary payloads are not parsed.
 */
#include <errno.h>
#include <string.h>

#include "shell/shlex.h"
#include "shell/internal.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char simple_escape(char c, bool ansi)
{
	switch (c) {
	case 'a': return '\a';
	case 'b': return '\b';
	case 'e': case 'E': return 27;
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'v': return '\v';
	case '\\': return '\\';
	case '\'': case '"': case '?': return ansi ? c : 0;
	default: return 0;
	}
}

/* One escape at in[*i] (just after the backslash); returns the byte. */
static char one_escape(const char *in, size_t n, size_t *i, bool ansi)
{
	char c = in[*i], e;
	int v = 0, k = 0;

	if (c == 'x') {
		while (k < 2 && *i + 1 < n && hexval(in[*i + 1]) >= 0) {
			v = v * 16 + hexval(in[++*i]);
			k++;
		}
		return k ? (char)v : 'x';
	}
	if (c >= '0' && c <= '7') {
		int max = (c == '0' && !ansi) ? 4 : 3;

		while (k < max && *i < n && in[*i] >= '0' && in[*i] <= '7') {
			v = v * 8 + (in[(*i)++] - '0');
			k++;
		}
		--*i;
		return (char)v;
	}
	e = simple_escape(c, ansi);
	return e;
}

size_t shlex_unescape(const char *in, size_t n, char *out, size_t outlen, bool ansi)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < outlen; i++) {
		if (in[i] != '\\' || i + 1 >= n) {
			out[o++] = in[i];
			continue;
		}
		i++;
		char e = one_escape(in, n, &i, ansi);

		if (e) {
			out[o++] = e;
		} else {
			out[o++] = '\\';
			if (o + 1 < outlen)
				out[o++] = in[i];
		}
	}
	if (o < outlen)
		out[o] = '\0';
	return o;
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

long shlex_b64_decode(const char *in, size_t inlen, char *out, size_t outlen)
{
	unsigned acc = 0;
	int bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < inlen; i++) {
		char c = in[i];
		int v;

		if (c == '=')
			break;
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		v = b64val(c);
		if (v < 0)
			return -EINVAL;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outlen)
				return -ENOSPC;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	return (long)o;
}

static long hex_decode(const char *in, size_t inlen, char *out, size_t outlen)
{
	size_t o = 0;
	int hi = -1;

	for (size_t i = 0; i < inlen; i++) {
		int v = hexval(in[i]);

		if (v < 0) {
			if (in[i] == ' ' || in[i] == '\n' || in[i] == '\t' || in[i] == '\r')
				continue;
			return -EINVAL;
		}
		if (hi < 0) {
			hi = v;
		} else {
			if (o >= outlen)
				return -ENOSPC;
			out[o++] = (char)(hi * 16 + v);
			hi = -1;
		}
	}
	return (long)o;
}

/* Text, not a binary blob: at most 5% control or high bytes. */
static bool printable(const char *s, size_t n)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c >= 0x7f)
			bad++;
	}
	return n > 0 && bad * 20 <= n;
}

static bool has_arg(const struct shlex_cmd *c, const char *a)
{
	for (int i = c->prog + 1; i < c->argc; i++)
		if (strcmp(c->argv[i], a) == 0)
			return true;
	return false;
}

/* Short option letter present in any -xyz cluster. */
static bool has_flag(const struct shlex_cmd *c, char f)
{
	for (int i = c->prog + 1; i < c->argc; i++)
		if (c->argv[i][0] == '-' && c->argv[i][1] != '-' && strchr(c->argv[i] + 1, f))
			return true;
	return false;
}

static const char *echo_text(struct shlex_result *res, const struct shlex_cmd *c)
{
	int i = c->prog + 1;
	bool esc = false;
	const char *t;

	while (i < c->argc && c->argv[i][0] == '-' && c->argv[i][1] &&
	       strspn(c->argv[i] + 1, "neE") == strlen(c->argv[i] + 1)) {
		esc |= strchr(c->argv[i], 'e') != NULL;
		i++;
	}
	t = shlex_join_args(res, c, i);
	if (t && esc) {
		char *u = shlex_alloc(res, strlen(t) + 1);

		if (u)
			shlex_unescape(t, strlen(t), u, strlen(t) + 1, false);
		t = u;
	}
	return t;
}

static const char *printf_text(struct shlex_result *res, const struct shlex_cmd *c)
{
	int i = c->prog + 1;
	const char *fmt, *args;
	char *u;

	if (i < c->argc && strcmp(c->argv[i], "--") == 0)
		i++;
	if (i >= c->argc)
		return NULL;
	fmt = c->argv[i];
	args = shlex_join_args(res, c, i + 1);
	if (!args)
		return NULL;
	if (strncmp(fmt, "%s", 2) == 0 || strncmp(fmt, "%b", 2) == 0)
		fmt = args; /* the data is in the arguments */
	else if (!strchr(fmt, '\\') && !*args)
		return fmt;
	u = shlex_alloc(res, strlen(fmt) + 1);
	if (u)
		shlex_unescape(fmt, strlen(fmt), u, strlen(fmt) + 1, false);
	return u;
}

/* Decodes `in` with the command's decoder; NULL when it is not one or fails. */
static const char *run_decoder(struct shlex_result *res, const struct shlex_cmd *c,
			       const char *b, const char *in)
{
	size_t n = strlen(in);
	char *out;
	long len = -1;

	out = shlex_alloc(res, n + 1);
	if (!out)
		return NULL;
	if ((strcmp(b, "base64") == 0 || strcmp(b, "openssl") == 0) &&
	    (has_flag(c, 'd') || has_flag(c, 'D') || has_arg(c, "--decode"))) {
		len = shlex_b64_decode(in, n, out, n);
	} else if (strcmp(b, "xxd") == 0 && has_flag(c, 'r')) {
		len = hex_decode(in, n, out, n);
	} else if (strcmp(b, "rev") == 0) {
		size_t e = n;

		while (e > 0 && in[e - 1] == '\n')
			e--;
		for (size_t k = 0; k < e; k++)
			out[k] = in[e - 1 - k];
		len = (long)e;
	}
	if (len < 0 || !printable(out, (size_t)len))
		return NULL;
	out[len] = '\0';
	return out;
}

/* Statically known stdout of echo, printf, cat and the decoders. */
void shlex_decode_output(struct shlex_result *res, int idx)
{
	struct shlex_cmd *c = &res->cmds[idx];
	const char *b = shlex_prog(c), *in, *out;

	if (strcmp(b, "echo") == 0) {
		c->out_text = echo_text(res, c);
		return;
	}
	if (strcmp(b, "printf") == 0) {
		c->out_text = printf_text(res, c);
		return;
	}
	in = shlex_static_input(res, c);
	if (!in)
		return;
	if (strcmp(b, "cat") == 0 && c->prog + 1 == c->argc) {
		c->out_text = in;
		return;
	}
	out = run_decoder(res, c, b, in);
	if (!out)
		return;
	c->out_text = out;
	c->out_decoded = true;
	res->decoded++;
	shlex_text_append(res, out, strlen(out));
	shlex_parse_str(res, c, out, SHLEX_F_DECODED);
}
