/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `sevorix doctor`, language models: is libllama there and of the pinned
 * release, and would each model juror of the configured jury work?
 *
 * Each check does what the jury does at start, short of serving: the
 * runtime is opened and its version checked (llama_rt.c), a gguf model is
 * loaded (memory-mapped, not evaluated, so even a 7B model costs a second
 * or two), and a model server is asked whether it is ready (the GET its
 * kind of server answers with 200 when it is: llama-server's /health,
 * Ollama's /api/version, /v1/models of an OpenAI-compatible one). Nothing
 * is kept.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jury/jury.h"
#include "jury/jury_doctor.h"
#include "jury/kinds.h"
#include "jury/models/http_client.h"
#include "jury/models/llama_rt.h"
#include "jury/models/models.h"

#define DOCTOR_SERVER_TIMEOUT_MS 2000

static void row(FILE *out, const char *what, bool good, const char *text)
{
	fprintf(out, "  %-26s %-4s %s\n", what, good ? "yes" : "no", text);
}

/* The runtime a juror names (library NULL: the default one). */
static bool runtime(FILE *out, const char *library)
{
	const struct llama_rt *rt;
	char err[512], text[640];

	rt = llama_rt_open(library, err, sizeof(err));
	if (rt)
		snprintf(text, sizeof(text), "llama.cpp %s (ggml %s), as built for: %s",
			 rt->ggml_commit(), rt->ggml_version(),
			 library ? library
			 : getenv("SEVORIX_LLAMA_LIB") && *getenv("SEVORIX_LLAMA_LIB")
				 ? getenv("SEVORIX_LLAMA_LIB")
				 : LLAMA_RT_DEFAULT_LIB);
	row(out, "libllama", rt, rt ? text : err);
	return rt;
}

/* A model server says it is ready. */
static bool server(FILE *out, const struct juror_config *jc)
{
	const char *path = !strcmp(jc->kind, "llama-server") ? "/health"
			   : !strcmp(jc->kind, "ollama")     ? "/api/version"
							     : "/v1/models";
	char what[64], text[512], *resp = NULL;
	long status = 0;
	int r;

	r = http_client_post(jc->endpoint, path, NULL, 0, DOCTOR_SERVER_TIMEOUT_MS, &resp, &status);
	free(resp);
	snprintf(what, sizeof(what), "%.18s (%s)", jc->name, jc->kind);
	if (r)
		snprintf(text, sizeof(text), "%s: no answer: %s", jc->endpoint, strerror(-r));
	else
		snprintf(text, sizeof(text), "%s: GET %s: HTTP %ld%s", jc->endpoint, path, status,
			 status == 200 ? ", ready" : "");
	row(out, what, !r && status == 200, text);
	return !r && status == 200;
}

int jury_doctor(FILE *out, const char *config)
{
	struct jury_config *cfg;
	char err[512], what[64];
	const char *lib_seen = NULL;
	int bad = 0, nmodels = 0;
	bool lib_ok = false;
	size_t i;

	if (jury_config_load(config, &cfg, err, sizeof(err))) {
		fprintf(out, "\nLanguage-model jurors:\n");
		row(out, "jury configuration", false, err);
		return 1;
	}
	http_client_init();
	fprintf(out, "\nLanguage-model jurors (jury: %s):\n", cfg->path);
	for (i = 0; i < cfg->njurors; i++) {
		const struct juror_config *jc = &cfg->jurors[i];

		if (!juror_is_model(jc))
			continue;
		nmodels++;
		if (jc->endpoint) {
			bad += !server(out, jc);
			continue;
		}
		/* One runtime line per library named. */
		if (!lib_seen || strcmp(lib_seen, jc->library ? jc->library : "")) {
			lib_seen = jc->library ? jc->library : "";
			lib_ok = runtime(out, jc->library);
		}
		snprintf(what, sizeof(what), "%.18s (%s)", jc->name, jc->kind);
		if (!lib_ok) {
			row(out, what, false, "no usable llama.cpp runtime");
		} else if (gguf_check(jc, err, sizeof(err))) {
			row(out, what, false, err);
		} else {
			row(out, what, true, jc->model);
			continue;
		}
		bad++;
	}
	if (!nmodels) {
		runtime(out, NULL);
		fprintf(out, "  (the jury has no language-model jurors)\n");
	}
	jury_config_free(cfg);
	return bad;
}
