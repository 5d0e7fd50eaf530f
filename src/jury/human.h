/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The human juror (kind human, human.c): a review put in front of a
 * person, who answers through the jury's pending-review endpoints
 * (docs/review-api.md: GET /v1/pending, POST /v1/pending/ID), from
 * `sevorix pending|approve|deny` or from the prompt that `sevorix run
 * --pty` shows on its terminal. The person's answer is a vote like any
 * other under the consensus rule; no answer within human_deadline_ms is a
 * deny. "Allow for the rest of this run" leaves a standing approval for
 * the same program and argv pattern in that run only; after
 * escalate_after denials in a row, a run's every review goes to the
 * person (the jury asks the slow jurors whatever the fast ones say).
 *
 * The jury reaches the juror's state through these functions; the
 * server's routes call them on behalf of a peer whose uid it read from
 * the socket. An approval from the agent's own uid is refused: the agent
 * must not answer for itself.
 */
#ifndef SEVORIX_JURY_HUMAN_H
#define SEVORIX_JURY_HUMAN_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "jury/jurors/juror.h"

extern const struct juror_ops juror_human_ops;

#define HUMAN_DEADLINE_MS 60000 /* human_deadline_ms when the configuration names none */

/* Appends the reviews waiting for a person (those of run, or all when run
 * is NULL) to arr, and the run's standing approvals to standing (may be
 * NULL). Returns 0 or -ENOMEM. */
int human_pending(struct juror *j, const char *run, json_object *arr, json_object *standing);

/* An answer to pending review id, from peer (its uid; has_peer false when
 * unknown, as over TCP). Returns 0; -ENOENT (no such review waiting),
 * -EPERM (an approval from the agent's uid, from an unknown peer, or for a
 * review that does not name the agent's uid),
 * -EALREADY (answered before). */
struct human_answer {
	bool allow;
	bool always;	     /* a standing approval for the rest of the run */
	const char *pattern; /* its argv pattern (fnmatch(3) over the joined argv); NULL: exact */
	const char *by;	     /* who answered, as they name themselves; may be NULL */
};
int human_answer(struct juror *j, const char *id, const struct human_answer *a, bool has_peer,
		 uid_t peer);

/* After each review of run: counts the denials in a row; true when the run
 * is (now) handed to the person. */
bool human_note_verdict(struct juror *j, const char *run, enum vote_verdict verdict);
/* Is run handed to the person (escalate_after denials in a row so far)? */
bool human_escalated(struct juror *j, const char *run);

#endif
