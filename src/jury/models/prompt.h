/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The prompt of the in-process model jurors (prompt.c).
 *
 * A prompt has two parts. The prefix (role, policy summary, few-shot
 * examples) is the same for every review and is evaluated once per model;
 * the action (prompt_action) follows it and ends with a cue after which the
 * model's next token is the verdict.
 */
#ifndef SEVORIX_JURY_PROMPT_H
#define SEVORIX_JURY_PROMPT_H

#include "review/review.h"

/* The fixed prompt: "You are <role>." and the prompt from the
 * configuration (NULL: the built-in ones), then the examples. Returns a malloc'd string or NULL. */
char *prompt_prefix(const char *role, const char *prompt);

/* The action in the examples' format, to follow the prefix's final
 * "Action:", ending with cue. Returns a malloc'd
 * string or NULL. Strings from the request are cut to a bounded length. */
char *prompt_action(const struct review *r, const char *cue);

#endif
