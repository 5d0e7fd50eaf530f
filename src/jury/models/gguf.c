/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The in-process language-model juror, kind "gguf": a GGUF model run by
 * llama.cpp (opened at run time, llama_rt.c) inside the jury's process.
 *
 * The model is never asked to write. The prompt ends in "Verdict:", and
 * the vote is read from the next-token logits of the two answer tokens
 * (" allow" and " deny", or the nearest single tokens the vocabulary has):
 * the verdict is the larger, the confidence their softmax. There is no
 * free text to parse, so no answer can be off-grammar.
 *
 * The fixed part of the prompt (role, policy summary, few-shot examples)
 * is evaluated once at open and stays in the KV cache of sequence 0 at
 * positions [0, nprefix). A review removes whatever followed the prefix
 * (llama_memory_seq_rm) and evaluates only the action's tokens after it,
 * so its cost is the action's length, not the prompt's.
 *
 * Thread-safety: one llama_context, and so one KV cache, per juror; vote()
 * holds the juror's mutex for the whole evaluation, so concurrent reviews
 * are served one after another by each model (a second model juror runs in
 * parallel with the first). The time spent waiting for the mutex counts
 * against the review's deadline.
 *
 * Fail closed: a model that does not load, a deadline passed (the decode is
 * aborted through llama.cpp's abort callback), a failed decode and logits
 * that are not finite are all error votes, which deny unless the juror is
 * advisory.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jury/jurors/juror.h"
#include "jury/models/models.h"
#include "jury/models/prompt.h"
#include "jury/models/llama_rt.h"

#define GGUF_DEFAULT_CTX 1024
#define GGUF_DEFAULT_DEADLINE_MS 250

struct juror {
	const struct llama_rt *rt;
	struct llama_model *model;
	struct llama_context *ctx;
	const struct llama_vocab *vocab;
	pthread_mutex_t lock; /* serializes use of ctx and its KV cache */
	llama_token allow, deny;
	llama_token *prefix;
	int nprefix;
	int nctx;
	int deadline_ms;
	bool reuse_prefix;	/* false only for benchmarks: re-evaluate it per review */
	struct timespec until;	/* deadline of the decode in progress; under lock */
};

static bool gguf_abort(void *data)
{
	struct juror *j = data;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > j->until.tv_sec ||
	       (now.tv_sec == j->until.tv_sec && now.tv_nsec >= j->until.tv_nsec);
}

/* Tokenizes text into a malloc'd array. Returns the count or -errno. */
static int tokenize(const struct juror *j, const char *text, bool add_special, llama_token **out)
{
	int32_t len = (int32_t)strlen(text), n = len + 8, got;
	llama_token *t = malloc(sizeof(*t) * (size_t)n);

	if (!t)
		return -ENOMEM;
	got = j->rt->llama_tokenize(j->vocab, text, len, t, n, add_special, false);
	if (got < 0) {
		free(t);
		return -EINVAL;
	}
	*out = t;
	return got;
}

/*
 * The token a model would write first for the answer word: a single token
 * for " word" or "word" when the vocabulary has one, else the first token
 * of " word". Returns 0 or -errno.
 */
static int answer_token(const struct juror *j, const char *word, llama_token *out)
{
	char buf[32];
	const char *cands[2] = { buf, word };
	llama_token *t = NULL;
	int i, n, first = -1;

	snprintf(buf, sizeof(buf), " %s", word);
	for (i = 0; i < 2; i++) {
		n = tokenize(j, cands[i], false, &t);
		if (n < 0)
			return n;
		if (n >= 1 && first < 0)
			first = t[0];
		if (n == 1) {
			*out = t[0];
			free(t);
			return 0;
		}
		free(t);
	}
	if (first < 0)
		return -EINVAL;
	*out = first;
	return 0;
}

/* Evaluates tokens after what the cache holds. Returns 0, -ETIMEDOUT or -EIO. */
static int decode(struct juror *j, llama_token *tok, int n)
{
	int32_t r = j->rt->llama_decode(j->ctx, j->rt->llama_batch_get_one(tok, n));

	if (r == 2)
		return -ETIMEDOUT; /* aborted by gguf_abort */
	return r ? -EIO : 0;
}

/* Puts the KV cache back to exactly the prefix. Returns 0 or -errno. */
static int restore_prefix(struct juror *j)
{
	llama_memory_t mem = j->rt->llama_get_memory(j->ctx);

	if (j->reuse_prefix && j->rt->llama_memory_seq_rm(mem, 0, j->nprefix, -1) &&
	    j->rt->llama_memory_seq_pos_max(mem, 0) == j->nprefix - 1)
		return 0;
	/* Not reusable (first use, an aborted decode, or a benchmark without
	 * the cache): evaluate the prefix again. */
	j->rt->llama_memory_clear(mem, true);
	return decode(j, j->prefix, j->nprefix);
}

/* Sets the decode deadline to ms after from. */
static void set_deadline(struct juror *j, const struct timespec *from, int ms)
{
	j->until = *from;
	j->until.tv_sec += ms / 1000;
	j->until.tv_nsec += (long)(ms % 1000) * 1000000;
	if (j->until.tv_nsec >= 1000000000) {
		j->until.tv_sec++;
		j->until.tv_nsec -= 1000000000;
	}
}

/* Reads the verdict from the logits of the last evaluated token, the last
 * of ntok evaluated for the action. */
static void read_vote(struct juror *j, int ntok, struct vote *v)
{
	const float *logits = j->rt->llama_get_logits_ith(j->ctx, -1);
	double la, ld, p;

	if (!logits) {
		vote_set(v, VOTE_ERROR, 1, "model returned no logits");
		return;
	}
	la = logits[j->allow];
	ld = logits[j->deny];
	if (!isfinite(la) || !isfinite(ld)) {
		vote_set(v, VOTE_ERROR, 1, "model logits are not finite (allow %g, deny %g)", la,
			 ld);
		return;
	}
	p = 1.0 / (1.0 + exp(ld - la)); /* softmax over the two answers */
	if (p >= 0.5)
		vote_set(v, VOTE_ALLOW, p, "model says allow (p=%.3f, %d tokens)", p, ntok);
	else
		vote_set(v, VOTE_DENY, 1 - p, "model says deny (p=%.3f, %d tokens)", 1 - p, ntok);
}

static int gguf_vote(struct juror *j, const struct review *r, struct vote *v)
{
	struct timespec start;
	llama_token *tok = NULL;
	char *text = prompt_action(r, "\nVerdict:");
	int n, room, ret;

	if (!text)
		return -ENOMEM;
	clock_gettime(CLOCK_MONOTONIC, &start);
	n = tokenize(j, text, false, &tok);
	free(text);
	if (n < 0)
		return n;
	pthread_mutex_lock(&j->lock);
	/* The deadline runs from the call, not from getting the model. */
	set_deadline(j, &start, j->deadline_ms);
	/* An action the context cannot hold whole is not judged from a part
	 * of it (padding would push the dangerous part out of view): it is an
	 * error vote, fail closed. A larger ctx lets the model see it. */
	room = j->nctx - j->nprefix;
	if (n > room)
		ret = -E2BIG;
	else
		ret = gguf_abort(j) ? -ETIMEDOUT : restore_prefix(j);
	if (!ret)
		ret = n > 0 ? decode(j, tok, n) : -EINVAL;
	if (!ret)
		read_vote(j, n, v);
	pthread_mutex_unlock(&j->lock);
	free(tok);
	if (ret == -ETIMEDOUT)
		vote_set(v, VOTE_ERROR, 1, "no verdict within %d ms", j->deadline_ms);
	else if (ret == -E2BIG)
		vote_set(v, VOTE_ERROR, 1, "action of %d tokens does not fit the context (%d left)",
			 n, room);
	else if (ret)
		vote_set(v, VOTE_ERROR, 1, "model evaluation failed: %s", strerror(-ret));
	return 0;
}

static void gguf_close(struct juror *j)
{
	if (!j)
		return;
	if (j->ctx)
		j->rt->llama_free(j->ctx);
	if (j->model)
		j->rt->llama_model_free(j->model);
	pthread_mutex_destroy(&j->lock);
	free(j->prefix);
	free(j);
}

/*
 * One CPU fewer than the machine has, 1 to 4. llama.cpp's threads meet at a
 * spinning barrier after every operation of the graph, so when one of them
 * loses its CPU to another process (the agent's own work, typically) all
 * wait: on 2 CPUs beside a busy process, 2 threads took 0.2 to 1.9 s for
 * what 1 thread does in a steady 0.35 s (BENCHMARKS.md). Leaving a CPU free
 * trades the best case for a predictable one; `threads` overrides it.
 */
static int default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN) - 1;

	return n < 1 ? 1 : n > 4 ? 4 : (int)n;
}

