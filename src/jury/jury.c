/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The jury (jury.h): its jurors opened from a configuration, and one
 * review, whose path README.md draws: the verdict cache first, then the
 * cloud judge when one is configured, then the local jurors (ballot.c),
 * whose votes the consensus rule (consensus.c) turns into the verdict.
 * Every answer but a cached one is stored in the cache, the cloud judge's
 * included, and every review is counted in the metrics.
 */
#include <errno.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jury/cache.h"
#include "jury/cloud.h"
#include "jury/consensus.h"
#include "jury/context.h"
#include "jury/human.h"
#include "jury/internal.h"
#include "jury/kinds.h"
#include "jury/models/http_client.h"

const struct jury_config *jury_config_of(const struct jury *j)
{
	return j->cfg;
}

const char *jury_cloud_state(const struct jury *j)
{
	return j->cloud ? jury_cloud_breaker(j->cloud) : NULL;
}

int jury_open(const struct jury_config *cfg, struct jury **ret, char *err, size_t errlen)
{
	struct jury *j = calloc(1, sizeof(*j));
	size_t i;
	int r;

	*ret = NULL;
	if (!j)
		return -ENOMEM;
	j->cfg = cfg;
	http_client_init();
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->idle, NULL);
	for (i = 0; i < cfg->njurors; i++) {
		struct juror_config *jc = &j->jcfg[i];

		*jc = cfg->jurors[i];
		if (!jc->deadline_ms || jc->deadline_ms > cfg->deadline_ms)
			jc->deadline_ms = cfg->deadline_ms;
		j->ops[i] = juror_find(jc->kind);
		r = j->ops[i] ? j->ops[i]->open(jc, &j->jurors[i], j->open_err[i],
						sizeof(j->open_err[i]))
			      : -ENOENT;
		/* A juror that cannot open stays in the jury and votes error on
		 * every review (fail closed), so a missing model file can never
		 * make the jury more permissive. */
		if (r || !j->jurors[i]) {
			j->jurors[i] = NULL;
			if (!j->open_err[i][0])
				snprintf(j->open_err[i], sizeof(j->open_err[i]), "%s",
					 strerror(-r));
		}
	}
	r = jury_cache_new(cfg->cache_size, cfg->cache_ttl_ms, &j->cache);
	if (!r && cfg->cloud_url)
		r = jury_cloud_new(cfg, &j->cloud);
	if (r) {
		snprintf(err, errlen, "jury: %s", strerror(-r));
		jury_close(j);
		return r;
	}
	*ret = j;
	return 0;
}

/* Names of jurors that failed to open, for the caller to log once. */
const char *jury_open_error(const struct jury *j, size_t i)
{
	return i < j->cfg->njurors && !j->jurors[i] ? j->open_err[i] : NULL;
}

void jury_close(struct jury *j)
{
	size_t i;

	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	while (j->nthreads)
		pthread_cond_wait(&j->idle, &j->lock);
	pthread_mutex_unlock(&j->lock);
	for (i = 0; i < j->cfg->njurors; i++)
		if (j->jurors[i])
			j->ops[i]->close(j->jurors[i]);
	jury_cache_free(j->cache);
	jury_cloud_free(j->cloud);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->idle);
	free(j);
}

static void answer_init(struct jury *j, const struct review *r, struct jury_answer *ans)
{
	ans->id = r->id;
	ans->verdict = VOTE_DENY;
	ans->reason[0] = '\0';
	ans->nvotes = 0;
	ans->cached = false;
	ans->judge = JURY_JUDGE_LOCAL;
	ans->cloud_state = NULL;
	jury_mode_name(j->cfg, ans->consensus, sizeof(ans->consensus));
}

/* Is juror i a person? */
static bool is_person(const struct jury *j, size_t i)
{
	return j->ops[i] == &juror_human_ops && j->jurors[i];
}

bool jury_run_escalated(struct jury *j, const struct review *r)
{
	for (size_t i = 0; r->run && i < j->cfg->njurors; i++)
		if (is_person(j, i) && human_escalated(j->jurors[i], r->run))
			return true;
	return false;
}

/* Tells the human jurors the verdict, cached or not (denials in a row); true
 * when a person voted. */
