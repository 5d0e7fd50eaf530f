/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The jury's side of the review API (docs/review-api.md): a JSON request
 * body into a struct review (review/review.h), and a struct jury_answer
 * into a JSON answer body.
 *
 * Requests are untrusted: every field is type- and length-checked, and an
 * error names the field. Parsing never allocates more than a bounded
 * multiple of the body's length.
 */
#ifndef SEVORIX_JURY_REQUEST_H
#define SEVORIX_JURY_REQUEST_H

#include <stddef.h>

#include "jury/jury.h"

/* Limits on one request. */
#define JURY_MAX_BODY (64 * 1024)
#define REVIEW_MAX_ARGS 4096
#define REVIEW_MAX_HISTORY 256

/* A parsed request: review's strings point into the request's own memory. */
struct review_req {
	struct review r;
	void *priv;
};

/* Parses one request body. Returns 0, -EBADMSG (not JSON, or not an object)
 * or -EINVAL (a field is missing, mistyped, or kind is unknown); err then
 * holds a message for the client. On success free with review_req_free(). */
int review_req_parse(const char *buf, size_t len, struct review_req *req, char *err, size_t errlen);
void review_req_free(struct review_req *req);

/* The answer as a malloc'd JSON string (no newline). Returns 0 or -ENOMEM. */
int jury_answer_json(const struct jury_answer *ans, char **ret, size_t *retlen);
/* {"error":msg} as a malloc'd string, or NULL on ENOMEM. */
char *jury_error_json(const char *msg);

#endif
