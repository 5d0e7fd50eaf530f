/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The local jurors' votes on one review (internal.h), by its deadline.
 *
 * Local jurors are of two sorts. In-process jurors (no endpoint: the
 * rulebook, the classifiers, grounding) take microseconds and vote inline,
 * one after the other, on the reviewing thread; starting a thread for each
 * would cost more than their vote. Jurors with an endpoint (model servers)
 * take milliseconds to seconds, so each votes on a thread of its own and
 * all of them run at once while the in-process jurors vote. The reviewing
 * thread then waits for them until the review's deadline. A vote that has
 * not arrived by then is an error vote (fail closed: a slow juror must not
 * delay the agent, and its silence must not count as consent); its thread
 * finishes on its own later, working on its own copy of the review, and its
 * answer is thrown away.
 *
 * Under the tiered consensus this happens in two rounds: first the fast
 * jurors (those that ask no language model and no person); when their
 * votes agree, the slow jurors are not asked at all and their votes read
 * "abstain: not asked". Only when the fast jurors split (or the run was
 * handed to a person, human.h) are the slow jurors asked, in what is left
 * of the same review deadline -- a person in a deadline of its own,
 * human_deadline_ms, for which the review waits.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jury/consensus.h"
#include "jury/context.h"
#include "jury/human.h"
#include "jury/internal.h"
#include "jury/kinds.h"

/* The votes of one review that has jurors on threads. Freed by the last
 * holder: the reviewing thread and each voter thread hold one reference. */
struct ballot {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int refs;
	size_t pending;
	struct review *r, *ctx; /* the voters' own copies; ctx may be NULL */
	struct jury_vote votes[JURY_MAX_JURORS];
	bool started[JURY_MAX_JURORS]; /* a voter thread runs for this juror */
	bool done[JURY_MAX_JURORS];
};

struct voter {
	struct jury *j;
	struct ballot *b;
	size_t idx;
};

/* Asks juror i about r, and checks the answer keeps the contract of juror.h. */
static void ask_juror(struct jury *j, size_t i, const struct review *r, struct vote *v)
{
	int ret;

	memset(v, 0, sizeof(*v));
	ret = j->ops[i]->vote(j->jurors[i], r, v);
	v->reason[sizeof(v->reason) - 1] = '\0';
	/* Out of contract counts as an error vote (fail closed). */
	if (ret < 0)
		vote_set(v, VOTE_ERROR, 1, "juror failed: %s", strerror(-ret));
	else if ((unsigned)v->verdict > VOTE_ERROR || !(v->confidence >= 0 && v->confidence <= 1))
		vote_set(v, VOTE_ERROR, 1, "juror answered out of contract");
}

/*
 * Juror i's vote on r, and on r's context ctx (context.h) when there is one
 * and the vote on r is not already a deny: the stricter of the two counts,
 * so a context can turn an allow into a deny, never the reverse.
 */
static void vote_one(struct jury *j, size_t i, const struct review *r, const struct review *ctx,
		     struct jury_vote *out)
{
	int64_t t0 = jury_now_us();
	struct vote in_ctx;

	out->juror = j->jcfg[i].name;
	if (!j->jurors[i]) {
		vote_set(&out->v, VOTE_ERROR, 1, "juror not available: %s", j->open_err[i]);
		out->latency_us = 0;
		return;
	}
	ask_juror(j, i, r, &out->v);
	/* a person is asked once, about the action itself */
	if (ctx && !j->ops[i]->person && out->v.verdict != VOTE_DENY &&
	    out->v.verdict != VOTE_ERROR) {
		ask_juror(j, i, ctx, &in_ctx);
		if (jury_vote_stricter(&in_ctx, &out->v))
			vote_set(&out->v, in_ctx.verdict, in_ctx.confidence,
				 "in its shell's command: %s", in_ctx.reason);
	}
	out->latency_us = jury_now_us() - t0;
}

static void ballot_put(struct ballot *b)
{
	int left;

	pthread_mutex_lock(&b->lock);
	left = --b->refs;
	pthread_mutex_unlock(&b->lock);
	if (left)
		return;
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->cond);
	free(b->r);
	free(b->ctx);
	free(b);
}

