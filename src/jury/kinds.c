/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The table of juror kinds (kinds.h).
 *
 * The built-in jurors (jurors/) and the language-model jurors (models/)
 * are listed here by kind; a configuration naming another kind is refused
 * by the config loader ("unknown juror kind"), never silently skipped.
 */
#include <string.h>

#include "jury/human.h"
#include "jury/jurors/builtin.h"
#include "jury/kinds.h"
#include "jury/models/models.h"

const struct juror_ops *const juror_kinds[] = {
	&juror_rulebook_ops,
	&juror_ngram_ops,
	&juror_logreg_ops,
	&juror_grounding_ops,
	&juror_llama_ops,
	&juror_ollama_ops,
	&juror_openai_ops,
	&juror_gguf_ops,
	&juror_human_ops,
	NULL,
};

const struct juror_ops *juror_find(const char *kind)
{
	size_t i;

	if (!kind)
		return NULL;
	for (i = 0; juror_kinds[i]; i++)
		if (!strcmp(juror_kinds[i]->kind, kind))
			return juror_kinds[i];
	return NULL;
}

bool juror_is_model(const struct juror_config *cfg)
{
	const struct juror_ops *ops = juror_find(cfg->kind);

	return ops && ops->model;
}

bool juror_is_slow(const struct juror_config *cfg)
{
	const struct juror_ops *ops = juror_find(cfg->kind);

	return ops && (ops->model || ops->person);
}
