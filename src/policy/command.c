// SPDX-License-Identifier: GPL-2.0-only
/*
 * The agent's command as `sevorix run` will start it (policy/agent.h):
 * the file execvp() finds, and the ${AGENT_DIR} it lies in. Apart from
 * agent.c because it needs no user database: the explanations that use it
 * are linked into static programs too (the qemu guest suite).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/agent.h"

static bool is_exec_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

int policy_resolve_command(const char *argv0, const char *path_env, char *buf, size_t len)
{
	char cand[PATH_MAX], real[PATH_MAX], dflt[256];
	const char *d;

	if (!*argv0)
		return -ENOENT;
	if (strchr(argv0, '/')) {
		snprintf(cand, sizeof(cand), "%s", argv0);
	} else {
		if (!path_env && confstr(_CS_PATH, dflt, sizeof(dflt)) > 0)
			path_env = dflt;
		cand[0] = 0;
		for (d = path_env ?: ""; *d; d += *d == ':') {
			size_t n = strcspn(d, ":");

			/* an empty entry is the current directory, as for execvp() */
			snprintf(cand, sizeof(cand), "%.*s%s%s", (int)n, d, n ? "/" : "", argv0);
			d += n;
			if (is_exec_file(cand))
				break;
			cand[0] = 0;
		}
	}
	if (!cand[0] || !realpath(cand, real))
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
