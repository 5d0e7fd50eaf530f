/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The model-server jurors (models.h).
 *
 * llama.cpp's llama-server is asked for the verdict alone: the prompt of
 * the in-process juror (prompt.c: role, policy, labelled examples, then
 * the action ending with "Verdict:"), one token to predict under a
 * grammar that admits only " allow" and " deny", and the probabilities
 * of the candidates after the grammar (post_sampling_probs), whose
 * larger side is the verdict and its share the confidence. One forward
 * pass over the action's tokens (the server keeps the prefix), no
 * generation: a fraction of what writing a JSON object token by token
 * cost. Ollama and OpenAI-compatible servers cannot be asked for token
 * probabilities under a grammar, so they still write the verdict object
 * (a JSON schema for Ollama, JSON mode for OpenAI), which is parsed
 * strictly.
 *
 * The model's answer is untrusted: a verdict object that is not exactly
 * one, an unknown verdict, a reply cut off at the token limit, candidates
 * that are neither answer -- each is an error vote, which the jury counts
 * as a deny unless the juror is advisory.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jury/models/http_client.h"
#include "jury/models/models.h"
#include "jury/models/prompt.h"

#define ADAPTER_MAX_TOKENS 160

enum dialect {
	DIALECT_LLAMA,
	DIALECT_OLLAMA,
	DIALECT_OPENAI,
};

struct juror {
	enum dialect dialect;
	char *name;
	char *endpoint;
	char *model;
	char *system;
	int deadline_ms;
};

/* The one token llama-server may predict: the first token of either answer. */
const char adapter_grammar[] = "root ::= \" allow\" | \" deny\"\n";
#define ADAPTER_PROBS 16

static const char *dialect_path[] = {
	[DIALECT_LLAMA] = "/completion",
	[DIALECT_OLLAMA] = "/api/generate",
	[DIALECT_OPENAI] = "/v1/chat/completions",
};

