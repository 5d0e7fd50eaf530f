// SPDX-License-Identifier: GPL-2.0-only
/*
 * What `sevorix run` says about its command and its policy before and when
 * the command starts: which file the command is (${AGENT_DIR} is taken from
 * it, so a profile finds the agent's install directory wherever npm put
 * it), which allow rules grant nothing, and, when the command cannot be
 * started because the policy refuses it, the rule that refused it and one
 * that would allow it. The agent itself learns nothing of this: it only
 * ever gets the errno.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/agent.h"
#include "policy/explain.h"
#include "run/run.h"
#include "util/log.h"

int run_find_command(const char *argv0, char *command, size_t clen, char *agent_dir,
		     size_t dlen)
{
	/* the agent keeps this environment, so its execvp() searches this PATH */
	int r = policy_resolve_command(argv0, command, clen);

	if (r < 0)
		return r;
	policy_agent_dir(command, agent_dir, dlen);
	log_info("command %s, ${AGENT_DIR} %s", command, agent_dir);
	return 0;
}

void run_warn_paths(const struct policy *p)
{
	struct policy_diag diag = { 0 };

	policy_check_paths(p, &diag);
	for (size_t i = 0; i < diag.nlines; i++)
		log_notice("%s", diag.lines[i]); /* the line says "warning:" itself */
	policy_diag_clear(&diag);
}

/*
 * The files a shell or a tool runs or obeys when the user next starts one.
 * The profiles never grant them, but a policy may through a broader rule:
 * the default's ${WORKSPACE} when the agent is started in $HOME, or /tmp
 * when $HOME is below it.
 */
static const char *const startup_files[] = {
	".bashrc", ".bash_profile", ".bash_login", ".profile", ".zshrc", ".zprofile",
	".gitconfig", ".npmrc", ".ssh/authorized_keys",
};

/*
 * In a private /tmp, only what is bound in from the host outlives the run:
 * the paths the rules name (and what lies below them) and the workspace.
 */
static bool outlives(const struct policy *p, const char *path)
{
	const char *ws = p->builtin[POLICY_VAR_WORKSPACE].value;

	if (p->tmp != SX_TMP_PRIVATE || !policy_path_covers("/tmp", path))
		return true;
	if (ws && policy_path_covers(ws, path))
		return true;
	for (size_t i = 0; i < p->nfile_rules; i++)
		if (policy_path_covers(p->file_rules[i].expanded, path) &&
		    strcmp(p->file_rules[i].expanded, "/tmp"))
			return true;
	return false;
}

void run_warn_startup_files(const struct policy *p, const char *home)
{
	char path[4096], rule[4200];
	const struct file_rule *r;
	struct stat st;

	/* a policy without files rules says so itself; a home that is not there has none */
	if (!p->files.present || !home || stat(home, &st) < 0)
		return;
	for (size_t i = 0; i < sizeof(startup_files) / sizeof(startup_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", home, startup_files[i]);
		if (policy_decide_file(p, path, SX_ACCESS_WRITE, &r) != SX_ALLOW ||
		    !outlives(p, path))
			continue;
		policy_rule_name(r ? &r->loc : NULL, rule, sizeof(rule));
		log_warn("the agent may write %s (rule %s): what it puts there outlives the run",
			 path, rule);
	}
}

void run_explain_start(const struct policy *p, const char *command, const char *agent_dir,
		       char *const argv[], int err)
{
	struct policy_why w;
	char what[4096];

	if ((err != EACCES && err != EPERM) ||
	    !policy_explain_start(p, command, argv, &w, what, sizeof(what)))
		return;
	if (w.loc)
		log_error("%s: exec refused by %s:%u, %s: %s", what, w.loc->file, w.loc->line,
			  w.section, w.rule);
	else
		log_error("%s: exec refused by the %s section's %s (no rule allows it)", what,
			  w.section, w.rule);
	if (w.fix_is_rule)
		log_error("to allow it, add to %s.rules:\n    %s", w.section, w.fix);
	else
		log_error("to allow it, %s", w.fix);
	if (strstr(w.fix, "${AGENT_DIR}"))
		log_error("(${AGENT_DIR} is %s, found from the command; the agent profiles, "
			  "--profile NAME, grant it)", agent_dir);
}
