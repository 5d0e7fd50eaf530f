// SPDX-License-Identifier: GPL-2.0-only
/*
 * The per-boot cut of the kernel's BTF for one BPF object (util/corebtf.h).
 * A cut is the file DIR/BOOT-BUILD-NAME.btf: the boot and the build in
 * its name, so that neither another kernel nor another build's object
 * ever meets it. It is made by bpftool from the object's bytes, written to
 * a temporary name and renamed into place, so a reader finds the whole
 * file or none; two runs that make it at once both rename a whole one.
 * libbpf opens the file by name when it loads the object: a cut that root
 * removes in between fails that load, and the layer is not started (fail
 * closed); the next run makes the cut again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/corebtf.h"
#include "util/probecache.h"

#define KERNEL_BTF "/sys/kernel/btf/vmlinux"

/* Where Debian and others install bpftool; never a directory of PATH. */
static const char *const bpftools[] = { "/usr/sbin/bpftool", "/usr/bin/bpftool",
					"/sbin/bpftool" };

/* dir exists (made root's, 0700, if not), and it and its parent are trusted. */
static int dir_ok(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || !probecache_trusted(&st))
		return -EPERM; /* someone else's directory: nothing in it is used */
	return probecache_dir_trusted(dir);
}

/* 0 when path is a whole cut that only root can have written. */
static int usable(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	int r;

	if (fd < 0)
		return -errno;
	r = fstat(fd, &st) < 0 ? -errno : 0;
	if (!r && (!S_ISREG(st.st_mode) || !probecache_trusted(&st) || st.st_size == 0))
		r = -EPERM; /* fail closed: not ours, so the kernel's own BTF is parsed */
	close(fd);
	return r;
}

static int write_all(int fd, const void *buf, size_t size)
{
	const char *p = buf;

	while (size) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		size -= n;
	}
	return 0;
}

/* Runs `bpftool gen min_core_btf` for obj into out, quietly. Returns 0 or -errno. */
static int run_bpftool(const char *bpftool, const char *out, const char *obj)
{
	char *argv[] = { (char *)"bpftool", (char *)"gen", (char *)"min_core_btf",
			 (char *)KERNEL_BTF, (char *)out, (char *)obj, NULL };
	char *envp[] = { (char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	posix_spawn_file_actions_t fa;
	int r, status;
	pid_t pid;

	if (posix_spawn_file_actions_init(&fa))
		return -ENOMEM;
	for (int fd = 0; fd < 3; fd++)
		posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", O_RDWR, 0);
	r = -posix_spawn(&pid, bpftool, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	if (r)
		return r;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno; /* not reaped here: its output is not trusted */
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/* A bpftool that only root can have put there, or NULL. */
static const char *find_bpftool(void)
{
	struct stat st;

	for (size_t i = 0; i < sizeof(bpftools) / sizeof(bpftools[0]); i++)
		if (stat(bpftools[i], &st) == 0 && S_ISREG(st.st_mode) &&
		    probecache_trusted(&st) && (st.st_mode & S_IXUSR))
			return bpftools[i];
	return NULL;
}

/* Removes the cuts of other boots (a /run that outlived a reboot). */
static void prune(const char *dir, const char *boot)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && strncmp(e->d_name, boot, strlen(boot)))
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

/* Makes the cut of elf[size] at path. Returns 0 or -errno. */
static int make(const char *dir, const char *bpftool, const void *elf, size_t size,
		const char *path)
{
	char obj[PATH_MAX], out[PATH_MAX];
	int fd, r;

	snprintf(obj, sizeof(obj), "%s/.obj.XXXXXX", dir);
	if (snprintf(out, sizeof(out), "%s.XXXXXX", path) >= (int)sizeof(out))
		return -ENAMETOOLONG;
	fd = mkostemp(obj, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = write_all(fd, elf, size);
	close(fd);
	fd = r ? -1 : mkostemp(out, O_CLOEXEC);
	if (!r && fd < 0)
		r = -errno;
	if (!r) {
		close(fd);
		r = run_bpftool(bpftool, out, obj);
	}
	if (!r && (chmod(out, 0644) < 0 || rename(out, path) < 0))
		r = -errno;
	if (r && fd >= 0)
		unlink(out);
	unlink(obj);
	return r;
}

int corebtf_path_at(const char *dir, const char *bpftool, const char *name, const void *elf,
		    size_t size, char *path, size_t len)
{
	char boot[PROBECACHE_ID_LEN], build[PROBECACHE_ID_LEN];
	int r;

	if (geteuid() != 0)
		return -EPERM; /* only root's cuts are used, so only root makes them */
	r = probecache_identity(boot, build);
	r = r ?: dir_ok(dir);
	if (r)
		return r;
	if (snprintf(path, len, "%s/%s-%s-%s.btf", dir, boot, build, name) >= (int)len)
		return -ENAMETOOLONG;
	if (usable(path) == 0)
		return 0;
	if (!bpftool)
		return -ENOENT;
	prune(dir, boot);
	r = make(dir, bpftool, elf, size, path);
	return r ?: usable(path);
}

int corebtf_path(const char *name, const void *elf, size_t size, char *path, size_t len)
{
	if (mkdir(PROBECACHE_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	return corebtf_path_at(COREBTF_DIR, find_bpftool(), name, elf, size, path, len);
}
