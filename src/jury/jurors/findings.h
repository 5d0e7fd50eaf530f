/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a juror that judges by rules found: each rule that fires adds a
 * finding with a confidence in (0,1) and a reason. The strongest finding
 * gives the reason of the vote; the rulebook combines them all by noisy-or
 * (1 - none), the grounding juror votes the strongest one's confidence.
 */
#ifndef SEVORIX_JURY_FINDINGS_H
#define SEVORIX_JURY_FINDINGS_H

#define FINDINGS_REASON_MAX 200

struct findings {
	int n;		/* findings added */
	double best;	/* the strongest confidence */
	double none;	/* product of (1 - confidence) over all of them */
	char reason[FINDINGS_REASON_MAX]; /* the strongest finding's */
};

/* No finding yet. */
#define FINDINGS_INIT { .none = 1.0 }

/* Adds a finding; its printf-formatted reason is kept when it is the strongest. */
void findings_add(struct findings *f, double conf, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
