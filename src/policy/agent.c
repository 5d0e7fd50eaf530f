// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who the agent runs as, and its policy (policy/agent.h). Shared by every
 * command so that `policy print --expand` shows exactly what `run` will
 * enforce.
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/agent.h"

static int parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || *end || *out > UINT_MAX - 1 ? -EINVAL : 0;
}

static int fill(struct passwd *pw, struct agent_user *u)
{
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	if (snprintf(u->name, sizeof(u->name), "%s", pw->pw_name) >= (int)sizeof(u->name) ||
	    snprintf(u->home, sizeof(u->home), "%s", pw->pw_dir) >= (int)sizeof(u->home))
		return -ENAMETOOLONG;
	return 0;
}

int policy_agent_user(const char *user, struct agent_user *ret)
{
	unsigned long id, gid;
	struct passwd *pw;

	memset(ret, 0, sizeof(*ret));
	if (user) {
		pw = parse_id(user, &id) == 0 ? getpwuid(id) : getpwnam(user);
		return pw ? fill(pw, ret) : -ENOENT;
	}
	if (parse_id(getenv("SUDO_UID"), &id) == 0) {
		pw = getpwuid(id);
		if (!pw)
			return -ENOENT;
		fill(pw, ret);
		if (parse_id(getenv("SUDO_GID"), &gid) == 0)
			ret->gid = gid;
		return 0;
	}
	pw = getpwuid(getuid());
	return pw ? fill(pw, ret) : -ENOENT;
}

int policy_load_cmd(const char *file, const struct agent_user *u, const char *workspace,
		    const char *agent_dir, struct policy **ret, struct policy_diag *diag)
{
	struct policy_env env = { u->home, u->name, workspace, agent_dir };

	return policy_load(file, &env, ret, diag);
}

int policy_load_for(const char *file, const struct agent_user *u, const char *workspace,
		    struct policy **ret, struct policy_diag *diag)
{
	return policy_load_cmd(file, u, workspace, NULL, ret, diag);
}

int policy_load_as(const char *file, const char *user, struct policy **ret,
		   struct policy_diag *diag)
{
	char cwd[PATH_MAX];
	struct agent_user u;
	int r = policy_agent_user(user, &u);

	if (r < 0)
		return r;
	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	return policy_load_for(file, &u, cwd, ret, diag);
}

int policy_load_as_process(const char *file, int owner, int cwd_of, struct policy **ret,
			   struct policy_diag *diag)
{
	char link[64], cwd[PATH_MAX] = "/", uid[32];
	struct agent_user u;
	struct stat st;
	ssize_t n;
	int r;

	snprintf(link, sizeof(link), "/proc/%d", owner);
	if (stat(link, &st) < 0)
		return -errno;
	snprintf(uid, sizeof(uid), "%u", st.st_uid);
	snprintf(link, sizeof(link), "/proc/%d/cwd", cwd_of);
	n = readlink(link, cwd, sizeof(cwd) - 1);
	cwd[n > 0 ? n : 1] = 0;
	r = policy_agent_user(uid, &u);
	return r ?: policy_load_for(file, &u, cwd, ret, diag);
}
