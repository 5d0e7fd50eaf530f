/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one prompt of the language-model jurors (prompt.c).
 *
 * Every model juror tells its model the same things: who it is (the
 * role), what to decide (the configured prompt, else a built-in policy
 * summary), and the action. They differ in how the model answers. The
 * in-process juror and llama-server read the next token after "Verdict:",
 * so their prompt has two parts: a prefix (the system part and few-shot
 * examples) that is the same for every review and is evaluated once per
 * model (or kept by the server), then the action (prompt_action) ending
 * with that cue. Ollama and OpenAI servers write a JSON object, so their
 * system part asks for one, and their question carries the review's
 * history and agent as well, which a server's context holds.
 */
#ifndef SEVORIX_JURY_PROMPT_H
#define SEVORIX_JURY_PROMPT_H

#include "review/review.h"

enum prompt_answer {
	PROMPT_WORD, /* one word, allow or deny */
	PROMPT_JSON, /* the verdict object (models.h) */
};

/* "You are <role>.\n<prompt>", the built-in role for NULL, and for a NULL
 * prompt the built-in policy summary, which ends by asking for the answer
 * in form. Returns a malloc'd string or NULL. */
char *prompt_system(const char *role, const char *prompt, enum prompt_answer form);

/* The prefix of the in-process and llama-server jurors: the system part
 * (PROMPT_WORD), the examples, and a final "Action:". Returns a malloc'd
 * string or NULL. */
char *prompt_prefix(const char *role, const char *prompt);

/* The action in the examples' format, to follow the prefix's final
 * "Action:", ending with cue. Returns a malloc'd string or NULL. Strings
 * from the request are cut to a bounded length. */
char *prompt_action(const struct review *r, const char *cue);

/* A model server's question: the history ("Earlier: ..." lines, oldest
 * first) and the agent when the review has them, then "Action:" and the
 * action, ending with "\nVerdict as JSON:". Returns a malloc'd string or
 * NULL. */
char *prompt_question(const struct review *r);

#endif
