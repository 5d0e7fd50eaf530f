// SPDX-License-Identifier: GPL-2.0-only
/*
 * Building the view: the plan's steps (plan.c), run in order by the child
 * that becomes PID 1 of the run, as root, before anything of the agent
 * runs. Between fork() and exec only system calls are safe, so every
 * string and option here was prepared by the plan; a step that fails
 * stops the rest and is named by its index (fail closed: the run does not
 * start in a view it did not get).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/internal.h"

/*
 * A directory or empty file of the given owner and mode (umask does not
 * apply). Returns 0, or -1 with errno set.
 */
static int make(const struct sbx_step *s, bool dir)
{
	int fd, e = 0;

	if (dir && mkdir(s->path, 0) < 0)
		return -1;
	if (dir)
		fd = open(s->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	else
		fd = open(s->path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (fchown(fd, s->uid, s->gid) < 0 || fchmod(fd, s->mode) < 0)
		e = errno;
	close(fd);
	errno = e;
	return e ? -1 : 0;
}

static int attrs(const struct sbx_step *s)
{
	struct mount_attr a = { 0 };

	if (s->flags & SBX_RO)
		a.attr_set = MOUNT_ATTR_RDONLY;
	else
		a.attr_clr = MOUNT_ATTR_RDONLY;
	return mount_setattr(AT_FDCWD, s->path, s->flags & SBX_ONE ? 0 : AT_RECURSIVE, &a,
			     sizeof(a));
}

static int attach(struct sandbox *sb, const struct sbx_step *s)
{
	int fd = sb->slots[s->slot], r;

	r = move_mount(fd, "", AT_FDCWD, s->path, MOVE_MOUNT_F_EMPTY_PATH);
	close(fd);
	sb->slots[s->slot] = -1;
	return r;
}

static int mask_file(const struct sbx_step *s)
{
	const unsigned long ro = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV |
				 MS_NOEXEC;

	if (mount(s->src, s->path, NULL, MS_BIND, NULL) < 0)
		return -1;
	return mount(NULL, s->path, NULL, ro, NULL);
}

static int write_file(const struct sbx_step *s)
{
	int fd = open(s->path, O_WRONLY | O_CLOEXEC), e;
	size_t n = strlen(s->src);

	if (fd < 0)
		return -1;
	e = write(fd, s->src, n) == (ssize_t)n ? 0 : -1;
	close(fd);
	return e;
}

/* Returns 0, or -1 with errno set. */
static int step(struct sandbox *sb, const struct sbx_step *s)
{
	switch (s->kind) {
	case SBX_UNSHARE:
		return unshare(CLONE_NEWNS | CLONE_NEWIPC);
	case SBX_PRIVATE:
		return mount(NULL, s->path, NULL, MS_REC | MS_PRIVATE, NULL);
	case SBX_CLONE:
		sb->slots[s->slot] = open_tree(AT_FDCWD, s->path,
					       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		return sb->slots[s->slot] < 0 ? -1 : 0;
	case SBX_READONLY:
		return attrs(s);
	case SBX_BIND_SELF:
		return mount(s->path, s->path, NULL, MS_BIND | MS_REC, NULL);
	case SBX_ATTACH:
		return attach(sb, s);
	case SBX_TMPFS:
	case SBX_MASK_DIR:
		return mount("tmpfs", s->path, "tmpfs", s->flags, s->src);
	case SBX_DIR:
	case SBX_FILE:
		return make(s, s->kind == SBX_DIR);
	case SBX_SYMLINK:
		return symlink(s->src, s->path);
	case SBX_MASK_FILE:
		return mask_file(s);
	case SBX_UNLINK:
		return unlink(s->path);
	case SBX_PROC:
		return mount("proc", s->path, "proc", s->flags, s->src);
	case SBX_MQUEUE:
		return mount("mqueue", s->path, "mqueue", s->flags, NULL);
	case SBX_WRITE:
		return write_file(s);
	case SBX_CHDIR:
		return chdir(s->path);
	}
	errno = EINVAL;
	return -1;
}

int sandbox_enter(struct sandbox *sb, size_t *failed)
{
	int r = 0;

	for (size_t i = 0; i < sb->nsteps && !r; i++) {
		if (step(sb, &sb->steps[i]) == 0)
			continue;
		if (errno == ENOENT && sb->steps[i].optional)
			continue; /* the kernel or the system does not have it: nothing to isolate */
		r = -errno;
		*failed = i;
	}
	for (size_t i = 0; i < sb->nslots; i++)
		if (sb->slots[i] >= 0) {
			close(sb->slots[i]);
			sb->slots[i] = -1;
		}
	return r;
}
