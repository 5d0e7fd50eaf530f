/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Features for the statistical jurors, shared by the jurors and by the
 * trainer (tools/jury_train.c) so that a model sees at vote time exactly
 * the features it was trained on.
 *
 * Two families, one per juror, so that their errors differ:
 *  - features_chars(): hashed character 3..5-grams and whitespace tokens
 *    of the normalized flat text (source plus decoded payloads), counted
 *    (multinomial): the n-gram juror's naive Bayes.
 *  - features_tokens(): hashed binary features of the parsed structure:
 *    program names, program+argument pairs, pipeline and sequence edges,
 *    redirection targets, path classes, identifiers inside inline code,
 *    and how the command was reached (sudo, decoded, nested): the
 *    logistic-regression juror.
 * Normalization lowercases and collapses digit runs and long base64-like
 * blobs, so that addresses, ports and payloads generalize.
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
int features_chars(const char *text, size_t len, uint32_t *out, int max);
/* Fills out[] with distinct-ish feature indices; returns how many. */
int features_tokens(const struct shlex_result *res, uint32_t *out, int max);
/* Normalizes text into out (NUL-terminated); returns the length. */
size_t features_normalize(const char *in, size_t n, char *out, size_t outlen);
uint32_t features_hash(const char *s, size_t n, uint32_t seed);

#endif
