/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals shared by the tokenizer's files: shlex.c (lexing), cmd.c (what
 * a split command means), decode.c (decoders) and interp.c (interpreter
 * one-liners). Not part of the tokenizer's face (shlex.h).
 */
#ifndef SEVORIX_JURY_SHLEX_INTERNAL_H
#define SEVORIX_JURY_SHLEX_INTERNAL_H

#include "shell/shlex.h"

#define PENDING_REDIRS 16
#define SHLEX_STMT_CMDS 64

struct lexer {
	struct shlex_result *res;
	const char *s;
	size_t n, i;
	int depth;
	unsigned flags;
	size_t heredoc_skip_from, heredoc_skip_to; /* body lines to jump over */
	/* the statement being read: where it starts in s, the commands of this level in it */
	size_t stmt_start;
	int stmt_cmds[SHLEX_STMT_CMDS];
	int nstmt;
};

/* The simple command being collected. */
struct pending {
	const char *words[SHLEX_CMD_WORDS];
	int nwords;
	struct shlex_redir redir[PENDING_REDIRS];
	int nredir;
	int pipe_prev;
};

char *shlex_alloc(struct shlex_result *res, size_t n);
char *shlex_strndup(struct shlex_result *res, const char *s, size_t n);
const char *shlex_read_word(struct lexer *lx);
void shlex_redirect(struct lexer *lx, struct pending *pc, int fd);
void shlex_parse_script(struct shlex_result *res, const char *s, size_t n, int depth,
			unsigned flags);
/* Decodes backslash escapes (printf/echo -e; ansi adds \' and \"); returns the length. */
size_t shlex_unescape(const char *in, size_t n, char *out, size_t outlen, bool ansi);
/* Post-processing of a committed command: wrappers, nested scripts, decoders. */
void shlex_cmd_meaning(struct shlex_result *res, int idx);
void shlex_decode_output(struct shlex_result *res, int idx);
const struct shlex_redir *shlex_find_redir(struct shlex_result *res, const struct shlex_cmd *c,
					   enum shlex_redir_op op);
/* What the command reads on stdin when statically known (here-string, pipe), or NULL. */
const char *shlex_static_input(struct shlex_result *res, const struct shlex_cmd *c);
/* argv[from..] joined by spaces, in the arena; NULL when it is full. */
const char *shlex_join_args(struct shlex_result *res, const struct shlex_cmd *c, int from);
void shlex_parse_str(struct shlex_result *res, const struct shlex_cmd *c, const char *s,
		     unsigned flags);
/* Shell payloads of interpreter one-liners (interp.c). */
void shlex_interp_payloads(struct shlex_result *res, int idx);
void shlex_text_append(struct shlex_result *res, const char *s, size_t n);

#endif