static bool note_people(struct jury *j, const struct review *r, const struct jury_answer *ans)
{
	bool asked = false;

	for (size_t i = 0; i < j->cfg->njurors && i < ans->nvotes; i++) {
		if (!is_person(j, i))
			continue;
		human_note_verdict(j->jurors[i], r->run, ans->verdict);
		asked |= ans->votes[i].v.verdict != VOTE_ABSTAIN;
	}
	return asked;
}

int jury_pending(struct jury *j, const char *run, char **ret, size_t *len)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	json_object *standing = json_object_new_array();
	const char *s;
	int r = o && arr && standing ? 0 : -ENOMEM;

	for (size_t i = 0; !r && i < j->cfg->njurors; i++)
		if (is_person(j, i))
			r = human_pending(j->jurors[i], run, arr, run ? standing : NULL);
	*ret = NULL;
	if (!r) {
		json_object_object_add(o, "pending", arr);
		json_object_object_add(o, "standing", standing);
		arr = standing = NULL;
		s = json_object_to_json_string_length(
			o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);
		*ret = s ? strndup(s, *len) : NULL;
		r = *ret ? 0 : -ENOMEM;
	}
	json_object_put(o);
	json_object_put(arr);
	json_object_put(standing);
	return r;
}

int jury_pending_answer(struct jury *j, const char *id, const struct human_answer *a,
			bool has_peer, uid_t peer)
{
	int r = -ENOENT;

	for (size_t i = 0; r == -ENOENT && i < j->cfg->njurors; i++)
		if (is_person(j, i))
			r = human_answer(j->jurors[i], id, a, has_peer, peer);
	return r;
}

int jury_review(struct jury *j, const struct review *r, const char *raw, size_t rawlen,
		struct jury_answer *ans)
{
	int64_t t0 = jury_now_us();
	struct review *ctx = NULL;
	char *key = NULL;
	size_t keylen = 0;

	answer_init(j, r, ans);
	/* Without a key there is no caching; the review itself still runs. */
	if (j->cfg->cache_size && review_key(r, &key, &keylen))
		key = NULL;
	/* a run handed to the person is not answered from the cache */
	if (key && !jury_run_escalated(j, r) && jury_cache_get(j->cache, key, keylen, ans)) {
		ans->cached = true;
		jury_count(&j->metrics.cache_hits);
		note_people(j, r, ans);
		goto done;
	}
	if (key)
		jury_count(&j->metrics.cache_misses);
	if (j->cloud && raw) {
		int ret = jury_cloud_review(j->cloud, raw, rawlen, ans, &ans->cloud_state);

		jury_count(&j->metrics.cloud[ret == -EAGAIN	 ? 3
					     : ret == -ETIMEDOUT ? 2
					     : ret		 ? 1
								 : 0]);
		if (!ret) {
			ans->judge = JURY_JUDGE_CLOUD;
			goto store;
		}
		/* A cloud that errs, is late or is skipped gives no verdict:
		 * the local jurors decide (fail over, never open). */
	}
	/* a context that cannot be built (ENOMEM) is an error: deny (fail closed) */
	if (jury_context(r, &ctx)) {
		ans->verdict = VOTE_DENY;
		snprintf(ans->reason, sizeof(ans->reason), "%s: deny: out of memory",
			 ans->consensus);
		goto done;
	}
	jury_ballot(j, r, ctx, ans);
	free(ctx);
	jury_consensus(j->cfg, ans->votes, ans->nvotes, &ans->verdict, ans->reason,
		       sizeof(ans->reason));
store:
	/* a person's answer is for this review: it is not served from the cache */
	if (note_people(j, r, ans)) {
		free(key);
		key = NULL;
	}
	if (key)
		jury_cache_put(j->cache, key, keylen, ans);
done:
	free(key);
	ans->id = r->id;
	ans->latency_us = jury_now_us() - t0;
	jury_count(&j->metrics.reviews[ans->verdict == VOTE_ALLOW ? 0 : 1]);
	jury_hist_add(&j->metrics.review_latency, ans->latency_us);
	return 0;
}

void jury_metrics_refused(struct jury *j, int status)
{
	if (status >= 400 && status < 600)
		jury_count(&j->metrics.refused[status]);
}

int jury_metrics_render(struct jury *j, FILE *out)
{
	jury_metrics_write(&j->metrics, j->cfg, out);
	return ferror(out) ? -EIO : 0;
}
