/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Jurors that ask a language model served over HTTP (jury_slm.c):
 *
 *   kind          server                     request
 *   llama-server  llama.cpp's llama-server   POST /completion, GBNF grammar
 *   ollama        Ollama                     POST /api/generate, format = schema
 *   openai        OpenAI-compatible          POST /v1/chat/completions, JSON mode
 *
 * Each asks the model for one JSON object
 * {"verdict":"allow"|"deny","confidence":0..1,"reason":"..."}. A timeout,
 * an HTTP error, a truncated answer, or an answer that is not exactly that
 * object is an error vote.
 */
#ifndef SEVORIX_JURY_SLM_H
#define SEVORIX_JURY_SLM_H

#include "jury/jurors/juror.h"

extern const struct juror_ops juror_llama_ops;
extern const struct juror_ops juror_ollama_ops;
extern const struct juror_ops juror_openai_ops;

/* The GBNF grammar sent to llama-server; exported for the tests. */
extern const char jury_slm_grammar[];

/* Parses a model's answer text into v. Returns 0, or -EBADMSG when the text
 * is not exactly the verdict object. */
int jury_slm_parse_verdict(const char *text, struct vote *v);

#endif
