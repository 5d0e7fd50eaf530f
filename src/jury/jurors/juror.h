/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The face every juror shows the jury.
 *
 * A juror is one method of judging an action (a rulebook, a classifier, a
 * grounding check, a model server ...). The jury parses a review request
 * (docs/review-api.md) into a struct review, asks each configured juror for
 * a struct vote, and combines the votes by its consensus rule. A juror
 * never sees raw JSON or HTTP, and the jury never looks inside a juror.
 *
 * Contract for vote(): it fills *out and returns 0, or returns -errno; a
 * negative return, a vote of VOTE_ERROR, or a confidence outside [0,1] is
 * counted by the jury as an error vote, which denies unless the juror is
 * advisory (fail closed). vote() may be called from several threads at
 * once; per-call state lives on the stack or behind the juror's own lock.
 */
#ifndef SEVORIX_JUROR_H
#define SEVORIX_JUROR_H

#include <stdbool.h>
#include <stddef.h>

#include "review/review.h"
#include "shell/shlex.h"

struct vote {
	enum vote_verdict verdict;
	double confidence;	/* in [0,1]: how sure of verdict */
	char reason[VOTE_REASON_MAX];
};

/* One juror entry of jury.yaml, as the jury parsed it. */
struct juror_config {
	const char *name;	/* unique; defaults to kind */
	const char *kind;	/* "rulebook", "ngram", ... */
	const char *role;
	const char *prompt;
	const char *model;	/* a file, or a model name for servers */
	const char *endpoint;	/* http://, https:// or unix:///path */
	const char *data_dir;	/* where trained model files live */
	const char *library;	/* in-process models: libllama to open; NULL = default */
	int threads;		/* in-process models: CPU threads; 0 = default */
	int ctx;		/* in-process models: context tokens; 0 = default */
	int deadline_ms;
	int human_deadline_ms;	/* the human juror: how long a person may take */
	int escalate_after;	/* the human juror: denials in a row that hand a run to it */
	double weight;
	bool advisory;
	bool veto;
};

struct juror;

struct juror_ops {
	const char *kind;
	/* Asks a language model (in process or over the network): milliseconds
	 * to seconds a vote. The tiered consensus asks these jurors only when
	 * the others split; every other juror is a fast one. */
	bool model;
	/* Asks a person (the human juror): slow like a model, asked when they are. */
	bool person;
	/* Votes on a thread of its own, as a juror with an endpoint does: its
	 * vote waits on something outside the jury. */
	bool waits;
	/* Returns 0 or -errno; on error *err names the reason (static or in errbuf). */
	int (*open)(const struct juror_config *cfg, struct juror **ret, char *errbuf,
		    size_t errlen);
	int (*vote)(struct juror *j, const struct review *r, struct vote *out);
	void (*close)(struct juror *j);
};

/*
 * Parses the command of an exec review (its argv, else its path alone)
 * into a freshly allocated result, as shlex_parse_argv() does. Returns 0,
 * -EINVAL when the review has no command, or -ENOMEM.
 */
int juror_parse_exec(const struct review *r, struct shlex_result **ret);

/* Copies printf output into v->reason (truncating) and sets verdict/confidence. */
void vote_set(struct vote *v, enum vote_verdict verdict, double confidence, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
