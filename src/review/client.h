/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A client of the review API for the supervisor: one review over the
 * jury's UNIX socket, bounded by a deadline, with no library beyond libc
 * and json-c. The supervisor runs as root and must not parse more than it
 * has to: the answer is read with a hard size limit and only its verdict,
 * reason and judge are taken out.
 *
 * Fail closed: the only way to get VOTE_ALLOW is a 200 answer whose
 * verdict is exactly "allow". Everything else -- no socket, a timeout,
 * another status, a malformed or oversized answer -- is an error return,
 * and the caller denies.
 */
#ifndef SEVORIX_REVIEW_CLIENT_H
#define SEVORIX_REVIEW_CLIENT_H

#include <errno.h>
#include <stddef.h>

#include "review/review.h"

#define REVIEW_MAX_ANSWER (256 * 1024)

struct review_answer {
	enum vote_verdict verdict; /* VOTE_ALLOW or VOTE_DENY */
	char reason[VOTE_REASON_MAX];
	char judge[8]; /* "local" or "cloud" */
	int status; /* the HTTP status */
	char *json; /* the whole answer, malloc'd, for the event log */
};

/*
 * POSTs body (review_encode()) to /v1/review on the UNIX socket path and
 * waits at most timeout_ms in all. Returns 0 with ans filled; or -ENOENT /
 * -ECONNREFUSED (no jury), -ETIMEDOUT, -EPROTO (status other than 200;
 * ans->status and ans->json say what came), -EBADMSG (malformed answer),
 * -EMSGSIZE, or another -errno. Free ans with review_answer_free() in
 * every case.
 */
int review_submit(const char *path, const char *body, size_t len, int timeout_ms,
		  struct review_answer *ans);
void review_answer_free(struct review_answer *ans);
/*
 * Asks the jury at path whether it answers (GET /v1/health) within
 * timeout_ms: 0 when it answers 200, else -errno as review_submit().
 */
int review_health(const char *path, int timeout_ms);
/* True for the errors of review_submit() that mean no jury listens at the socket. */
static inline int review_unreachable(int err)
{
	return err == -ENOENT || err == -ECONNREFUSED || err == -ENOTSOCK || err == -EACCES;
}

/*
 * Any other request of the review API (GET /v1/pending, POST
 * /v1/pending/ID ...): sends method and target with body (may be NULL)
 * and waits at most timeout_ms for the answer. Returns 0 with *status and
 * the body in *resp (malloc'd, free it), or -errno as review_submit().
 */
int review_call(const char *path, const char *method, const char *target, const char *body,
		int timeout_ms, int *status, char **resp);

#endif