/* Loads the model and creates its context. Returns 0 or -errno with err set. */
static int gguf_load(struct juror *j, const struct juror_config *cfg, char *err, size_t errlen)
{
	struct llama_model_params mp = j->rt->llama_model_default_params();
	struct llama_context_params cp = j->rt->llama_context_default_params();
	int threads = cfg->threads ? cfg->threads : default_threads();

	if (!cfg->model) {
		snprintf(err, errlen, "kind gguf needs model: /path/to/model.gguf");
		return -EINVAL;
	}
	mp.n_gpu_layers = 0;
	j->model = j->rt->llama_model_load_from_file(cfg->model, mp);
	if (!j->model) {
		snprintf(err, errlen, "%s: cannot load model: %s", cfg->model,
			 *llama_rt_last_log() ? llama_rt_last_log() : "llama.cpp refused it");
		return -EINVAL;
	}
	j->vocab = j->rt->llama_model_get_vocab(j->model);
	cp.n_ctx = (uint32_t)(cfg->ctx ? cfg->ctx : GGUF_DEFAULT_CTX);
	cp.n_batch = cp.n_ubatch = cp.n_ctx; /* the prefix is evaluated in one batch */
	cp.n_seq_max = 1;
	cp.n_threads = cp.n_threads_batch = threads;
	cp.no_perf = true;
	cp.abort_callback = gguf_abort;
	cp.abort_callback_data = j;
	j->ctx = j->rt->llama_init_from_model(j->model, cp);
	if (!j->ctx) {
		snprintf(err, errlen, "%s: cannot create a context of %u tokens: %s", cfg->model,
			 cp.n_ctx, llama_rt_last_log());
		return -ENOMEM;
	}
	j->nctx = (int)j->rt->llama_n_ctx(j->ctx);
	return 0;
}

