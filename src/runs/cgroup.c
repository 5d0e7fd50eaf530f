// SPDX-License-Identifier: GPL-2.0-only
/*
 * The run's cgroup. Sevorix needs only membership, no controllers: the
 * cgroup is what the network programs are attached to and what the
 * tracing programs filter on. It is found through /proc/self/mountinfo
 * because hybrid hosts mount cgroup2 at /sys/fs/cgroup/unified.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runs/cgroup.h"

int cgroup_mount(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int r = -ENOENT;

	if (!f)
		return -errno;
	while (r == -ENOENT && getline(&line, &cap, f) > 0) {
		char mnt[4096], *sep = strstr(line, " - ");

		/* fields: id parent dev root mountpoint ... - fstype source opts */
		if (!sep || strncmp(sep, " - cgroup2 ", 11))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		r = snprintf(buf, len, "%s", mnt) >= (int)len ? -ENAMETOOLONG : 0;
	}
	free(line);
	fclose(f);
	return r;
}

int cgroup_of_pid(int pid, char *buf, size_t len)
{
	char path[64], line[4096], mnt[4096];
	FILE *f;
	int r = -ENOENT;

	if (cgroup_mount(mnt, sizeof(mnt)) < 0)
		return -ENOENT;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (r == -ENOENT && fgets(line, sizeof(line), f)) {
		const char *rel = line + 3;

		line[strcspn(line, "\n")] = 0;
		if (strncmp(line, "0::", 3))
			continue;
		if (!strcmp(rel, "/"))
			rel = ""; /* the root cgroup: the mount itself */
		r = snprintf(buf, len, "%s%s", mnt, rel) >= (int)len ? -ENAMETOOLONG : 0;
	}
	fclose(f);
	return r;
}

int cgroup_run_path(const char *run, char *buf, size_t len)
{
	char mnt[4096];
	int r = cgroup_mount(mnt, sizeof(mnt));

	if (r < 0)
		return r;
	if (snprintf(buf, len, "%s/sevorix/%s", mnt, run) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

int cgroup_create(const char *path, int *ret_fd)
{
	char parent[4096];
	int fd;

	snprintf(parent, sizeof(parent), "%s", path);
	*strrchr(parent, '/') = 0;
	if (mkdir(parent, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mkdir(path, 0755) < 0)
		return -errno;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

static int read_file_at(const char *dir, const char *name, char *buf, size_t len)
{
	char p[4200];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

bool cgroup_populated(const char *path)
{
	char buf[256];

	if (read_file_at(path, "cgroup.events", buf, sizeof(buf)) < 0)
		return access(path, F_OK) == 0; /* unreadable but present: assume busy */
	return !strstr(buf, "populated 0");
}

/* Sends SIGKILL to every pid listed in cgroup.procs (kernels before cgroup.kill). */
static void kill_listed(const char *path)
{
	char p[4200];
	FILE *f;
	int pid;

	snprintf(p, sizeof(p), "%s/cgroup.procs", path);
	f = fopen(p, "re");
	if (!f)
		return;
	while (fscanf(f, "%d", &pid) == 1)
		if (pid > 1)
			kill(pid, SIGKILL);
	fclose(f);
}

int cgroup_kill_all(const char *path, int timeout_ms)
{
	char p[4200];
	int fd;

	snprintf(p, sizeof(p), "%s/cgroup.kill", path);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) < 0)
			kill_listed(path);
		close(fd);
	} else {
		kill_listed(path);
	}
	for (int waited = 0; cgroup_populated(path); waited += 10) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		if (waited % 200 == 0)
			kill_listed(path);
		nanosleep(&ts, NULL);
	}
	return 0;
}

int cgroup_remove(const char *path)
{
	return rmdir(path) < 0 && errno != ENOENT ? -errno : 0;
}
