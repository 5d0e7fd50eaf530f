/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shell tokenizer (see shlex.h): lexing of words, quotes, operators
 * and redirections, and the recursion into nested scripts. What a command
 * means once it is split (wrappers, sh -c, decoders) is in cmd.c.
 *
 * All strings live in the result's arena; every write is bounds-checked
 * and a full arena or table sets `truncated` instead of failing, so that
 * the caller still sees everything up to the limit.
 */
#include <errno.h>
#include <string.h>

#include "shell/shlex.h"
#include "shell/internal.h"

char *shlex_alloc(struct shlex_result *res, size_t n)
{
	char *p;

	if (n > SHLEX_ARENA - res->arena_used) {
		res->truncated = true;
		return NULL;
	}
	p = res->arena + res->arena_used;
	res->arena_used += n;
	return p;
}

char *shlex_strndup(struct shlex_result *res, const char *s, size_t n)
{
	char *p = shlex_alloc(res, n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/*
 * Appends to the word being built. Words grow in the scratch stack, not
 * the arena, because a $(...) inside a word is parsed (and allocates) before
 * the word ends; a nested level builds above the outer word and gives its
 * scratch back when it returns.
 */
static void word_putc(struct lexer *lx, char c)
{
	struct shlex_result *res = lx->res;

	if (res->scratch_used + 1 > SHLEX_SCRATCH) {
		res->truncated = true;
		return;
	}
	res->scratch[res->scratch_used++] = c;
}

static void word_puts(struct lexer *lx, const char *s, size_t n)
{
	for (size_t k = 0; k < n; k++)
		word_putc(lx, s[k]);
}

static bool is_meta(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' ||
	       c == '<' || c == '>' || c == '(' || c == ')' || c == '\r';
}

/*
 * Finds the end of a $( ... ) or <( ... ) body starting at i (just after
 * the open paren): the index of the matching ')', honouring quotes and
 * nesting; n when unbalanced.
 */
static size_t match_paren(const char *s, size_t n, size_t i)
{
	int level = 1;

	for (; i < n; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < n) {
			i++;
		} else if (c == '\'') {
			while (++i < n && s[i] != '\'')
				;
		} else if (c == '"') {
			while (++i < n && s[i] != '"')
				if (s[i] == '\\')
					i++;
		} else if (c == '(') {
			level++;
		} else if (c == ')' && --level == 0) {
			return i;
		}
	}
	return n;
}

/* Parses s[from..to) as a nested script. */
static void nested(struct lexer *lx, size_t from, size_t to, unsigned flags)
{
	shlex_parse_script(lx->res, lx->s + from, to - from, lx->depth + 1, lx->flags | flags);
}

/* $'...' : ANSI-C quoting. i points after the opening quote. */
static void ansi_c(struct lexer *lx)
{
	size_t start = lx->i, end = start;

	while (end < lx->n && lx->s[end] != '\'') {
		if (lx->s[end] == '\\' && end + 1 < lx->n)
			end++;
		end++;
	}
	struct shlex_result *res = lx->res;
	size_t room = SHLEX_SCRATCH - res->scratch_used;

	/* decoding never makes text longer than its source */
	if (room > end - start) {
		res->scratch_used += shlex_unescape(lx->s + start, end - start,
						    res->scratch + res->scratch_used, room, true);
	} else {
		res->truncated = true;
	}
	lx->i = end < lx->n ? end + 1 : end;
}

/* Handles '$' inside or outside double quotes; lx->i points at '$'. */
static void dollar(struct lexer *lx, bool dq)
{
	const char *s = lx->s;
	size_t i = lx->i + 1, n = lx->n;

	if (!dq && i < n && s[i] == '\'') {
		lx->i = i + 1;
		ansi_c(lx);
		return;
	}
	if (i + 1 < n && s[i] == '(' && s[i + 1] == '(') {
		size_t end = match_paren(s, n, i + 1);
		size_t stop = end < n ? end + 1 : n;

		if (stop < n && s[stop] == ')')
			stop++;
		word_puts(lx, s + lx->i, stop - lx->i);
		lx->i = stop;
		return;
	}
	if (i < n && s[i] == '(') {
		size_t end = match_paren(s, n, i + 1);

		nested(lx, i + 1, end, SHLEX_F_SUBST);
		size_t stop = end < n ? end + 1 : n;
		word_puts(lx, s + lx->i, stop - lx->i);
		lx->i = stop;
		return;
	}
	if (i < n && s[i] == '{') {
		size_t end = i;

		while (end < n && s[end] != '}')
			end++;
		size_t stop = end < n ? end + 1 : n;
		word_puts(lx, s + lx->i, stop - lx->i);
		lx->i = stop;
		return;
	}
	word_putc(lx, '$');
	lx->i = i;
}

/* `...`; lx->i points at the opening backtick. */
static void backtick(struct lexer *lx)
{
	size_t start = lx->i + 1, end = start;
	char *body;
	size_t blen = 0;

	while (end < lx->n && lx->s[end] != '`') {
		if (lx->s[end] == '\\' && end + 1 < lx->n)
			end++;
		end++;
	}
	body = shlex_alloc(lx->res, end - start + 1);
	if (body) {
		for (size_t k = start; k < end; k++) {
			if (lx->s[k] == '\\' && k + 1 < end &&
			    (lx->s[k + 1] == '`' || lx->s[k + 1] == '\\' || lx->s[k + 1] == '$'))
				k++;
			body[blen++] = lx->s[k];
		}
		body[blen] = '\0';
		shlex_parse_script(lx->res, body, blen, lx->depth + 1, lx->flags | SHLEX_F_SUBST);
	}
	size_t stop = end < lx->n ? end + 1 : end;
	word_puts(lx, lx->s + lx->i, stop - lx->i);
	lx->i = stop;
}

static void double_quoted(struct lexer *lx)
{
	const char *s = lx->s;

	lx->i++;
	while (lx->i < lx->n && s[lx->i] != '"') {
		char c = s[lx->i];

		if (c == '\\' && lx->i + 1 < lx->n) {
			char d = s[lx->i + 1];

			if (d == '$' || d == '`' || d == '"' || d == '\\') {
				word_putc(lx, d);
			} else if (d != '\n') {
				word_putc(lx, c);
				word_putc(lx, d);
			}
			lx->i += 2;
		} else if (c == '$') {
			dollar(lx, true);
		} else if (c == '`') {
			backtick(lx);
		} else {
			word_putc(lx, c);
			lx->i++;
		}
	}
	if (lx->i < lx->n)
		lx->i++;
}

/* Reads one word at lx->i; returns it NUL-terminated in the arena, or NULL. */
const char *shlex_read_word(struct lexer *lx)
{
	struct shlex_result *res = lx->res;
	size_t start = res->scratch_used;
	const char *s = lx->s;
	char *word;

	while (lx->i < lx->n && !is_meta(s[lx->i])) {
		char c = s[lx->i];

		if (c == '\\') {
			if (lx->i + 1 < lx->n && s[lx->i + 1] != '\n')
				word_putc(lx, s[lx->i + 1]);
			lx->i += 2;
		} else if (c == '\'') {
			size_t end = lx->i + 1;

			while (end < lx->n && s[end] != '\'')
				end++;
			word_puts(lx, s + lx->i + 1, end - lx->i - 1);
			lx->i = end < lx->n ? end + 1 : end;
		} else if (c == '"') {
			double_quoted(lx);
		} else if (c == '$') {
			dollar(lx, false);
		} else if (c == '`') {
			backtick(lx);
		} else {
			word_putc(lx, c);
			lx->i++;
		}
	}
	word = shlex_strndup(res, res->scratch + start, res->scratch_used - start);
	res->scratch_used = start;
	return word;
}

static void skip_blanks(struct lexer *lx)
{
	while (lx->i < lx->n) {
		char c = lx->s[lx->i];

		if (c == ' ' || c == '\t' || c == '\r') {
			lx->i++;
		} else if (c == '\\' && lx->i + 1 < lx->n && lx->s[lx->i + 1] == '\n') {
			lx->i += 2;
		} else {
			break;
		}
	}
}

/* Reads the body of a here-document that starts after the current line. */
static const char *heredoc_body(struct lexer *lx, const char *delim)
{
	const char *s = lx->s;
	size_t n = lx->n, line = lx->i, dlen = strlen(delim);

	while (line < n && s[line] != '\n')
		line++;
	if (line >= n)
		return NULL;
	size_t body = ++line, end = n, next = n;

	while (line < n) {
		size_t e = line;

		while (e < n && s[e] != '\n')
			e++;
		size_t b = line;
		while (b < e && s[b] == '\t')
			b++;
		if (e - b == dlen && memcmp(s + b, delim, dlen) == 0) {
			end = line;
			next = e;
			break;
		}
		line = e + 1;
	}
	lx->heredoc_skip_from = body;
	lx->heredoc_skip_to = next;
	return shlex_strndup(lx->res, s + body, end > body ? end - body : 0);
}

/* Parses a redirection operator at lx->i into the pending command. */
void shlex_redirect(struct lexer *lx, struct pending *pc, int fd)
{
	const char *s = lx->s;
	size_t n = lx->n;
	enum shlex_redir_op op;

	if (s[lx->i] == '&') { /* &> or &>> */
		fd = -1;
		lx->i++;
	}
	if (s[lx->i] == '>') {
		lx->i++;
		op = SHLEX_R_OUT;
		if (lx->i < n && s[lx->i] == '>') {
			op = SHLEX_R_APPEND;
			lx->i++;
		} else if (lx->i < n && s[lx->i] == '&') {
			op = SHLEX_R_DUP;
			lx->i++;
		} else if (lx->i < n && s[lx->i] == '|') {
			lx->i++;
		}
	} else {
		lx->i++;
		op = SHLEX_R_IN;
		if (lx->i + 1 < n && s[lx->i] == '<' && s[lx->i + 1] == '<') {
			op = SHLEX_R_HERESTRING;
			lx->i += 2;
		} else if (lx->i < n && s[lx->i] == '<') {
			op = SHLEX_R_HEREDOC;
			lx->i++;
			if (lx->i < n && s[lx->i] == '-')
				lx->i++;
		} else if (lx->i < n && s[lx->i] == '&') {
			op = SHLEX_R_DUP;
			lx->i++;
		} else if (lx->i < n && s[lx->i] == '>') {
			op = SHLEX_R_RW;
			lx->i++;
		}
	}
	skip_blanks(lx);
	const char *target = shlex_read_word(lx);

	if (!target)
		target = "";
	if (op == SHLEX_R_HEREDOC) {
		const char *body = heredoc_body(lx, target);

		target = body ? body : "";
	}
	if (pc->nredir < PENDING_REDIRS) {
		pc->redir[pc->nredir].op = op;
		pc->redir[pc->nredir].fd = fd;
		pc->redir[pc->nredir].target = target;
		pc->nredir++;
	} else {
		lx->res->truncated = true;
	}
}
