// SPDX-License-Identifier: GPL-2.0-only
/*
 * sevorix policy diff | suggest: comparing rulebooks and turning a run's
 * denials into rules (src/learn/). Both load their policies for one agent
 * (--user, else the invoking user; ${WORKSPACE} --workspace, else the
 * current directory), as `sevorix run` would, so that a path written with
 * a variable in one file and spelt out in the other means the same.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "learn/diff.h"
#include "learn/suggest.h"
#include "policy/agent.h"
#include "runs/runs.h"
#include "util/log.h"
#include "util/opts.h"

struct learn_args {
	bool json;
	const char *workspace;
};

static int learn_opt(int c, const char *arg, void *ctx)
{
	struct learn_args *a = ctx;

	if (c == 'J')
		a->json = true;
	else if (c == 'W')
		a->workspace = arg;
	return 0;
}

static const struct option learn_own[] = {
	{ "json", no_argument, NULL, 'J' },
	{ "workspace", required_argument, NULL, 'W' },
	{ 0 },
};

/* Loads file for the agent of o and a; prints its diagnostics. Returns 0, -EINVAL or -errno. */
static int load(const char *file, const struct opts *o, const struct learn_args *a,
		struct policy **ret)
{
	struct policy_diag diag = { 0 };
	char cwd[PATH_MAX];
	struct agent_user u;
	int r = policy_agent_user(o->user, &u);

	if (r < 0) {
		log_error("unknown user '%s'", o->user ? o->user : "?");
		return r;
	}
	if (!a->workspace && !getcwd(cwd, sizeof(cwd)))
		return -errno;
	r = policy_load_for(file, &u, a->workspace ? a->workspace : cwd, ret, &diag);
	if (r < 0)
		policy_diag_print(&diag, stderr);
	policy_diag_clear(&diag);
	if (r < 0 && r != -EINVAL)
		log_error("%s: %s", file, strerror(-r));
	else if (r < 0)
		log_error("%s: policy has errors", file);
	return r;
}

static void diff_usage(FILE *f)
{
	fputs("Usage: sevorix policy diff [--json] [--user USER] [--workspace DIR] A.yaml B.yaml\n\n"
	      "Shows where A and B decide differently (effect, not text): each region of\n"
	      "paths, addresses and ports, or argv, with the action and rule on each side.\n"
	      "Both are loaded for the same agent (--user, --workspace: default the\n"
	      "current directory). Exit 0: no difference; 1: differences; 2: trouble.\n", f);
}

int cmd_policy_diff(int argc, char **argv)
{
	struct learn_args a = { 0 };
	struct opts_cmd cmd = { .shared = OPT_USER, .letters = "W:", .own = learn_own,
				.fn = learn_opt, .ctx = &a, .usage = diff_usage };
	struct policy *pa = NULL, *pb = NULL;
	struct policy_diff *d = NULL;
	struct opts o = { 0 };
	int r = opts_parse(&cmd, argc, argv, &o);

	if (r >= 0)
		return r;
	if (optind + 2 != argc) {
		diff_usage(stderr);
		return 2;
	}
	r = load(argv[optind], &o, &a, &pa);
	r = r ?: load(argv[optind + 1], &o, &a, &pb);
	r = r ?: policy_diff(pa, pb, &d);
	r = r ?: policy_diff_print(d, pa, pb, a.json, stdout);
	if (r < 0 && r != -EINVAL && pa && pb)
		log_error("%s", strerror(-r));
	if (!r)
		r = d->nrows || d->nund ? 1 : 0;
	else
		r = 2;
	policy_diff_free(d);
	policy_free(pa);
	policy_free(pb);
	return r;
}

static void suggest_usage(FILE *f)
{
	fputs("Usage: sevorix policy suggest [--policy P] [--user USER] [--workspace DIR]\n"
	      "                              RUN|EVENTS.jsonl\n\n"
	      "Prints the smallest rules that would have allowed each denial of a run (its\n"
	      "ID, or its events file) as a patch of P (default: the run's policy), with an\n"
	      "explanation: how often each was denied, and the deny rules it overrides.\n"
	      "Apply it with: patch -p0 < FILE. Exit 0, or 1 on trouble.\n", f);
}

/*
 * The run's policy as its start event names it: as it is, or, when that
 * is a relative name that is not here, beside the events file.
 */
static char *run_policy(const char *named, const char *events)
{
	const char *slash = strrchr(events, '/');
	char *p;

	if (!named)
		return NULL;
	if (access(named, R_OK) == 0 || named[0] == '/' || !slash)
		return access(named, R_OK) == 0 ? strdup(named) : NULL;
	if (asprintf(&p, "%.*s/%s", (int)(slash - events), events, named) < 0)
		return NULL;
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}

/* The events of RUN: a file as it is named, else the log of the run of that ID. */
static FILE *open_events(const char *what, const char **run)
{
	char path[4200];
	struct run_info ri;
	FILE *f = fopen(what, "re");

	*run = NULL;
	if (f || strchr(what, '/'))
		return f;
	*run = what;
	if (run_state_read(what, &ri) == 0 && ri.events[0])
		snprintf(path, sizeof(path), "%s", ri.events);
	else
		snprintf(path, sizeof(path), RUN_LOG_DIR "/%s.jsonl", what);
	return fopen(path, "re");
}

static int suggest_run(const char *what, struct opts *o, const struct learn_args *a)
{
	struct denials d = { 0 };
	struct suggestion *s = NULL;
	struct policy *p = NULL;
	char *named = NULL;
	const char *run;
	char err[512];
	FILE *f = open_events(what, &run);
	int r;

	if (!f) {
		log_error("%s: no such events file or run", what);
		return 1;
	}
	r = denials_read(f, run, &d);
	fclose(f);
	if (r < 0) {
		log_error("%s: %s", what, strerror(-r));
		return 1;
	}
	if (!o->policy)
		o->policy = (named = run_policy(d.policy, what)) ? named : POLICY_FILE_DEFAULT;
	r = load(o->policy, o, a, &p);
	r = r ?: policy_suggest(p, &d, &s, err, sizeof(err));
	if (r < 0 && p)
		log_error("%s", err);
	if (!r)
		r = suggest_print(s, stdout);
	suggest_free(s);
	policy_free(p);
	denials_free(&d);
	free(named);
	return r < 0 ? 1 : 0;
}

int cmd_policy_suggest(int argc, char **argv)
{
	struct learn_args a = { 0 };
	struct opts_cmd cmd = { .shared = OPT_USER | OPT_POLICY, .letters = "W:", .own = learn_own,
				.fn = learn_opt, .ctx = &a, .usage = suggest_usage };
	struct opts o = { 0 };
	int r = opts_parse(&cmd, argc, argv, &o);

	if (r >= 0)
		return r;
	if (optind + 1 != argc || a.json) {
		suggest_usage(stderr);
		return 2;
	}
	return suggest_run(argv[optind], &o, &a);
}
