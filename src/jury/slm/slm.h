/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The in-process language-model jurors (src/jury/slm/): their kinds, and
 * the prompt they share (prompt.c).
 *
 * A prompt has two parts. The prefix (role, policy summary, few-shot
 * examples) is the same for every review and is evaluated once per model;
 * the action (slm_describe) follows it and ends with a cue after which the
 * model's next token is the verdict.
 */
#ifndef SEVORIX_SLM_H
#define SEVORIX_SLM_H

#include "jury/jurors/juror.h"

extern const struct juror_ops juror_gguf_ops;

/* For `sevorix doctor`: opens the runtime and loads cfg's model (memory-
 * mapped, nothing evaluated), then frees both. Returns 0, or -errno with
 * the reason in err, worded as a gguf juror's open error. */
int slm_gguf_check(const struct juror_config *cfg, char *err, size_t errlen);

/* The fixed prompt: "You are <role>." and the prompt from the
 * configuration (NULL: the built-in ones), then the examples. Returns a malloc'd string or NULL. */
char *slm_prefix(const char *role, const char *prompt);

/* The action in the examples' format, to follow the prefix's final
 * "Action:", ending with cue. Returns a malloc'd
 * string or NULL. Strings from the request are cut to a bounded length. */
char *slm_describe(const struct review *r, const char *cue);

#endif
