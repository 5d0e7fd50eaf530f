/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The consensus rules (sevorix-jury(5)).
 *
 * Common to all rules: an advisory juror's vote is reported but never
 * counted; an error vote (the juror failed, timed out or answered out of
 * contract) counts as a deny with full confidence, because a broken juror
 * must not be a way around the jury (fail closed); abstain is not a vote;
 * and no rule allows without at least one counted allow, so a jury whose
 * every juror abstained or erred denies.
 *
 *   unanimous           allow iff every counted juror voted allow (or
 *                       abstained) and at least one allowed.
 *   quorum:K            allow iff at least K counted allows and no deny (or
 *                       error) from a juror marked veto.
 *   weighted:THRESHOLD  score = sum over counted jurors of
 *                       weight * logit(p), p = confidence for an allow and
 *                       1 - confidence for a deny (clamped to [0.001, 0.999]);
 *                       allow iff score >= THRESHOLD. A veto juror's deny
 *                       still denies.
 *   tiered:THRESHOLD    the fast jurors (every juror that asks no language
 *                       model) vote first; when their counted votes are all
 *                       allows or all denies, that verdict stands and the
 *                       model jurors are not asked (jury.c). Otherwise the
 *                       model jurors are asked too and weighted:THRESHOLD
 *                       over all votes decides.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jury/consensus.h"
#include "jury/kinds.h"

#define P_MIN 0.001
#define P_MAX 0.999

/* The verdict that counts: an error is a deny (fail closed). */
static enum vote_verdict counted(const struct vote *v)
{
	if (v->verdict == VOTE_ERROR || !(v->confidence >= 0 && v->confidence <= 1))
		return VOTE_DENY;
	return v->verdict;
}

static double logit_allow(const struct vote *v)
{
	double p;

	if (v->verdict == VOTE_ERROR)
		p = P_MIN;
	else if (v->verdict == VOTE_ALLOW)
		p = v->confidence;
	else
		p = 1 - v->confidence;
	p = p < P_MIN ? P_MIN : p > P_MAX ? P_MAX : p;
	return log(p / (1 - p));
}

/* Appends a juror's name to a reason list "a, b". */
static void name_add(char *buf, size_t len, const char *name)
{
	size_t n = strlen(buf);

	if (n < len)
		snprintf(buf + n, len - n, "%s%s", n ? ", " : "", name);
}

bool jury_fast_agree(const struct jury_config *cfg, const struct jury_vote *votes,
		     size_t nvotes, enum vote_verdict *verdict)
{
	size_t i, allows = 0, denies = 0;

	for (i = 0; i < nvotes && i < cfg->njurors; i++) {
		const struct juror_config *jc = &cfg->jurors[i];
		enum vote_verdict v;

		if (jc->advisory || juror_is_slow(jc))
			continue;
		v = counted(&votes[i].v);
		if (v == VOTE_ABSTAIN)
			continue;
		if (v == VOTE_ALLOW)
			allows++;
		else
			denies++; /* an error among them counts as a deny: fail closed */
	}
	if (!allows == !denies)
		return false; /* split, or no fast juror voted */
	*verdict = allows ? VOTE_ALLOW : VOTE_DENY;
	return true;
}

/* The counted votes of one review. */
struct tally {
	size_t allows, counted;
	double score; /* sum over counted jurors of weight * logit(p(allow)) */
	char allowed[120], denied[120], vetoed[120]; /* names: "a, b" */
};

static void tally_votes(const struct jury_config *cfg, const struct jury_vote *votes,
			size_t nvotes, struct tally *t)
{
	size_t i;

	for (i = 0; i < nvotes && i < cfg->njurors; i++) {
		const struct juror_config *jc = &cfg->jurors[i];
		enum vote_verdict v = counted(&votes[i].v);

		if (jc->advisory || v == VOTE_ABSTAIN)
			continue;
		t->counted++;
		t->score += jc->weight * logit_allow(&votes[i].v);
		if (v == VOTE_ALLOW) {
			t->allows++;
			name_add(t->allowed, sizeof(t->allowed), jc->name);
			continue;
		}
		name_add(t->denied, sizeof(t->denied), jc->name);
		if (jc->veto)
			name_add(t->vetoed, sizeof(t->vetoed), jc->name);
	}
}

