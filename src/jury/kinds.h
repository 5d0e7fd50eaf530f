/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The table of juror kinds (kinds.c): every kind a jury.yaml may name,
 * from the built-in jurors (jurors/) to the language-model ones (models/)
 * and the person (human.c).
 */
#ifndef SEVORIX_JURY_KINDS_H
#define SEVORIX_JURY_KINDS_H

#include <stdbool.h>

#include "jury/jurors/juror.h"

/* Every juror kind; NULL-terminated. */
extern const struct juror_ops *const juror_kinds[];

/* The kind named kind, or NULL. */
const struct juror_ops *juror_find(const char *kind);
/* True when the configured juror's kind asks a language model. */
bool juror_is_model(const struct juror_config *cfg);
/* True when it asks a language model or a person: the tiered rule's second tier. */
bool juror_is_slow(const struct juror_config *cfg);

#endif
