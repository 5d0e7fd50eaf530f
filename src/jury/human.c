/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The human juror (human.h).
 *
 * Its vote() parks the review in the juror's list of pending reviews and
 * waits -- on a thread of its own (juror_ops.waits) -- until a person
 * answers through human_answer() or its human_deadline_ms passes. No
 * answer is a deny: a person who is away must not be a way around the
 * jury (fail closed). A standing approval ("allow for the rest of this
 * run") is kept per run with the program's path and an argv pattern; a
 * later review of the same run that matches it is allowed without asking,
 * and says by whom and when it was granted. The runs kept are bounded
 * (HUMAN_MAX_RUNS, the oldest forgotten first), as are the reviews
 * waiting (one per held call of the agents, which the supervisor bounds).
 */
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jury/human.h"
#include "jury/internal.h"
#include "jury/models/prompt.h"

#define HUMAN_MAX_RUNS 1024
#define HUMAN_ARGV_MAX 4096

struct standing {
	char *path, *pattern, *argv; /* pattern NULL: argv exactly */
	char by[64];
	uid_t uid;
	time_t at;
	struct standing *next;
};

struct run_state {
	char *id;
	int denials; /* in a row */
	bool escalated;
	struct standing *approvals;
	struct run_state *next;
};

struct pending {
	char id[24];
	const struct review *r;
	char *action, *argv;
	int64_t deadline_us; /* jury_now_us() */
	bool answered, allow, always;
	char *pattern;
	char by[64];
	uid_t peer;
	pthread_cond_t cond;
	struct pending *next;
};

struct juror {
	pthread_mutex_t lock;
	struct pending *pending;
	struct run_state *runs;
	size_t nruns;
	unsigned long long next_id;
	int deadline_ms, escalate_after;
};

/* The argv joined by spaces (the path when there is none), at most HUMAN_ARGV_MAX bytes. */
static char *argv_text(const struct review *r)
{
	char *s = calloc(1, HUMAN_ARGV_MAX);
	size_t n = 0;

	for (size_t i = 0; s && i < r->argc && n + 1 < HUMAN_ARGV_MAX; i++)
		n += (size_t)snprintf(s + n, HUMAN_ARGV_MAX - n, "%s%s", i ? " " : "", r->argv[i]);
	if (s && !r->argc && r->path)
		snprintf(s, HUMAN_ARGV_MAX, "%s", r->path);
	return s;
}

static void run_free(struct run_state *s)
{
	while (s->approvals) {
		struct standing *a = s->approvals;

		s->approvals = a->next;
		free(a->path), free(a->pattern), free(a->argv), free(a);
	}
	free(s->id), free(s);
}

/* The state of run, created when create is set (the oldest forgotten beyond the bound). */
static struct run_state *run_of(struct juror *j, const char *id, bool create)
{
	struct run_state *s, **pp;

	for (s = j->runs; id && s; s = s->next)
		if (!strcmp(s->id, id))
			return s;
	if (!id || !create)
		return NULL;
	if (j->nruns == HUMAN_MAX_RUNS) {
		for (pp = &j->runs; (*pp)->next; pp = &(*pp)->next)
			;
		run_free(*pp);
		*pp = NULL;
		j->nruns--;
	}
	s = calloc(1, sizeof(*s));
	if (s && !(s->id = strdup(id))) {
		free(s);
		s = NULL;
	}
	if (s) {
		s->next = j->runs;
		j->runs = s;
		j->nruns++;
	}
	return s;
}

static const struct standing *standing_match(struct juror *j, const struct review *r,
					     const char *argv)
{
	struct run_state *s = run_of(j, r->run, false);

	for (const struct standing *a = s ? s->approvals : NULL; a; a = a->next)
		if (!strcmp(a->path, r->path ? r->path : "") &&
		    (a->pattern ? !fnmatch(a->pattern, argv, FNM_NOESCAPE) :
				  !strcmp(a->argv, argv)))
			return a;
	return NULL;
}

/* Keeps an approval for the rest of the run (locked). Returns 0 or -ENOMEM. */
static int standing_add(struct juror *j, const struct review *r, const struct pending *p)
{
	struct run_state *s = run_of(j, r->run, true);
	struct standing *a = calloc(1, sizeof(*a));

	if (!s || !a || !(a->path = strdup(r->path ? r->path : "")) ||
	    !(a->argv = strdup(p->argv)) || (p->pattern && !(a->pattern = strdup(p->pattern)))) {
		if (a)
			free(a->path), free(a->argv), free(a);
		return -ENOMEM;
	}
	snprintf(a->by, sizeof(a->by), "%s", p->by);
	a->uid = p->peer;
	a->at = time(NULL);
	a->next = s->approvals;
	s->approvals = a;
	return 0;
}

static void unlink_pending(struct juror *j, struct pending *p)
{
	for (struct pending **pp = &j->pending; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			return;
		}
}

/* Waits for a person's answer to p until its deadline (locked). */
static void wait_answer(struct juror *j, struct pending *p)
{
	while (!p->answered && jury_now_us() < p->deadline_us)
		jury_cond_wait_until(&p->cond, &j->lock, p->deadline_us);
}

static void vote_answer(struct juror *j, const struct review *r, struct pending *p,
			struct vote *out)
{
	if (!p->answered) {
		/* nobody answered: deny (fail closed) */
		vote_set(out, VOTE_DENY, 0.99, "human: deny: no answer from a person within %d ms",
			 j->deadline_ms);
		return;
	}
	if (p->allow && p->always && r->run && standing_add(j, r, p) == 0)
		vote_set(out, VOTE_ALLOW, 0.99,
			 "human: allow: %s (uid %u) allowed it for the rest of run %s%s%s",
			 p->by[0] ? p->by : "a person", (unsigned)p->peer, r->run,
			 p->pattern ? ", argv like " : "", p->pattern ? p->pattern : "");
	else
		vote_set(out, p->allow ? VOTE_ALLOW : VOTE_DENY, 0.99,
			 "human: %s: %s (uid %u) %s it", p->allow ? "allow" : "deny",
			 p->by[0] ? p->by : "a person", (unsigned)p->peer,
			 p->allow ? "allowed" : "denied");
}

static int human_vote(struct juror *j, const struct review *r, struct vote *out)
{
	struct pending p = { .r = r };
	const struct standing *a;

	p.argv = argv_text(r);
	p.action = prompt_action(r, "");
	if (!p.argv || !p.action) {
		free(p.argv), free(p.action);
		return -ENOMEM;
	}
	/* the action goes to a person's terminal: the agent's control characters
	 * (escape sequences that could redraw the question) do not */
	for (char *c = p.action; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	jury_cond_init(&p.cond);
	pthread_mutex_lock(&j->lock);
	if ((a = standing_match(j, r, p.argv))) {
		vote_set(out, VOTE_ALLOW, 0.99,
			 "human: allow: standing approval for this run by %s (uid %u)",
			 a->by[0] ? a->by : "a person", (unsigned)a->uid);
	} else {
		snprintf(p.id, sizeof(p.id), "h%llu", ++j->next_id);
		p.deadline_us = jury_now_us() + j->deadline_ms * 1000LL;
		p.next = j->pending;
		j->pending = &p;
		wait_answer(j, &p);
		unlink_pending(j, &p);
		vote_answer(j, r, &p, out);
	}
	pthread_mutex_unlock(&j->lock);
	pthread_cond_destroy(&p.cond);
	free(p.argv), free(p.action), free(p.pattern);
	return 0;
}

int human_answer(struct juror *j, const char *id, const struct human_answer *a, bool has_peer,
		 uid_t peer)
{
	struct pending *p;
	int ret = -ENOENT;

	pthread_mutex_lock(&j->lock);
	for (p = j->pending; p && strcmp(p->id, id); p = p->next)
		;
	if (p && p->answered)
		ret = -EALREADY;
	/* the agent must not approve its own action: nor may an unknown peer, nor anyone
	 * when the review does not say who the agent is (fail closed) */
	else if (p && a->allow && (!has_peer || !p->r->has_uid || p->r->uid == peer))
		ret = -EPERM;
	else if (p && a->pattern && !(p->pattern = strdup(a->pattern)))
		ret = -ENOMEM;
	else if (p) {
		p->answered = true;
		p->allow = a->allow;
		p->always = a->always;
		p->peer = has_peer ? peer : (uid_t)-1;
		snprintf(p->by, sizeof(p->by), "%s", a->by ? a->by : "");
		pthread_cond_signal(&p->cond);
		ret = 0;
	}
	pthread_mutex_unlock(&j->lock);
	return ret;
}

static json_object *pending_json(const struct pending *p, int64_t now)
{
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "id", json_object_new_string(p->id));
	if (p->r->run)
		json_object_object_add(o, "run", json_object_new_string(p->r->run));
	json_object_object_add(o, "action", json_object_new_string(p->action));
	if (p->r->has_uid)
		json_object_object_add(o, "agent_uid", json_object_new_int64(p->r->uid));
	json_object_object_add(o, "left_ms", json_object_new_int64((p->deadline_us - now) / 1000));
	return o;
}

static json_object *standing_json(const struct standing *a)
{
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "path", json_object_new_string(a->path));
	json_object_object_add(o, "argv",
			       json_object_new_string(a->pattern ? a->pattern : a->argv));
	json_object_object_add(o, "pattern", json_object_new_boolean(a->pattern != NULL));
	json_object_object_add(o, "by", json_object_new_string(a->by));
	json_object_object_add(o, "uid", json_object_new_int64(a->uid));
	json_object_object_add(o, "at", json_object_new_int64(a->at));
	return o;
}

