/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for what a model server answers (src/jury/models/
 * adapters.c): the reply body is judged as each of the three dialects
 * would (llama-server, Ollama, OpenAI-compatible), and the text alone as
 * the verdict object. Whatever comes back, the vote is allow or deny with
 * a confidence in [0, 1], or an error with a reason; never anything else.
 *
 * The reply is judged by the adapter's own static function, so the file
 * is included here rather than linked: it is the code under test.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../../src/jury/models/adapters.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct vote *v)
{
	if (v->verdict != VOTE_ALLOW && v->verdict != VOTE_DENY && v->verdict != VOTE_ERROR)
		abort();
	if (v->verdict != VOTE_ERROR && !(v->confidence >= 0 && v->confidence <= 1))
		abort();
	if (v->verdict == VOTE_ERROR && !v->reason[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum dialect dialects[] = { DIALECT_LLAMA, DIALECT_OLLAMA, DIALECT_OPENAI };
	char *body;

	if (size > 65536)
		return 0;
	body = malloc(size + 1);
	if (!body)
		return 0;
	memcpy(body, data, size);
	body[size] = 0;
	for (size_t i = 0; i < 3; i++) {
		struct juror j = { .dialect = dialects[i], .name = "fuzz" };
		struct vote v = { 0 };

		judge_reply(&j, 200, body, &v);
		check(&v);
	}
	{
		struct vote v = { 0 };

		if (adapter_parse_verdict(body, &v) == 0)
			check(&v);
	}
	free(body);
	return 0;
}
