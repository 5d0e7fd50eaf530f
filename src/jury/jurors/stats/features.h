/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Features for the statistical jurors, shared by the jurors and by the
 * trainer (tools/jury_train.c) so that a model sees at vote time exactly
 * the features it was trained on.
 *
 * They describe what a command does rather than how it is spelt, so that
 * what was learnt from one source of commands carries to another: what
 * runs (the program and its kind: shell, interpreter, fetcher, editor,
 * database client, package manager ...), with which privilege (sudo, a
 * shell started from another program's code), reading or writing what
 * (paths by the place they name: credentials, persistence, privilege
 * files, logs, devices, system, temporary, hidden, the project), sending
 * where (URLs and addresses by kind: bare IP, private, loopback, cloud
 * metadata, drop services), and how data flows (pipes, decoding,
 * substitution). Names that are not places or addresses are kept as
 * normalized words (lowercase, digits collapsed), as options are.
 *
 * Two families, one per juror, so that their errors differ:
 *  - features_words(): unigrams and bigrams of each command's stream of
 *    normalized words and classes, counted (multinomial): the n-gram
 *    juror's naive Bayes.
 *  - features_tokens(): binary crosses of the parsed structure: kind with
 *    privilege, kind with each argument's class, what is written, pipe and
 *    sequence edges between kinds, identifiers of inline code: the
 *    logistic-regression juror.
 */
#ifndef SEVORIX_JURY_FEATURES_H
#define SEVORIX_JURY_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#include "shell/shlex.h"

#define FEAT_BITS 18
#define FEAT_DIM (1u << FEAT_BITS)
#define FEAT_MAX 8192

/* Fills out[] with feature indices (repeats allowed); returns how many. */
int features_words(const struct shlex_result *res, uint32_t *out, int max);
/* Fills out[] with feature indices (repeats possible, deduplicated by the caller). */
int features_tokens(const struct shlex_result *res, uint32_t *out, int max);
/* Normalizes text into out (NUL-terminated); returns the length. */
size_t features_normalize(const char *in, size_t n, char *out, size_t outlen);
uint32_t features_hash(const char *s, size_t n, uint32_t seed);

/* The kind of a program ("shell", "interp", "fetch", ...), "other" when unknown. */
const char *features_kind(const char *prog);
/*
 * The class of an argument word: "<secret>", "<persist>", "<url-ip>",
 * "<tmp-hidden>" ... for places and addresses; NULL for a plain word,
 * which the caller normalizes itself.
 */
const char *features_class(const char *word);

#endif
