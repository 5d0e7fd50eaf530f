/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The built-in jurors: four methods that are meant to err in different
 * places, so that the jury's consensus covers one juror's blind spot with
 * another's method.
 *
 *   rulebook   deterministic patterns over a real shell tokenizer (src/shell/)
 *   ngram      multinomial naive Bayes over word n-grams of what a command does
 *   logreg     logistic regression over crosses of kind, privilege, places and flows
 *   grounding  checks the action against the agent's real filesystem view
 *
 * The two statistical jurors load model files that the build trains from
 * the project's template corpus and the real corpus' train split
 * (tools/jury_corpus.py, jury/corpus/, tools/jury_train.c). They
 * are found in juror_config.data_dir, else $SEVORIX_JURY_DATA, else
 * build/jury, else JURORS_INSTALLED_DATA_DIR (stats/model.h). A juror whose
 * model cannot be loaded fails to open, and the jury counts it as an error
 * vote (fail closed).
 */
#ifndef SEVORIX_JURY_BUILTIN_H
#define SEVORIX_JURY_BUILTIN_H

#include "jury/jurors/juror.h"

extern const struct juror_ops juror_rulebook_ops;
extern const struct juror_ops juror_ngram_ops;
extern const struct juror_ops juror_logreg_ops;
extern const struct juror_ops juror_grounding_ops;

#endif
