/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The language-model jurors: each asks a model whether the action may
 * happen, either a model server over HTTP (adapters.c) or a GGUF model run
 * by llama.cpp inside the jury (gguf.c, on the runtime of llama_rt.c).
 * Both take their prompt from prompt.c.
 *
 *   kind          model                      request
 *   llama-server  llama.cpp's llama-server   POST /completion, one token under a grammar
 *                                            of the two answers, their probabilities
 *   ollama        Ollama                     POST /api/generate, format = schema
 *   openai        OpenAI-compatible          POST /v1/chat/completions, JSON mode
 *   gguf          a GGUF file, in process    the next-token logits of the verdict
 *
 * llama-server and gguf read the verdict from the model's probabilities
 * of " allow" and " deny" after "Verdict:"; Ollama and OpenAI servers are
 * asked for one JSON object
 * {"verdict":"allow"|"deny","confidence":0..1,"reason":"..."}. A timeout,
 * an HTTP error, a truncated answer, or an answer that is not exactly that
 * object (or candidates that are neither answer) is an error vote; so are
 * a model that does not load and a decode that misses the deadline.
 */
#ifndef SEVORIX_JURY_MODELS_H
#define SEVORIX_JURY_MODELS_H

#include <stddef.h>

#include "jury/jurors/juror.h"

extern const struct juror_ops juror_llama_ops;
extern const struct juror_ops juror_ollama_ops;
extern const struct juror_ops juror_openai_ops;
extern const struct juror_ops juror_gguf_ops;

/* The GBNF grammar sent to llama-server (the two answers); exported for the tests. */
extern const char adapter_grammar[];

/* Parses a model server's answer text into v. Returns 0, or -EBADMSG when
 * the text is not exactly the verdict object. */
int adapter_parse_verdict(const char *text, struct vote *v);

/* For `sevorix doctor`: opens the runtime and loads cfg's model (memory-
 * mapped, nothing evaluated), then frees both. Returns 0, or -errno with
 * the reason in err, worded as a gguf juror's open error. */
int gguf_check(const struct juror_config *cfg, char *err, size_t errlen);

#endif
