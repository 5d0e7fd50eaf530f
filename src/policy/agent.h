/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Who the agent runs as, and its policy as that user sees it: ${HOME} and
 * ${USER} are the agent's, ${WORKSPACE} the directory it starts in. Every
 * way into protection (run, attach, containers, policy apply, the
 * daemon's reloads) and `policy check|print` load a rulebook through here,
 * so they all mean the same by it.
 */
#ifndef SEVORIX_POLICY_AGENT_H
#define SEVORIX_POLICY_AGENT_H

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
int policy_agent_user(const char *user, struct agent_user *ret);

/*
 * The command argv0 as execvp() in the agent finds it (which_command(),
 * util/which.h: $PATH), with every symbolic link resolved: 0 with the
 * file in buf, or -ENOENT, -ENAMETOOLONG.
 */
int policy_resolve_command(const char *argv0, char *buf, size_t len);
/*
 * ${AGENT_DIR} for a resolved command: the outermost node_modules directory
 * above it (an npm prefix: the package, its platform packages and its
 * dependencies), else the command file itself, so a command outside npm
 * gets nothing beside it.
 */
void policy_agent_dir(const char *command, char *buf, size_t len);

/* Loads file for user (as policy_agent_user()) with ${WORKSPACE} = cwd; diag as policy_load(). */
int policy_load_as(const char *file, const char *user, struct policy **ret,
		   struct policy_diag *diag);
/* Loads file for u with ${WORKSPACE} = workspace; diag as policy_load(). */
int policy_load_for(const char *file, const struct agent_user *u, const char *workspace,
		    struct policy **ret, struct policy_diag *diag);
/* The same with ${AGENT_DIR} = agent_dir (NULL: not known). */
int policy_load_cmd(const char *file, const struct agent_user *u, const char *workspace,
		    const char *agent_dir, struct policy **ret, struct policy_diag *diag);
/*
 * Loads file as the owner of process owner sees it, with ${WORKSPACE}
 * the current directory of process cwd_of ("/" when it cannot be read):
 * for a tree Sevorix did not start itself (a container, the agent of a
 * run that gets a new policy). Returns as policy_load(), or the -errno
 * of /proc/OWNER when that process is gone.
 */
int policy_load_as_process(const char *file, int owner, int cwd_of, struct policy **ret,
			   struct policy_diag *diag);

#endif