/* Tokenizes and evaluates the fixed prompt. Returns 0 or -errno with err set. */
static int gguf_prefix(struct juror *j, const struct juror_config *cfg, char *err, size_t errlen)
{
	char *text = prompt_prefix(cfg->role, cfg->prompt);
	struct timespec now;
	int ret;

	if (!text)
		return -ENOMEM;
	j->nprefix = tokenize(j, text, true, &j->prefix);
	free(text);
	if (j->nprefix < 0) {
		snprintf(err, errlen, "%s: cannot tokenize the prompt", cfg->model);
		return j->nprefix;
	}
	if (j->nprefix + 32 > j->nctx) {
		snprintf(err, errlen, "%s: the prompt takes %d tokens, ctx is %d", cfg->model,
			 j->nprefix, j->nctx);
		return -E2BIG;
	}
	if (answer_token(j, "allow", &j->allow) || answer_token(j, "deny", &j->deny) ||
	    j->allow == j->deny) {
		snprintf(err, errlen, "%s: the vocabulary cannot tell 'allow' from 'deny'",
			 cfg->model);
		return -EINVAL;
	}
	/* A cold model may take a while: an hour is "no deadline" at open. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	set_deadline(j, &now, 3600 * 1000);
	j->reuse_prefix = false;
	ret = restore_prefix(j);
	j->reuse_prefix = !getenv("SEVORIX_GGUF_NO_PREFIX_CACHE");
	if (ret)
		snprintf(err, errlen, "%s: evaluating the prompt failed: %s", cfg->model,
			 strerror(-ret));
	return ret;
}

static int gguf_open(const struct juror_config *cfg, struct juror **ret, char *err, size_t errlen)
{
	struct juror *j = calloc(1, sizeof(*j));
	int r;

	*ret = NULL;
	if (!j)
		return -ENOMEM;
	j->deadline_ms = cfg->deadline_ms > 0 ? cfg->deadline_ms : GGUF_DEFAULT_DEADLINE_MS;
	j->rt = llama_rt_open(cfg->library, err, errlen);
	if (!j->rt) {
		free(j);
		return -ENOENT;
	}
	pthread_mutex_init(&j->lock, NULL);
	r = gguf_load(j, cfg, err, errlen);
	if (!r)
		r = gguf_prefix(j, cfg, err, errlen);
	if (r) {
		gguf_close(j);
		return r;
	}
	*ret = j;
	return 0;
}

int gguf_check(const struct juror_config *cfg, char *err, size_t errlen)
{
	const struct llama_rt *rt = llama_rt_open(cfg->library, err, errlen);
	struct llama_model_params mp;
	struct llama_model *m;

	if (!rt)
		return -ENOENT;
	if (!cfg->model) {
		snprintf(err, errlen, "kind gguf needs model: /path/to/model.gguf");
		return -EINVAL;
	}
	mp = rt->llama_model_default_params();
	mp.n_gpu_layers = 0;
	m = rt->llama_model_load_from_file(cfg->model, mp);
	if (!m) {
		snprintf(err, errlen, "%s: cannot load model: %s", cfg->model,
			 *llama_rt_last_log() ? llama_rt_last_log() : "llama.cpp refused it");
		return -EINVAL;
	}
	rt->llama_model_free(m);
	return 0;
}

const struct juror_ops juror_gguf_ops = {
	.model = true,
	.kind = "gguf",
	.open = gguf_open,
	.vote = gguf_vote,
	.close = gguf_close,
};