/*
 * The reason of a verdict: "MODE: VERDICT: HOW; carried by A, B; outvoted:
 * C". It starts with the verdict it explains, names the counted jurors
 * that voted for it (an error counts as a deny) and those that voted
 * against it; never the other way round (tests/jury/jury_consensus_test.c
 * checks every rule).
 */
static void explain(char *reason, size_t len, const char *mode, enum vote_verdict v,
		    const struct tally *t, const char *how)
{
	const char *with = v == VOTE_ALLOW ? t->allowed : t->denied;
	const char *against = v == VOTE_ALLOW ? t->denied : t->allowed;

	snprintf(reason, len, "%s: %s: %s%s%s%s%s", mode, v == VOTE_ALLOW ? "allow" : "deny", how,
		 with[0] ? "; carried by " : "", with, against[0] ? "; outvoted: " : "", against);
}

/* The rule of cfg->mode over a tally with at least one allow. */
static enum vote_verdict decide(const struct jury_config *cfg, const struct tally *t,
				const char *mode, char *reason, size_t reasonlen)
{
	enum vote_verdict v = VOTE_DENY; /* an unknown rule allows nothing (fail closed) */
	char how[96] = "an unknown consensus rule";

	switch (cfg->mode) {
	case JURY_UNANIMOUS:
		v = t->denied[0] ? VOTE_DENY : VOTE_ALLOW;
		snprintf(how, sizeof(how), v == VOTE_ALLOW ? "every counted juror allowed" :
							      "not every counted juror allowed");
		break;
	case JURY_QUORUM:
		v = !t->vetoed[0] && t->allows >= (size_t)cfg->quorum ? VOTE_ALLOW : VOTE_DENY;
		if (t->vetoed[0])
			snprintf(how, sizeof(how), "vetoed by %s", t->vetoed);
		else
			snprintf(how, sizeof(how), "%zu allow%s, %d needed", t->allows,
				 t->allows == 1 ? "" : "s", cfg->quorum);
		break;
	case JURY_WEIGHTED:
	case JURY_TIERED: /* the fast jurors split: the weighted rule decides */
		v = !t->vetoed[0] && t->score >= cfg->threshold ? VOTE_ALLOW : VOTE_DENY;
		if (t->vetoed[0])
			snprintf(how, sizeof(how), "vetoed by %s (score %.2f)", t->vetoed,
				 t->score);
		else
			snprintf(how, sizeof(how), "score %.2f %s %g", t->score,
				 v == VOTE_ALLOW ? ">=" : "<", cfg->threshold);
		break;
	}
	explain(reason, reasonlen, mode, v, t, how);
	return v;
}

void jury_consensus(const struct jury_config *cfg, const struct jury_vote *votes, size_t nvotes,
		    enum vote_verdict *verdict, char *reason, size_t reasonlen)
{
	struct tally t = { 0 };
	char mode[48];

	jury_mode_name(cfg, mode, sizeof(mode));
	tally_votes(cfg, votes, nvotes, &t);
	if (cfg->mode == JURY_TIERED && jury_fast_agree(cfg, votes, nvotes, verdict)) {
		/* the models were not asked: their abstentions are not in the tally */
		explain(reason, reasonlen, mode, *verdict, &t, "the fast jurors agree");
		return;
	}
	*verdict = VOTE_DENY;
	if (!t.allows) {
		explain(reason, reasonlen, mode, VOTE_DENY, &t, "no juror allowed");
		return;
	}
	*verdict = decide(cfg, &t, mode, reason, reasonlen);
}
