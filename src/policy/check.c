// SPDX-License-Identifier: GPL-2.0-only
/*
 * A loaded policy checked against the machine it is about to run on. An
 * allow rule on a path that does not exist grants nothing: Landlock ties
 * its rules to the files that exist when the run starts, so a directory
 * created later under that name is not covered, and the rule was silently
 * useless (issue 13: `allow ${HOME}/.claude` before ~/.claude existed).
 * `policy check` and `sevorix run` name each such rule; neither fails on it,
 * because optional files (~/.bash_login) are the common case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/internal.h"

struct allow_path {
	const struct policy_loc *loc;
	const char *what, *written, *path;
};

static int by_place(const void *x, const void *y)
{
	const struct policy_loc *a = ((const struct allow_path *)x)->loc;
	const struct policy_loc *b = ((const struct allow_path *)y)->loc;

	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	return a->line != b->line ? (a->line < b->line ? -1 : 1) : (int)a->col - (int)b->col;
}

static void missing(const struct policy *p, const struct allow_path *a, struct policy_diag *diag)
{
	char host[8192], line[16384];
	const struct policy_loc *loc = a->loc;
	struct stat st;

	if (stat(policy_host_path(p, a->path, host, sizeof(host)), &st) == 0)
		return;
	if (strcmp(a->written, a->path))
		snprintf(line, sizeof(line),
			 "%s:%u:%u: warning: %s allow rule on '%s' grants nothing: %s does not exist",
			 loc->file, loc->line, loc->col, a->what, a->written, a->path);
	else
		snprintf(line, sizeof(line),
			 "%s:%u:%u: warning: %s allow rule on %s grants nothing: it does not exist",
			 loc->file, loc->line, loc->col, a->what, a->path);
	loader_diag_add(diag, false, line);
}

/* In file order (the files in the order read), as a user reads them. */
size_t policy_check_paths(const struct policy *p, struct policy_diag *diag)
{
	struct allow_path *a = calloc(p->nfile_rules + p->nexec_rules + 1, sizeof(*a));
	size_t n = 0, before = diag->nwarnings;

	if (!a)
		return 0;
	for (size_t i = 0; p->files.present && i < p->nfile_rules; i++) {
		const struct file_rule *r = &p->file_rules[i];

		/* a path with create: is made before the agent starts, it will exist */
		if (r->action == SX_ALLOW && r->create == SX_CREATE_NONE)
			a[n++] = (struct allow_path){ &r->loc, "files", r->path, r->expanded };
	}
	for (size_t i = 0; p->exec.present && i < p->nexec_rules; i++) {
		const struct exec_rule *r = &p->exec_rules[i];

		if (r->action == SX_ALLOW && r->expanded)
			a[n++] = (struct allow_path){ &r->loc, "exec", r->path, r->expanded };
	}
	qsort(a, n, sizeof(*a), by_place);
	for (size_t i = 0; i < n; i++)
		missing(p, &a[i], diag);
	free(a);
	return diag->nwarnings - before;
}
