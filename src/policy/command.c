// SPDX-License-Identifier: GPL-2.0-only
/*
 * The agent's command as `sevorix run` will start it (policy/agent.h):
 * the file execvp() finds, and the ${AGENT_DIR} it lies in. Apart from
 * agent.c because it needs no user database: the explanations that use it
 * are linked into static programs too (the qemu guest suite).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/agent.h"
#include "util/which.h"

int policy_resolve_command(const char *argv0, char *buf, size_t len)
{
	char found[PATH_MAX], real[PATH_MAX];
	int r = which_command(argv0, found, sizeof(found));

	if (r < 0)
		return r;
	if (!realpath(found, real))
		return -ENOENT;
	return (size_t)snprintf(buf, len, "%s", real) < len ? 0 : -ENAMETOOLONG;
}

void policy_agent_dir(const char *command, char *buf, size_t len)
{
	const char *nm = strstr(command, "/node_modules/");

	if (nm)
		snprintf(buf, len, "%.*s", (int)(nm - command + strlen("/node_modules")), command);
	else
		snprintf(buf, len, "%s", command);
}
