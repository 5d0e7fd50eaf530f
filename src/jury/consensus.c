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

		if (jc->advisory || juror_is_model(jc))
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
	char denied[160], vetoed[160]; /* names: "a, b" */
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
			continue;
		}
		name_add(t->denied, sizeof(t->denied), jc->name);
		if (jc->veto)
			name_add(t->vetoed, sizeof(t->vetoed), jc->name);
	}
}

/* The rule of cfg->mode over a tally with at least one allow. */
static enum vote_verdict decide(const struct jury_config *cfg, const struct tally *t,
				const char *mode, char *reason, size_t reasonlen)
{
	switch (cfg->mode) {
	case JURY_UNANIMOUS:
		if (t->denied[0]) {
			snprintf(reason, reasonlen, "unanimous: denied by %s", t->denied);
			return VOTE_DENY;
		}
		snprintf(reason, reasonlen, "unanimous: %zu of %zu jurors allowed", t->allows,
			 t->counted);
		return VOTE_ALLOW;
	case JURY_QUORUM:
		if (t->vetoed[0])
			snprintf(reason, reasonlen, "%s: vetoed by %s", mode, t->vetoed);
		else if (t->allows < (size_t)cfg->quorum)
			snprintf(reason, reasonlen, "%s: %zu allows, %d needed; denied by %s", mode,
				 t->allows, cfg->quorum, t->denied);
		else
			snprintf(reason, reasonlen, "%s: %zu allows", mode, t->allows);
		return !t->vetoed[0] && t->allows >= (size_t)cfg->quorum ? VOTE_ALLOW : VOTE_DENY;
	case JURY_WEIGHTED:
	case JURY_TIERED: /* the fast jurors split: the weighted rule decides */
		snprintf(reason, reasonlen, "%s: score %.2f%s%s", mode, t->score,
			 t->vetoed[0]   ? "; vetoed by "
			 : t->denied[0] ? "; denied by "
					: "",
			 t->vetoed[0] ? t->vetoed : t->denied);
		return !t->vetoed[0] && t->score >= cfg->threshold ? VOTE_ALLOW : VOTE_DENY;
	}
	return VOTE_DENY; /* an unknown rule allows nothing (fail closed) */
}

void jury_consensus(const struct jury_config *cfg, const struct jury_vote *votes, size_t nvotes,
		    enum vote_verdict *verdict, char *reason, size_t reasonlen)
{
	struct tally t = { 0 };
	char mode[48];

	if (cfg->mode == JURY_TIERED && jury_fast_agree(cfg, votes, nvotes, verdict)) {
		snprintf(reason, reasonlen, "%s: the fast jurors agree: %s",
			 jury_mode_name(cfg, mode, sizeof(mode)),
			 *verdict == VOTE_ALLOW ? "allow" : "deny");
		return;
	}
	tally_votes(cfg, votes, nvotes, &t);
	jury_mode_name(cfg, mode, sizeof(mode));
	*verdict = VOTE_DENY;
	if (!t.allows) {
		snprintf(reason, reasonlen, "%s: no juror allowed%s%s", mode,
			 t.denied[0] ? "; denied by " : "", t.denied);
		return;
	}
	*verdict = decide(cfg, &t, mode, reason, reasonlen);
}
