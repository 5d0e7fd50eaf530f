// SPDX-License-Identifier: GPL-2.0-only
/*
 * What `sevorix run` says about its command and its policy before and when
 * the command starts: which file the command is (${AGENT_DIR} is taken from
 * it, so a profile finds the agent's install directory wherever npm put
 * it), and which allow rules grant nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/agent.h"
#include "run/run.h"
#include "util/log.h"

int run_find_command(const char *argv0, char *command, size_t clen, char *agent_dir,
		     size_t dlen)
{
	/* the agent keeps this environment, so its execvp() searches this PATH */
	int r = policy_resolve_command(argv0, getenv("PATH"), command, clen);

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
		fprintf(stderr, "%s: %s\n", log_prefix(), diag.lines[i]);
	policy_diag_clear(&diag);
}
