/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The jury's privilege drop and peer check (priv.h).
 *
 * The order of the drop matters, as for the agent (docs/confinement.md): a
 * changed uid alone is not enough, since a binary with file capabilities
 * would regain them at exec. So supplementary groups and gid first, while
 * we still may; then the capability bounding set is emptied (needs
 * CAP_SETPCAP, so before setuid); then the uid, which clears the permitted
 * and effective sets; then the ambient set and no_new_privs, so no later
 * exec can gain privileges back.
 *
 * Peers are identified by SO_PEERCRED (uid, primary gid) and SO_PEERGROUPS
 * (supplementary groups), both taken by the kernel at connect() time.
 */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jury/server/priv.h"

extern char **environ;

static int user_create(const char *user)
{
	char *argv[] = {
		"useradd",	"--system", "--user-group",	 "--no-create-home", "--home-dir",
		"/nonexistent", "--shell",  "/usr/sbin/nologin", (char *)user,	     NULL
	};
	pid_t pid;
	int status, ret;

	/* Debian keeps useradd in /usr/sbin, which a minimal PATH may lack. */
	if (access("/usr/sbin/useradd", X_OK) == 0)
		ret = posix_spawn(&pid, "/usr/sbin/useradd", NULL, NULL, argv, environ);
	else
		ret = posix_spawnp(&pid, "useradd", NULL, NULL, argv, environ);
	if (ret)
		return -ret;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int jury_user_resolve(const char *user, struct jury_ids *ids)
{
	struct passwd *pw;
	int ret;

	errno = 0;
	pw = getpwnam(user);
	if (!pw && !strcmp(user, JURY_USER) && geteuid() == 0) {
		ret = user_create(user);
		if (ret)
			return ret;
		pw = getpwnam(user);
	}
	if (!pw)
		return errno ? -errno : -ENOENT;
	ids->uid = pw->pw_uid;
	ids->gid = pw->pw_gid;
	return 0;
}

int jury_drop_privileges(const struct jury_ids *ids)
{
	int cap;

	if (setgroups(1, &ids->gid) || setresgid(ids->gid, ids->gid, ids->gid))
		return -errno;
	for (cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL)
			return -errno;
	if (setresuid(ids->uid, ids->uid, ids->uid))
		return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	/* Verify: a drop that did not happen must not go unnoticed. */
	if (ids->uid != 0 && (setuid(0) == 0 || geteuid() == 0))
		return -EPERM;
	return 0;
}

bool jury_peer_trusted(int fd, uid_t self, gid_t trusted_gid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	gid_t groups[256];
	size_t i, n;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) || len != sizeof(cred))
		return false;
	if (cred.uid == 0 || cred.uid == self || cred.gid == trusted_gid)
		return true;
	len = sizeof(groups);
	/* A peer in more than 256 groups gets ERANGE here and is refused:
	 * no answer from the kernel is no trust (fail closed). */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len))
		return false;
	n = len / sizeof(gid_t);
	for (i = 0; i < n; i++)
		if (groups[i] == trusted_gid)
			return true;
	return false;
}
