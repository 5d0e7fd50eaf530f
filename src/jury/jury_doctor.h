/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The language-model part of `sevorix doctor` (cmd/doctor.c).
 */
#ifndef SEVORIX_JURY_DOCTOR_H
#define SEVORIX_JURY_DOCTOR_H

#include <stdio.h>

/*
 * Writes to out whether the llama.cpp runtime is there and of the release
 * Sevorix was built for, and, for each language-model juror of the jury
 * configured at config (NULL: the default file, else the built-in jury),
 * whether it would work: a gguf model loads, a model server answers.
 * Returns the number of model jurors that would vote error.
 */
int jury_doctor(FILE *out, const char *config);

#endif
