/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The review API's wire format (docs/review-api.md), as both of its sides
 * hold it in memory: the action to judge (struct review), the verdicts,
 * and the request's JSON body. The supervisor fills a struct review and
 * sends its encoding (review/client.h); the jury parses the same JSON back
 * into one, and its jurors vote on it. Nothing here belongs to either
 * side, so the supervisor reaches it without any header of the jury.
 */
#ifndef SEVORIX_REVIEW_H
#define SEVORIX_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum review_kind {
	REVIEW_EXEC = 1,
	REVIEW_CONNECT = 2,
	REVIEW_OPEN = 3,
};

enum vote_verdict {
	VOTE_ALLOW = 0,
	VOTE_DENY = 1,
	VOTE_ABSTAIN = 2,
	VOTE_ERROR = 3,
};

/* One review request. Strings are NUL-terminated, NULL when absent. */
struct review {
	const char *id;
	enum review_kind kind;

	/* exec */
	const char *path;	/* exec and open */
	const char *const *argv;
	size_t argc;
	const char *cwd;

	/* connect */
	const char *family;	/* "inet" | "inet6" | "unix" */
	const char *addr;
	int port;		/* -1 when absent */
	const char *host;	/* the name the address was learnt from; a lookup: the name
				 * alone, without family and addr (docs/dns.md) */

	/* open */
	const char *access;	/* "read" | "write" | "exec" */

	/* optional context */
	bool has_uid;
	uid_t uid;
	const char *workspace;
	const char *root;	/* the agent's filesystem root; "/" when absent */
	const char *agent;
	const char *task;
	const char *run;	/* the run the action belongs to (its id), from the supervisor */
	const char *const *history;
	size_t nhistory;

	/*
	 * exec: where the call came from, read by the supervisor from the
	 * process tree at the hold. The agent can rewrite its own processes'
	 * command lines, so jurors let this context make a verdict stricter,
	 * never more lenient.
	 */
	const char *script;	/* the -c script of the nearest shell (caller or ancestor) */
	bool script_cut;	/* longer than REVIEW_SCRIPT_MAX: its head and tail were kept */
	const char *const *parents; /* program names of the caller's ancestors, nearest first */
	size_t nparents;
};

/* Bounds of the context, as the supervisor sends it and the jury accepts it. */
#define REVIEW_SCRIPT_MAX 16384
#define REVIEW_MAX_PARENTS 32

/* The size of a reason, with its NUL: longer ones are cut. */
#define VOTE_REASON_MAX 256

/* "allow", "deny", "abstain" or "error" (anything out of range). */
const char *vote_verdict_name(enum vote_verdict v);

/* The request body for r (docs/review-api.md), malloc'd. Returns 0, -EINVAL
 * (a kind out of range) or -ENOMEM. */
int review_encode(const struct review *r, char **ret, size_t *retlen);

/* A deep copy of r in one allocation (free() it); NULL on ENOMEM. */
struct review *review_dup(const struct review *r);

/* The normalized request: every field but id, in a fixed order, as a
 * malloc'd string. Two requests that mean the same have the same key.
 * Returns 0 or -ENOMEM. */
int review_key(const struct review *r, char **ret, size_t *retlen);

#endif