/* Parses text as exactly one JSON value, white space around it allowed. */
static json_object *json_strict(const char *text)
{
	json_tokener *tok = json_tokener_new();
	size_t len = strlen(text), end;
	json_object *o;

	if (!tok)
		return NULL;
	o = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (json_tokener_get_error(tok) != json_tokener_success)
		end = 0;
	json_tokener_free(tok);
	while (end && end < len && strchr(" \t\r\n", text[end]))
		end++;
	if (o && end != len) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

int adapter_parse_verdict(const char *text, struct vote *v)
{
	json_object *o, *f;
	const char *verdict, *reason = "";
	double conf = 0.75;
	int ret = -EBADMSG;

	o = json_strict(text);
	if (!o || !json_object_is_type(o, json_type_object))
		goto out;
	if (!json_object_object_get_ex(o, "verdict", &f) ||
	    !json_object_is_type(f, json_type_string))
		goto out;
	verdict = json_object_get_string(f);
	if (json_object_object_get_ex(o, "confidence", &f)) {
		if (!json_object_is_type(f, json_type_double) &&
		    !json_object_is_type(f, json_type_int))
			goto out;
		conf = json_object_get_double(f);
		if (!(conf >= 0 && conf <= 1))
			goto out;
	}
	if (json_object_object_get_ex(o, "reason", &f) && json_object_is_type(f, json_type_string))
		reason = json_object_get_string(f);
	if (!strcmp(verdict, "allow"))
		vote_set(v, VOTE_ALLOW, conf, "%s", reason);
	else if (!strcmp(verdict, "deny"))
		vote_set(v, VOTE_DENY, conf, "%s", reason);
	else
		goto out;
	ret = 0;
out:
	json_object_put(o);
	return ret;
}

/*
 * One token under the grammar, with the probabilities of the candidates
 * after it: no truncation of the distribution (top_k 0, top_p 1, min_p 0,
 * temperature 1), so they are the model's own shares of the two answers.
 */
static json_object *build_llama(const struct juror *j, const char *action)
{
	json_object *o = json_object_new_object();
	char *prompt = NULL;

	if (!o || asprintf(&prompt, "%s%s", j->system, action) < 0) {
		json_object_put(o);
		return NULL;
	}
	json_object_object_add(o, "prompt", json_object_new_string(prompt));
	json_object_object_add(o, "grammar", json_object_new_string(adapter_grammar));
	json_object_object_add(o, "n_predict", json_object_new_int(1));
	json_object_object_add(o, "n_probs", json_object_new_int(ADAPTER_PROBS));
	json_object_object_add(o, "post_sampling_probs", json_object_new_boolean(1));
	json_object_object_add(o, "temperature", json_object_new_double(1));
	json_object_object_add(o, "top_k", json_object_new_int(0));
	json_object_object_add(o, "top_p", json_object_new_double(1));
	json_object_object_add(o, "min_p", json_object_new_double(0));
	json_object_object_add(o, "cache_prompt", json_object_new_boolean(1));
	free(prompt);
	return o;
}

/* Which answer a candidate token starts: 0 allow, 1 deny, -1 neither or both. */
static int verdict_side(const char *tok)
{
	bool allow, deny;

	if (!tok || !*tok)
		return -1;
	allow = !strncmp(" allow", tok, strlen(tok));
	deny = !strncmp(" deny", tok, strlen(tok));
	return allow == deny ? -1 : deny;
}

/*
 * The verdict from llama-server's candidates for the one token: each
 * candidate is the start of " allow" or of " deny" (a token that starts
 * both counts for neither); the side with the larger share wins, with
 * that share as the confidence. The server samples first without the
 * grammar and applies it only when that token does not fit it; when it
 * fits, the candidates are the model's unconstrained ones, which may not
 * name an answer among the first ADAPTER_PROBS: the sampled token (it
 * fits) is counted too, and when the full list names one side only, the
 * confidence counts the other side at the last candidate's probability
 * (a bound: it is not overstated, and never below 0.5). Returns 0,
 * -EBADMSG for a malformed reply, or -EAGAIN when no candidate starts one
 * answer only (asking again samples anew).
 */
static int llama_verdict(json_object *reply, struct vote *v)
{
	json_object *cp, *first, *top, *e, *f;
	double mass[2] = { 0, 0 }, total, conf;
	const char *chosen = NULL;
	bool chosen_seen = false;
	size_t n;
	int side;

	if (!json_object_object_get_ex(reply, "completion_probabilities", &cp) ||
	    !json_object_is_type(cp, json_type_array) || !json_object_array_length(cp) ||
	    !(first = json_object_array_get_idx(cp, 0)) ||
	    !json_object_object_get_ex(first, "top_probs", &top) ||
	    !json_object_is_type(top, json_type_array))
		return -EBADMSG;
	if (json_object_object_get_ex(first, "token", &f))
		chosen = json_object_get_string(f);
	n = json_object_array_length(top);
	for (size_t i = 0; i <= n && i <= ADAPTER_PROBS; i++) {
		const char *tok;
		double p;

		/* past the list: the sampled token, when the list lacks it */
		e = i < n && i < ADAPTER_PROBS ? json_object_array_get_idx(top, i) :
		    chosen_seen		       ? NULL :
						 first;
		if (!e || !json_object_object_get_ex(e, "token", &f) ||
		    !(tok = json_object_get_string(f)) || !json_object_object_get_ex(e, "prob", &f))
			continue;
		p = json_object_get_double(f);
		if (!(p >= 0 && p <= 1))
			return -EBADMSG;
		if (chosen && e != first && !strcmp(tok, chosen))
			chosen_seen = true;
		if ((side = verdict_side(tok)) >= 0)
			mass[side] += p;
		if (e == first)
			break;
	}
	if (!(mass[0] + mass[1] > 0))
		return -EAGAIN;
	side = mass[1] > mass[0];
	total = mass[0] + mass[1];
	/* a full list that names one side only: each token of the other side
	 * is below its last candidate, which bounds them */
	if (n >= ADAPTER_PROBS && !mass[!side] &&
	    (e = json_object_array_get_idx(top, ADAPTER_PROBS - 1)) &&
	    json_object_object_get_ex(e, "prob", &f))
		total += json_object_get_double(f);
	conf = mass[side] / total < 0.5 ? 0.5 : mass[side] / total;
	vote_set(v, side ? VOTE_DENY : VOTE_ALLOW, conf, "model says %s (p=%.3f)",
		 side ? "deny" : "allow", conf);
	return 0;
}

/* The JSON schema of the verdict object, for Ollama's format. */
static json_object *verdict_schema(void)
{
	return json_tokener_parse(
		"{\"type\":\"object\",\"properties\":{"
		"\"verdict\":{\"type\":\"string\",\"enum\":[\"allow\",\"deny\"]},"
		"\"confidence\":{\"type\":\"number\",\"minimum\":0,\"maximum\":1},"
		"\"reason\":{\"type\":\"string\"}},"
		"\"required\":[\"verdict\",\"confidence\",\"reason\"]}");
}

static json_object *build_ollama(const struct juror *j, const char *action)
{
	json_object *o = json_object_new_object(), *opt = json_object_new_object();

	if (!o || !opt) {
		json_object_put(o);
		json_object_put(opt);
		return NULL;
	}
	json_object_object_add(o, "model", json_object_new_string(j->model ? j->model : ""));
	json_object_object_add(o, "system", json_object_new_string(j->system));
	json_object_object_add(o, "prompt", json_object_new_string(action));
	json_object_object_add(o, "stream", json_object_new_boolean(0));
	json_object_object_add(o, "format", verdict_schema());
	json_object_object_add(opt, "temperature", json_object_new_double(0));
	json_object_object_add(opt, "num_predict", json_object_new_int(ADAPTER_MAX_TOKENS));
	json_object_object_add(o, "options", opt);
	return o;
}

static json_object *message(const char *role, const char *content)
{
	json_object *m = json_object_new_object();

	if (m) {
		json_object_object_add(m, "role", json_object_new_string(role));
		json_object_object_add(m, "content", json_object_new_string(content));
	}
	return m;
}

static json_object *build_openai(const struct juror *j, const char *action)
{
	json_object *o = json_object_new_object(), *msgs = json_object_new_array();
	json_object *fmt = json_object_new_object();

	if (!o || !msgs || !fmt) {
		json_object_put(o);
		json_object_put(msgs);
		json_object_put(fmt);
		return NULL;
	}
	json_object_object_add(o, "model", json_object_new_string(j->model ? j->model : ""));
	json_object_array_add(msgs, message("system", j->system));
	json_object_array_add(msgs, message("user", action));
	json_object_object_add(o, "messages", msgs);
	json_object_object_add(o, "temperature", json_object_new_double(0));
	json_object_object_add(o, "max_tokens", json_object_new_int(ADAPTER_MAX_TOKENS));
	json_object_object_add(fmt, "type", json_object_new_string("json_object"));
	json_object_object_add(o, "response_format", fmt);
	return o;
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *f;

	if (!o || !json_object_object_get_ex(o, key, &f) ||
	    !json_object_is_type(f, json_type_string))
		return NULL;
	return json_object_get_string(f);
}

static bool get_true(json_object *o, const char *key)
{
	json_object *f;

	return o && json_object_object_get_ex(o, key, &f) && json_object_get_boolean(f);
}

/* The model's text out of a reply; NULL when missing or cut off. *why says which. */
static const char *answer_text(enum dialect d, json_object *reply, const char **why)
{
	json_object *choices, *c0 = NULL, *msg = NULL;
	const char *fin;

	*why = "the reply has no answer text";
	if (d == DIALECT_OLLAMA) {
		fin = get_str(reply, "done_reason");
		if (!get_true(reply, "done"))
			return *why = "the answer is incomplete", NULL;
		if (fin && strcmp(fin, "stop"))
			return *why = "the answer was cut off at the token limit", NULL;
		return get_str(reply, "response");
	}
	if (json_object_object_get_ex(reply, "choices", &choices) &&
	    json_object_is_type(choices, json_type_array))
		c0 = json_object_array_get_idx(choices, 0);
	fin = get_str(c0, "finish_reason");
	if (fin && strcmp(fin, "stop"))
		return *why = "the answer was cut off at the token limit", NULL;
	if (c0)
		json_object_object_get_ex(c0, "message", &msg);
	return get_str(msg, "content");
}

/*
 * Interprets one HTTP reply into v; every failure is an error vote.
 * Returns -EAGAIN when llama-server's candidates named no answer (v is
 * then that error vote, and asking again may give one).
 */
static int judge_reply(const struct juror *j, long status, const char *body, struct vote *v)
{
	json_object *reply;
	const char *text, *why;
	int ret = 0;

	if (status != 200) {
		vote_set(v, VOTE_ERROR, 1, "%s: HTTP %ld", j->name, status);
		return 0;
	}
	reply = json_strict(body);
	if (reply && j->dialect == DIALECT_LLAMA) {
		if ((ret = llama_verdict(reply, v)))
			vote_set(v, VOTE_ERROR, 1, "%s: the model's candidates are not a verdict",
				 j->name);
		json_object_put(reply);
		return ret == -EAGAIN ? ret : 0;
	}
	text = reply ? answer_text(j->dialect, reply, &why) : (why = "the reply is not JSON", NULL);
	if (!text)
		vote_set(v, VOTE_ERROR, 1, "%s: %s", j->name, why);
	else if (adapter_parse_verdict(text, v))
		vote_set(v, VOTE_ERROR, 1, "%s: the model's answer is not a verdict", j->name);
	json_object_put(reply);
	return 0;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int adapter_vote(struct juror *j, const struct review *r, struct vote *v)
{
	char *action = j->dialect == DIALECT_LLAMA ? prompt_action(r, "\nVerdict:") :
						     prompt_question(r);
	int64_t start = mono_ms();
	char *resp = NULL;
	json_object *req = NULL;
	const char *body;
	long status;
	size_t len;
	int ret;

	if (!action)
		return -ENOMEM;
	req = j->dialect == DIALECT_LLAMA	 ? build_llama(j, action)
	      : j->dialect == DIALECT_OLLAMA ? build_ollama(j, action)
					 : build_openai(j, action);
	ret = -ENOMEM;
	if (!req)
		goto out;
	body = json_object_to_json_string_length(
		req, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	/* at most twice: once more when the candidates named no answer */
	for (int tries = 0; tries < 2; tries++) {
		int left = j->deadline_ms - (int)(mono_ms() - start);

		free(resp);
		resp = NULL;
		if (left <= 0)
			break;
		ret = http_client_post(j->endpoint, dialect_path[j->dialect], body, len, left,
				       &resp, &status);
		if (ret == -ETIMEDOUT)
			vote_set(v, VOTE_ERROR, 1, "%s: no answer within %d ms", j->name,
				 j->deadline_ms);
		else if (ret)
			vote_set(v, VOTE_ERROR, 1, "%s: request failed: %s", j->name,
				 strerror(-ret));
		else if (judge_reply(j, status, resp, v) == -EAGAIN)
			continue;
		break;
	}
	ret = 0;
out:
	json_object_put(req);
	free(resp);
	free(action);
	return ret;
}

static void adapter_close(struct juror *j)
{
	if (!j)
		return;
	free(j->name);
	free(j->endpoint);
	free(j->model);
	free(j->system);
	free(j);
}

static int adapter_open(enum dialect d, const struct juror_config *cfg, struct juror **ret,
			char *err, size_t errlen)
{
	struct juror *j;

	*ret = NULL;
	if (!cfg->endpoint ||
	    (strncmp(cfg->endpoint, "unix:///", 8) && strncmp(cfg->endpoint, "http://", 7) &&
	     strncmp(cfg->endpoint, "https://", 8))) {
		snprintf(err, errlen, "%s needs an endpoint: http://, https:// or unix:///path",
			 cfg->name);
		return -EINVAL;
	}
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->dialect = d;
	j->deadline_ms = cfg->deadline_ms > 0 ? cfg->deadline_ms : 250;
	j->name = strdup(cfg->name ? cfg->name : cfg->kind);
	j->endpoint = strdup(cfg->endpoint);
	j->model = cfg->model ? strdup(cfg->model) : NULL;
	j->system = d == DIALECT_LLAMA ? prompt_prefix(cfg->role, cfg->prompt) :
					 prompt_system(cfg->role, cfg->prompt, PROMPT_JSON);
	if (!j->name || !j->endpoint || !j->system || (cfg->model && !j->model)) {
		adapter_close(j);
		return -ENOMEM;
	}
	*ret = j;
	return 0;
}

static int llama_open(const struct juror_config *cfg, struct juror **ret, char *err, size_t n)
{
	return adapter_open(DIALECT_LLAMA, cfg, ret, err, n);
}

static int ollama_open(const struct juror_config *cfg, struct juror **ret, char *err, size_t n)
{
	return adapter_open(DIALECT_OLLAMA, cfg, ret, err, n);
}

static int openai_open(const struct juror_config *cfg, struct juror **ret, char *err, size_t n)
{
	return adapter_open(DIALECT_OPENAI, cfg, ret, err, n);
}

const struct juror_ops juror_llama_ops = {
	.model = true,
	.kind = "llama-server",
	.open = llama_open,
	.vote = adapter_vote,
	.close = adapter_close,
};

const struct juror_ops juror_ollama_ops = {
	.model = true,
	.kind = "ollama",
	.open = ollama_open,
	.vote = adapter_vote,
	.close = adapter_close,
};

const struct juror_ops juror_openai_ops = {
	.model = true,
	.kind = "openai",
	.open = openai_open,
	.vote = adapter_vote,
	.close = adapter_close,
};
