// SPDX-License-Identifier: GPL-2.0-only
/*
 * `create: dir|file` on a files rule: `sevorix run` makes the path before
 * the agent starts, so that an allow rule on a path the agent's tools
 * would make themselves (~/.claude) grants something, and a deny rule on
 * a path that does not exist yet (~/.aws) can be masked.
 *
 * The path is made by a helper process that is the agent user (its uid,
 * its gid, no other group), so the host's permissions decide as they
 * would for the agent, and one component at a time from "/" with
 * symbolic links refused (openat2 RESOLVE_NO_SYMLINKS): a link planted
 * on the way cannot send the creation elsewhere. Missing directories on
 * the way are made too; everything is made mode 0700 (directories) or
 * 0600 (files), private to the agent user, as a tool would make its
 * configuration.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

static int open_no_links(int dirfd, const char *name, int flags, mode_t mode)
{
	struct open_how how = { .flags = flags | O_NOFOLLOW | O_CLOEXEC,
				.mode = mode,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };

	return (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
}

/* The last component: 1 made, 0 there already (of the right kind), or -errno. */
static int make_last(int dir, const char *name, enum sx_create kind)
{
	struct stat st;
	int fd;

	if (kind == SX_CREATE_DIR && mkdirat(dir, name, 0700) == 0)
		return 1;
	if (kind == SX_CREATE_FILE) {
		fd = open_no_links(dir, name, O_CREAT | O_EXCL | O_WRONLY, 0600);
		if (fd >= 0) {
			close(fd);
			return 1;
		}
	}
	if (errno != EEXIST)
		return -errno;
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode))
		return -ELOOP; /* fail closed: a link is not what the rule names */
	if (kind == SX_CREATE_DIR ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
		return kind == SX_CREATE_DIR ? -ENOTDIR : -EISDIR;
	return 0;
}

/* Runs as the agent user. Returns 1 made, 0 there already, or -errno. */
static int create_one(const char *path, enum sx_create kind)
{
	char buf[PATH_MAX], *name, *slash;
	int dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), next, r;

	if (strlen(path) >= sizeof(buf) || path[0] != '/' || !path[1])
		return -EINVAL;
	strcpy(buf, path);
	name = buf + 1;
	while (dir >= 0 && (slash = strchr(name, '/'))) {
		*slash = '\0';
		next = open_no_links(dir, name, O_PATH | O_DIRECTORY, 0);
		if (next < 0 && errno == ENOENT && mkdirat(dir, name, 0700) == 0)
			next = open_no_links(dir, name, O_PATH | O_DIRECTORY, 0);
		r = errno;
		close(dir);
		dir = next;
		errno = r;
		name = slash + 1;
	}
	if (dir < 0)
		return -errno;
	r = make_last(dir, name, kind);
	close(dir);
	return r;
}

/* The helper: becomes the agent user, makes each path, writes {index, result} pairs. */
static void __attribute__((noreturn)) helper(const struct policy *p, uid_t uid, gid_t gid, int fd)
{
	if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		_exit(125);
	for (size_t i = 0; i < p->nfile_rules; i++) {
		int msg[2] = { (int)i, 0 };

		if (p->file_rules[i].create == SX_CREATE_NONE)
			continue;
		msg[1] = create_one(p->file_rules[i].expanded, p->file_rules[i].create);
		if (write(fd, msg, sizeof(msg)) != sizeof(msg))
			_exit(125);
	}
	_exit(0);
}

static int collect(const struct policy *p, int fd,
		   void (*show)(const char *, const struct file_rule *, void *), void *arg,
		   char *err, size_t errlen)
{
	int msg[2];

	while (read(fd, msg, sizeof(msg)) == sizeof(msg)) {
		const struct file_rule *r;

		if (msg[0] < 0 || (size_t)msg[0] >= p->nfile_rules)
			return -EPROTO;
		r = &p->file_rules[msg[0]];
		if (msg[1] < 0) {
			snprintf(err, errlen, "%s:%u: cannot create %s as the agent user: %s",
				 r->loc.file ? r->loc.file : "?", r->loc.line, r->expanded,
				 strerror(-msg[1]));
			return msg[1];
		}
		if (msg[1] > 0 && show)
			show(r->expanded, r, arg);
	}
	return 0;
}

int sandbox_create(const struct policy *p, uid_t uid, gid_t gid,
		   void (*show)(const char *path, const struct file_rule *r, void *arg), void *arg,
		   char *err, size_t errlen)
{
	size_t n = 0;
	int fds[2], st = 0, r;
	pid_t pid;

	if (err && errlen)
		err[0] = '\0';
	for (size_t i = 0; i < p->nfile_rules; i++)
		n += p->file_rules[i].create != SX_CREATE_NONE;
	if (!n)
		return 0;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		helper(p, uid, gid, fds[1]);
	}
	close(fds[1]);
	r = pid < 0 ? -errno : collect(p, fds[0], show, arg, err, errlen);
	close(fds[0]);
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	if (!r && (!WIFEXITED(st) || WEXITSTATUS(st)))
		r = -ECHILD; /* fail closed: the helper could not become the agent user */
	if (r < 0 && !err[0])
		snprintf(err, errlen, "cannot create the paths of create: rules: %s", strerror(-r));
	return r;
}
