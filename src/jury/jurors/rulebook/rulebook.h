/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the rulebook juror (the files of rulebook/): the context a
 * rule sees, the matchers rules are written with, and the path and program
 * tables.
 *
 * A rule looks at the parsed commands (shlex.h) and adds a finding with a
 * confidence in (0,1) and a reason (findings.h); the juror combines the
 * findings by noisy-or, denies when that reaches RB_WEAK (abstains below
 * it), and names the strongest. Path patterns and the tables of
 * places are shared with the statistical jurors (jury/jurors/paths.h).
 */
#ifndef SEVORIX_JURY_RULEBOOK_H
#define SEVORIX_JURY_RULEBOOK_H

#include <stdbool.h>

#include "jury/jurors/findings.h"
#include "jury/jurors/juror.h"
#include "jury/jurors/paths.h"
#include "shell/shlex.h"

#define RB_MAX_FILES 16
/* Findings weaker than this (combined) make the rulebook abstain, not deny. */
#define RB_WEAK 0.65

struct rb_ctx {
	const struct review *r;
	const struct shlex_result *res;
	struct findings f;
	/* state across the commands of one script */
	const char *fetched[RB_MAX_FILES]; /* files a download wrote */
	int nfetched;
	int recon; /* distinct reconnaissance commands seen */
	unsigned recon_seen;
	int recon_strong; /* of which about the network or other users */
	bool cwd_temp;	  /* a cd into a temporary directory came before */
	bool history_dropped; /* a git reset --hard of many commits came before */
};

bool rb_in(const char *s, const char *const *list);
/* Case-insensitive: does any argument after the program contain needle? */
const char *rb_arg_has(const struct shlex_cmd *c, const char *needle);
/* Is any argument after the program exactly a? */
bool rb_arg_eq(const struct shlex_cmd *c, const char *a);
/* A short option letter in any -xyz cluster, or a long option prefix. */
bool rb_opt(const struct shlex_cmd *c, char letter);
bool rb_long(const struct shlex_cmd *c, const char *prefix);
/* Was the command run through sudo with this option (sudo -E prog, sudo -l)? */
bool rb_sudo_opt(const struct shlex_cmd *c, const char *opt);
/* The value of a sudo option taking one (sudo -u USER ...), or NULL. */
const char *rb_sudo_opt_value(const struct shlex_cmd *c, const char *opt);
/* sudo given options only, no program to run (sudo -l, sudo -i, sudo -s). */
bool rb_sudo_bare(const struct shlex_cmd *c);
/* The first argument (after the program) matching the patterns, or NULL. */
const char *rb_arg_path(const struct shlex_cmd *c, const char *const *patterns);
/* Files a command writes: redirection targets, tee, cp/mv/install/ln targets, sed -i, dd of=. */
int rb_writes(const struct shlex_result *res, const struct shlex_cmd *c, const char **out,
	      int max);
/* What a command writes when the tokenizer knows it (echo, printf, cat <<EOF, tee), or NULL. */
const char *rb_written_text(const struct shlex_result *res, const struct shlex_cmd *c);
/* The first of marks (case-insensitive) in c's arguments or in the text fed to it, or NULL. */
const char *rb_mentions(const struct shlex_result *res, const struct shlex_cmd *c,
			const char *const *marks);
/* Files a command reads: arguments and < redirections. */
const char *rb_reads(const struct shlex_result *res, const struct shlex_cmd *c,
		     const char *const *patterns);
/* Does the command, or anything feeding it through a pipe, read a matching path? */
const char *rb_upstream_reads(const struct shlex_result *res, const struct shlex_cmd *c,
			      const char *const *patterns);
bool rb_upstream_prog(const struct shlex_result *res, const struct shlex_cmd *c,
		      const char *const *progs);

extern const char *const rb_system_dirs[];
extern const char *const rb_net_progs[];
extern const char *const rb_fetchers[];
extern const char *const rb_shells[];
extern const char *const rb_interps[];
extern const char *const rb_security_svcs[];
extern const char *const rb_meta_hosts[];
extern const char *const rb_exfil_hosts[];

void rb_exec_network(struct rb_ctx *x, const struct shlex_cmd *c);
void rb_exec_secrets(struct rb_ctx *x, const struct shlex_cmd *c);
void rb_exec_system(struct rb_ctx *x, const struct shlex_cmd *c);
void rb_exec_escape(struct rb_ctx *x, const struct shlex_cmd *c);
void rb_exec_defense(struct rb_ctx *x, const struct shlex_cmd *c);
void rb_exec_access(struct rb_ctx *x, const struct shlex_cmd *c);
void rb_exec_evasion(struct rb_ctx *x, const struct shlex_cmd *c);
void rb_exec_tamper(struct rb_ctx *x, const struct shlex_cmd *c);
void rb_script_sandbox(struct rb_ctx *x);
void rb_exec_script(struct rb_ctx *x);

#endif