static void *voter_main(void *arg)
{
	struct voter *v = arg;
	struct jury *j = v->j;
	struct ballot *b = v->b;
	struct jury_vote jv;

	vote_one(j, v->idx, b->r, b->ctx, &jv);
	pthread_mutex_lock(&b->lock);
	b->votes[v->idx] = jv;
	b->done[v->idx] = true;
	b->pending--;
	pthread_cond_signal(&b->cond);
	pthread_mutex_unlock(&b->lock);
	ballot_put(b);
	free(v);
	pthread_mutex_lock(&j->lock);
	if (!--j->nthreads)
		pthread_cond_broadcast(&j->idle);
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

/* Starts a thread for juror i. Returns 0 or -errno (then no thread runs). */
static int voter_start(struct jury *j, struct ballot *b, size_t i)
{
	struct voter *v = malloc(sizeof(*v));
	pthread_attr_t attr;
	pthread_t tid;
	int ret;

	if (!v)
		return -ENOMEM;
	*v = (struct voter){ .j = j, .b = b, .idx = i };
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_mutex_lock(&j->lock);
	j->nthreads++;
	pthread_mutex_unlock(&j->lock);
	/* Voters started before this one may already be counting down. */
	pthread_mutex_lock(&b->lock);
	b->refs++;
	b->pending++;
	b->started[i] = true;
	pthread_mutex_unlock(&b->lock);
	ret = pthread_create(&tid, &attr, voter_main, v);
	pthread_attr_destroy(&attr);
	if (ret) {
		pthread_mutex_lock(&b->lock);
		b->refs--;
		b->pending--;
		b->started[i] = false;
		pthread_mutex_unlock(&b->lock);
		pthread_mutex_lock(&j->lock);
		j->nthreads--;
		pthread_mutex_unlock(&j->lock);
		free(v);
		return -ret;
	}
	return 0;
}

/* Collects the threaded votes until the deadline; missing ones are errors. */
static void ballot_collect(struct jury *j, struct ballot *b, int64_t deadline_us,
			   struct jury_answer *ans)
{
	size_t i;

	pthread_mutex_lock(&b->lock);
	while (b->pending && jury_now_us() < deadline_us)
		jury_cond_wait_until(&b->cond, &b->lock, deadline_us);
	for (i = 0; i < j->cfg->njurors; i++) {
		if (!b->started[i])
			continue;
		if (b->done[i]) {
			ans->votes[i] = b->votes[i];
			continue;
		}
		/* Late: counted as an error vote (fail closed). */
		ans->votes[i].juror = j->jcfg[i].name;
		ans->votes[i].latency_us =
			jury_now_us() - (deadline_us - j->cfg->deadline_ms * 1000LL);
		vote_set(&ans->votes[i].v, VOTE_ERROR, 1,
			 "no vote within the review deadline of %d ms", j->cfg->deadline_ms);
	}
	pthread_mutex_unlock(&b->lock);
}

static struct ballot *ballot_new(const struct review *r, const struct review *ctx)
{
	struct ballot *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->r = review_dup(r);
	b->ctx = ctx ? review_dup(ctx) : NULL;
	if (!b->r || (ctx && !b->ctx)) {
		free(b->r);
		free(b->ctx);
		free(b);
		return NULL;
	}
	pthread_mutex_init(&b->lock, NULL);
	jury_cond_init(&b->cond);
	b->refs = 1;
	return b;
}

/* Which jurors ask() asks. */
enum tier {
	TIER_ALL,
	TIER_FAST, /* jurors that ask no language model */
	TIER_MODELS,
};

static bool in_tier(const struct jury *j, size_t i, enum tier t)
{
	return t == TIER_ALL || juror_is_slow(&j->jcfg[i]) == (t == TIER_MODELS);
}

/* Does juror i vote on a thread of its own (a server to wait for, a person)? */
static bool threaded(const struct jury *j, size_t i)
{
	return j->jcfg[i].endpoint || (j->ops[i] && j->ops[i]->waits);
}

/* When the threaded votes of tier t are due: the review's deadline, or a
 * person's own when one is asked (a person needs more than milliseconds). */
static int64_t collect_deadline(const struct jury *j, enum tier t, int64_t deadline)
{
	int64_t now = jury_now_us(), until = deadline;

	for (size_t i = 0; i < j->cfg->njurors; i++)
		if (in_tier(j, i, t) && j->ops[i] && j->ops[i]->person) {
			int ms = j->jcfg[i].human_deadline_ms ? j->jcfg[i].human_deadline_ms :
								HUMAN_DEADLINE_MS;
			int64_t due = now + (ms + 200) * 1000LL;

			until = due > until ? due : until;
		}
	return until;
}

/* The jurors of one tier vote into ans->votes by the review's deadline:
 * those with an endpoint on threads, all at once, the others inline. */
static void ask(struct jury *j, const struct review *r, const struct review *ctx, enum tier t,
		int64_t deadline, struct jury_answer *ans)
{
	struct ballot *b = NULL;
	size_t i, n = j->cfg->njurors;

	for (i = 0; i < n; i++) {
		if (!threaded(j, i) || !in_tier(j, i, t))
			continue;
		if (!b)
			b = ballot_new(r, ctx);
		/* No thread, no vote: an error vote (fail closed). */
		if (!b || voter_start(j, b, i)) {
			ans->votes[i].juror = j->jcfg[i].name;
			ans->votes[i].latency_us = 0;
			vote_set(&ans->votes[i].v, VOTE_ERROR, 1, "could not start the juror");
		}
	}
	for (i = 0; i < n; i++) {
		if (threaded(j, i) || !in_tier(j, i, t))
			continue;
		if (jury_now_us() >= deadline) {
			/* The deadline passed before this juror's turn (fail closed). */
			ans->votes[i].juror = j->jcfg[i].name;
			ans->votes[i].latency_us = 0;
			vote_set(&ans->votes[i].v, VOTE_ERROR, 1, "review deadline passed");
			continue;
		}
		vote_one(j, i, r, ctx, &ans->votes[i]);
		if (jury_now_us() > deadline)
			vote_set(&ans->votes[i].v, VOTE_ERROR, 1,
				 "voted after the review deadline");
	}
	if (b) {
		ballot_collect(j, b, collect_deadline(j, t, deadline), ans);
		ballot_put(b);
	}
}

void jury_ballot(struct jury *j, const struct review *r, const struct review *ctx,
		 struct jury_answer *ans)
{
	int64_t deadline = jury_now_us() + j->cfg->deadline_ms * 1000LL;
	size_t i, n = j->cfg->njurors;
	enum vote_verdict fast;
	bool models_asked = true;

	if (j->cfg->mode != JURY_TIERED) {
		ask(j, r, ctx, TIER_ALL, deadline, ans);
	} else {
		ask(j, r, ctx, TIER_FAST, deadline, ans);
		/* a run handed to the person has every review asked of the slow jurors */
		if (!jury_fast_agree(j->cfg, ans->votes, n, &fast) || jury_run_escalated(j, r)) {
			ask(j, r, ctx, TIER_MODELS, deadline, ans);
		} else {
			models_asked = false;
			for (i = 0; i < n; i++) {
				if (!in_tier(j, i, TIER_MODELS))
					continue;
				ans->votes[i].juror = j->jcfg[i].name;
				ans->votes[i].latency_us = 0;
				vote_set(&ans->votes[i].v, VOTE_ABSTAIN, 0,
					 "not asked: the fast jurors agree");
			}
		}
	}
	ans->nvotes = n;
	for (i = 0; i < n; i++) {
		if (!models_asked && in_tier(j, i, TIER_MODELS))
			continue;
		jury_count(&j->metrics.votes[i][ans->votes[i].v.verdict & 3]);
		jury_hist_add(&j->metrics.juror_latency[i], ans->votes[i].latency_us);
	}
}
