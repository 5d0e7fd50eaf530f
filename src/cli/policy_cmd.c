// SPDX-License-Identifier: GPL-2.0-only
/*
 * sevorix policy check|print FILE: the rulebook as the loader sees it.
 * Both load the policy for the invoking user (SUDO_UID when run by sudo),
 * with ${WORKSPACE} defaulting to the current directory and ${AGENT_DIR}
 * from --command, exactly as `sevorix run` would.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply/apply.h"
#include "attach/attach.h"
#include "cli/cli.h"
#include "jury/jury.h"
#include "policy/agent.h"
#include "runs/runs.h"
#include "sevorix/policy.h"
#include "util/log.h"
#include "util/opts.h"

/* True for an attachment (or a container), false for a run or an unknown ID. */
static bool run_is_attached(const char *id)
{
	struct run_info ri;

	return run_state_read(id, &ri) == 0 && ri.attached;
}

static bool has_review(const struct policy *p)
{
	if (p->network.def == SX_REVIEW || p->exec.def == SX_REVIEW)
		return true;
	for (size_t i = 0; i < p->nnet_rules; i++)
		if (p->net_rules[i].action == SX_REVIEW)
			return true;
	for (size_t i = 0; i < p->nexec_rules; i++)
		if (p->exec_rules[i].action == SX_REVIEW)
			return true;
	return false;
}

/*
 * The jury must answer before the hold gives up, or every review is denied
 * by the deadline: its worst case is its own deadline plus a person's and
 * the cloud's.
 */
static void check_jury_deadline(const struct policy *p, const char *jury_config)
{
	struct jury_config *cfg = NULL;
	char err[512];
	int worst;

	if (!has_review(p))
		return;
	if (jury_config_load(jury_config, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s:%u:%u: warning: cannot read the jury's configuration: %s\n",
			p->file, p->review_loc.line ?: 1, p->review_loc.col ?: 1, err);
		return;
	}
	worst = jury_config_worst_ms(cfg);
	if (worst >= (int)p->review_deadline_ms)
		fprintf(stderr, "%s:%u:%u: warning: review.deadline_ms (%u) is not longer than "
				"the jury's worst case (%d ms in %s): reviews may be denied by the "
				"deadline\n",
			p->file, p->review_loc.line ?: 1, p->review_loc.col ?: 1,
			p->review_deadline_ms, worst, cfg->path);
	jury_config_free(cfg);
}

static void policy_usage(FILE *f)
{
	fputs("Usage: sevorix policy check [--user USER] [--command CMD] [--jury-config FILE]\n"
	      "                            (FILE | --profile NAME)\n"
	      "       sevorix policy print [--expand] [--user USER] [--command CMD]\n"
	      "                            (FILE | --profile NAME)\n"
	      "       sevorix policy apply ID FILE\n"
	      "       sevorix policy diff [--json] [--user USER] [--workspace DIR] A B\n"
	      "       sevorix policy suggest [--policy P] [--user USER] RUN|EVENTS.jsonl\n\n"
	      "check  print every error and warning as file:line:col: message;\n"
	      "       exit 1 when the policy has errors; warn about allow rules whose path\n"
	      "       does not exist; with review rules, warn when the jury (--jury-config,\n"
	      "       default /etc/sevorix/jury.yaml) may not answer within review.deadline_ms\n"
	      "print  print the normalized policy in evaluation order\n"
	      "       (--expand: with variables expanded)\n"
	      "apply  give a run or an attachment (sevorix attach) a new policy, with no\n"
	      "       gap: a policy with errors is refused and the running one stays; for a\n"
	      "       run, lists the changed rows that need a restart of its agent\n"
	      "diff   show where A and B decide differently (see sevorix policy diff --help)\n"
	      "suggest  the rules that would have allowed a run's denials, as a patch of P\n\n"
	      "--command CMD sets ${AGENT_DIR} as `sevorix run -- CMD` would; --profile\n"
	      "NAME is a profile's name or path (see sevorix-policy(5)).\n", f);
}

struct policy_args {
	bool expand;
	const char *jury_config;
	const char *command;
};

static int policy_opt(int c, const char *arg, void *ctx)
{
	struct policy_args *a = ctx;

	if (c == 'e')
		a->expand = true;
	else if (c == 'c')
		a->command = arg;
	else
		a->jury_config = arg;
	return 0;
}

