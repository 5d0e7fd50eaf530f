/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the rulebook juror (the files of rulebook/): the context a
 * rule sees, the matchers rules are written with, and the path and program
 * tables.
 *
 * A rule looks at the parsed commands (shlex.h) and adds a finding with a
 * confidence in (0,1) and a reason (findings.h); the juror combines the
 * findings by noisy-or, denies when that reaches RB_WEAK (abstains below
 * it), and names the strongest.
 *
 * Path patterns: "text" matches anywhere in the path, "^text" at its
 * start, "=name" the base name exactly, "*.ext" the end. Paths are
 * matched as written ("~/.ssh/id_rsa", "$HOME/.ssh/id_rsa" and
 * "/home/u/.ssh/id_rsa" all contain "/.ssh/id_").
 */
#ifndef SEVORIX_JURY_RULEBOOK_H
#define SEVORIX_JURY_RULEBOOK_H

#include <stdbool.h>

#include "jury/jurors/findings.h"
#include "jury/jurors/juror.h"
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
};

bool rb_in(const char *s, const char *const *list);
bool rb_path_is(const char *path, const char *const *patterns);
/* Does free text (inline code) mention a path matching the patterns anywhere? */
bool rb_text_mentions(const char *text, const char *const *patterns);
/* A path inside a temporary directory with a hidden component (/tmp/.x, /dev/shm/.d/y). */
bool rb_hidden_temp(const char *path);
/* Case-insensitive: does any argument after the program contain needle? */
const char *rb_arg_has(const struct shlex_cmd *c, const char *needle);
/* Is any argument after the program exactly a? */
bool rb_arg_eq(const struct shlex_cmd *c, const char *a);
/* A short option letter in any -xyz cluster, or a long option prefix. */
bool rb_opt(const struct shlex_cmd *c, char letter);
bool rb_long(const struct shlex_cmd *c, const char *prefix);
/* Was the command run through sudo with this option (sudo -E prog, sudo -l)? */
bool rb_sudo_opt(const struct shlex_cmd *c, const char *opt);
/* sudo given options only, no program to run (sudo -l, sudo -i, sudo -s). */
bool rb_sudo_bare(const struct shlex_cmd *c);
/* The first argument (after the program) matching the patterns, or NULL. */
const char *rb_arg_path(const struct shlex_cmd *c, const char *const *patterns);
/* Files a command writes: redirection targets, tee, cp/mv/install/ln targets, sed -i, dd of=. */
int rb_writes(const struct shlex_result *res, const struct shlex_cmd *c, const char **out,
	      int max);
/* Files a command reads: arguments and < redirections. */
const char *rb_reads(const struct shlex_result *res, const struct shlex_cmd *c,
		     const char *const *patterns);
/* Does the command, or anything feeding it through a pipe, read a matching path? */
const char *rb_upstream_reads(const struct shlex_result *res, const struct shlex_cmd *c,
			      const char *const *patterns);
bool rb_upstream_prog(const struct shlex_result *res, const struct shlex_cmd *c,
		      const char *const *progs);

extern const char *const rb_secret_paths[];
extern const char *const rb_persist_paths[];
extern const char *const rb_priv_paths[];
extern const char *const rb_log_paths[];
extern const char *const rb_devices[];
extern const char *const rb_system_dirs[];
extern const char *const rb_temp_dirs[];
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
void rb_exec_evasion(struct rb_ctx *x, const struct shlex_cmd *c);
void rb_exec_script(struct rb_ctx *x);

#endif
