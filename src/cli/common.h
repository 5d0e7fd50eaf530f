/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the subcommands: who the agent is, loading its policy. */
#ifndef SEVORIX_CLI_COMMON_H
#define SEVORIX_CLI_COMMON_H

#include <stdbool.h>
#include <sys/types.h>

#include "sevorix/policy.h"

struct agent_user {
	uid_t uid;
	gid_t gid;
	char name[64];
	char home[256];
};

/*
 * The agent's user: --user NAME|UID when given, else SUDO_UID/SUDO_GID,
 * else the caller. Returns 0 or -errno (-ENOENT: no such user).
 */
int cli_agent_user(const char *user, struct agent_user *ret);

/* Loads file for that user with ${WORKSPACE} = cwd; diag as policy_load(). */
int cli_load_policy(const char *file, const char *user, struct policy **ret,
		    struct policy_diag *diag);
int cli_load_policy_for(const char *file, const struct agent_user *u, const char *workspace,
			struct policy **ret, struct policy_diag *diag);

#endif
