/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A static shell tokenizer for judging commands before they run: the
 * jury's jurors judge what it finds, and the policy's shell rules
 * (sevorix-policy(5)) match the pipelines it finds.
 *
 * It splits a POSIX/bash command string into simple commands the way the
 * shell would (quotes, escapes, ;, &&, ||, |, &, newlines, redirections,
 * here-strings and here-documents), and it looks inside everything that
 * the shell would itself execute: `sh -c`/`bash -c` arguments, `eval`,
 * `su -c`, `trap` handlers, `ssh host CMD`, $(...), backticks, <(...),
 * text that a pipeline decodes and feeds to a shell (`echo ... | base64 -d
 * | sh`, `xxd -r -p`, printf and $'...' escapes, `rev`), and the strings
 * interpreter one-liners hand to their shell-out calls (interp.c).
 * Nested scripts are parsed recursively up to SHLEX_MAX_DEPTH; every
 * command records how deep it was found and how.
 *
 * Nothing is expanded or executed: variables stay literal. The result is
 * one flat array of commands with their words, redirections and links to
 * the command that feeds their stdin, plus a flattened text (the source
 * and every decoded payload) for the statistical jurors. When a limit is
 * hit, `truncated` is set; callers treat a truncated parse as suspicious,
 * since padding a command past a limit must not hide its tail.
 */
#ifndef SEVORIX_JURY_SHLEX_H
#define SEVORIX_JURY_SHLEX_H

#include <stdbool.h>
#include <stddef.h>


#define SHLEX_MAX_DEPTH 8
#define SHLEX_MAX_CMDS 256
#define SHLEX_MAX_WORDS 2048
#define SHLEX_MAX_REDIRS 256
#define SHLEX_CMD_WORDS 128
#define SHLEX_ARENA (96 * 1024)
#define SHLEX_TEXT (16 * 1024)
#define SHLEX_SCRATCH (64 * 1024)

enum shlex_redir_op {
	SHLEX_R_OUT = 1,    /* >, >|, &>, N> */
	SHLEX_R_APPEND,     /* >>, &>> */
	SHLEX_R_IN,         /* < */
	SHLEX_R_DUP,        /* >&N, <&N */
	SHLEX_R_HERESTRING, /* <<< word: target is the string */
	SHLEX_R_HEREDOC,    /* << DELIM: target is the body */
	SHLEX_R_RW,         /* <> */
};

struct shlex_redir {
	enum shlex_redir_op op;
	int fd; /* the redirected descriptor, -1 for &> */
	const char *target;
};

/* How a command was reached. */
#define SHLEX_F_SHELL_C 0x01 /* argument of sh -c, eval, su -c */
#define SHLEX_F_SUBST 0x02   /* $(...), backticks, <(...) */
#define SHLEX_F_DECODED 0x04 /* decoded from base64/hex/escapes */
#define SHLEX_F_PIPED 0x08   /* text piped or here-fed into a shell */
#define SHLEX_F_PROGRAM 0x10 /* a shell string another program runs (os.system, awk system()) */

struct shlex_cmd {
	const char **argv; /* argc words, then NULL; into shlex_result.words */
	int argc;
	int prog;	 /* index of the program after wrappers (sudo, env ...) */
	int depth;
	unsigned flags;
	bool sudo;	 /* run through sudo, doas, su, pkexec */
	bool background; /* ended by & */
	int pipe_prev;	 /* the command feeding stdin through |, or -1 */
	int redir_first, nredir;
	const char *out_text; /* statically known stdout (echo, decoders), or NULL */
	bool out_decoded;     /* out_text came from a decoder and was parsed already */
	/* The statement the command is part of, as its script writes it: the
	 * and-or list of pipelines (joined by | && ||) between two of ; & newline
	 * ( ). Not NUL-terminated; NULL for a command given as an argv. */
	const char *stmt;
	int stmt_len;
};

struct shlex_result {
	struct shlex_cmd cmds[SHLEX_MAX_CMDS];
	int ncmds;
	const char *words[SHLEX_MAX_WORDS];
	int nwords;
	struct shlex_redir redirs[SHLEX_MAX_REDIRS];
	int nredirs;
	bool truncated;
	int decoded; /* payloads decoded */
	char text[SHLEX_TEXT];
	size_t textlen;
	size_t arena_used;
	char arena[SHLEX_ARENA];
	size_t scratch_used; /* words under construction, one per nesting level */
	char scratch[SHLEX_SCRATCH];
};

/* Parses a command string. Returns 0, or -E2BIG when a limit truncated it. */
int shlex_parse(struct shlex_result *res, const char *src);

/*
 * Parses an exec request: argv as the kernel would receive it. A shell
 * with -c becomes its script; anything else one command (whose own
 * wrapped payloads are still parsed). Returns 0 or -E2BIG.
 */
int shlex_parse_argv(struct shlex_result *res, const char *const *argv, size_t argc);

/* The program name of a command without directories ("/usr/bin/curl" -> "curl"). */
const char *shlex_prog(const struct shlex_cmd *c);

/* Base name of a path. */
const char *shlex_basename(const char *path);

/* Decodes base64 (whitespace ignored); returns the length or -EINVAL. */
long shlex_b64_decode(const char *in, size_t inlen, char *out, size_t outlen);

#endif