/* The file of FILE or --profile NAME (exactly one of them). Returns 0, or an exit status. */
static int policy_file(const struct opts *o, int argc, char **argv, char *buf, size_t len)
{
	int r;

	if ((optind + 1 == argc) == !!o->profile || optind + 1 < argc) {
		policy_usage(stderr);
		return 2;
	}
	if (!o->profile)
		return snprintf(buf, len, "%s", argv[optind]) < (int)len ? 0 : 2;
	r = policy_profile_path(o->profile, buf, len);
	if (r < 0)
		log_error("--profile %s: %s", o->profile,
			  r == -ENOENT ? "no such profile (see sevorix-policy(5))" : strerror(-r));
	return r < 0 ? 1 : 0;
}

/* Loads file as `sevorix run -- CMD` would for the invoking user or --user; dir: ${AGENT_DIR}. */
static int load(const char *file, const struct opts *o, const char *dir, struct policy **p,
		struct policy_diag *diag)
{
	char cwd[PATH_MAX];
	struct agent_user u;
	int r = policy_agent_user(o->user, &u);

	if (r < 0)
		return r;
	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	return policy_load_cmd(file, &u, cwd, dir, p, diag);
}

/* sevorix policy check|print [OPTIONS] FILE */
static int check_or_print(const char *verb, int argc, char **argv)
{
	static const struct option own[] = {
		{ "expand", no_argument, NULL, 'e' },
		{ "jury-config", required_argument, NULL, 'j' },
		{ "command", required_argument, NULL, 'c' },
		{ 0 },
	};
	struct policy_args a = { 0 };
	struct opts_cmd cmd = { .shared = OPT_USER | OPT_PROFILE, .letters = "ej:c:", .own = own,
				.fn = policy_opt, .ctx = &a, .usage = policy_usage };
	struct policy_diag diag = { 0 };
	struct opts o = { 0 };
	struct policy *p = NULL;
	char file[PATH_MAX], exe[PATH_MAX], dir[PATH_MAX];
	int r = opts_parse(&cmd, argc, argv, &o);

	if (r >= 0)
		return r;
	if (a.expand && !strcmp(verb, "check")) {
		policy_usage(stderr);
		return 2;
	}
	r = policy_file(&o, argc, argv, file, sizeof(file));
	if (r)
		return r;
	if (a.command && policy_resolve_command(a.command, exe, sizeof(exe)) < 0) {
		log_error("--command %s: not found", a.command);
		return 1;
	}
	if (a.command)
		policy_agent_dir(exe, dir, sizeof(dir));
	r = load(file, &o, a.command ? dir : NULL, &p, &diag);
	if (r == 0 && !strcmp(verb, "check"))
		policy_check_paths(p, &diag);
	policy_diag_print(&diag, stderr);
	policy_diag_clear(&diag);
	if (r == -EINVAL)
		return 1;
	if (r < 0) {
		log_error("%s: %s", file, strerror(-r));
		return 1;
	}
	if (!strcmp(verb, "print"))
		policy_print(p, a.expand, stdout);
	else
		check_jury_deadline(p, a.jury_config);
	policy_free(p);
	return 0;
}

int cmd_policy(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL;

	log_init(verb && !strcmp(verb, "apply") ? "sevorix policy apply" : "sevorix policy");
	if (verb && (!strcmp(verb, "--help") || !strcmp(verb, "-h"))) {
		policy_usage(stdout);
		return 0;
	}
	if (verb && !strcmp(verb, "diff"))
		return cmd_policy_diff(argc - 1, argv + 1);
	if (verb && !strcmp(verb, "suggest"))
		return cmd_policy_suggest(argc - 1, argv + 1);
	if (verb && !strcmp(verb, "apply")) {
		if (argc != 4) {
			policy_usage(stderr);
			return 2;
		}
		return run_is_attached(argv[2]) ? attach_apply(argv[2], argv[3], NULL)
						: run_apply(argv[2], argv[3]);
	}
	if (!verb || (strcmp(verb, "check") && strcmp(verb, "print"))) {
		policy_usage(stderr);
		return 2;
	}
	return check_or_print(verb, argc - 1, argv + 1);
}