int human_pending(struct juror *j, const char *run, json_object *arr, json_object *standing)
{
	int64_t now = jury_now_us();
	struct run_state *s;
	int ret = 0;

	pthread_mutex_lock(&j->lock);
	for (const struct pending *p = j->pending; p && !ret; p = p->next)
		if (!run || (p->r->run && !strcmp(p->r->run, run)))
			ret = json_object_array_add(arr, pending_json(p, now)) ? -ENOMEM : 0;
	s = run_of(j, run, false);
	for (const struct standing *a = s ? s->approvals : NULL; standing && a && !ret; a = a->next)
		ret = json_object_array_add(standing, standing_json(a)) ? -ENOMEM : 0;
	pthread_mutex_unlock(&j->lock);
	return ret;
}

bool human_note_verdict(struct juror *j, const char *run, enum vote_verdict verdict)
{
	struct run_state *s;
	bool esc = false;

	if (!run)
		return false;
	pthread_mutex_lock(&j->lock);
	s = run_of(j, run, verdict != VOTE_ALLOW);
	if (s) {
		s->denials = verdict == VOTE_ALLOW ? 0 : s->denials + 1;
		if (j->escalate_after > 0 && s->denials >= j->escalate_after)
			s->escalated = true;
		esc = s->escalated;
	}
	pthread_mutex_unlock(&j->lock);
	return esc;
}

bool human_escalated(struct juror *j, const char *run)
{
	struct run_state *s;
	bool esc;

	pthread_mutex_lock(&j->lock);
	s = run_of(j, run, false);
	esc = s && s->escalated;
	pthread_mutex_unlock(&j->lock);
	return esc;
}

static int human_open(const struct juror_config *cfg, struct juror **ret, char *err, size_t len)
{
	struct juror *j = calloc(1, sizeof(*j));

	(void)err, (void)len;
	*ret = NULL;
	if (!j)
		return -ENOMEM;
	pthread_mutex_init(&j->lock, NULL);
	j->deadline_ms = cfg->human_deadline_ms ? cfg->human_deadline_ms : HUMAN_DEADLINE_MS;
	j->escalate_after = cfg->escalate_after;
	*ret = j;
	return 0;
}

static void human_close(struct juror *j)
{
	if (!j)
		return;
	while (j->runs) {
		struct run_state *s = j->runs;

		j->runs = s->next;
		run_free(s);
	}
	pthread_mutex_destroy(&j->lock);
	free(j);
}

const struct juror_ops juror_human_ops = {
	.kind = "human",
	.person = true,
	.waits = true,
	.open = human_open,
	.vote = human_vote,
	.close = human_close,
};
