// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a run leaves on the machine, and how it is found again: a state
 * file under /run/sevorix/runs (key=value lines), the pinned links under
 * /sys/fs/bpf/sevorix/RUN, and the cgroup. `sevorix ps` reads them;
 * `sevorix cleanup` removes them, but only for runs whose cgroup is empty,
 * so that it never lifts enforcement from a process that is still alive.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "runs/cgroup.h"
#include "runs/runs.h"

int run_new_id(char *buf, size_t len)
{
	unsigned char b[6];

	if (len < 13 || getrandom(b, sizeof(b), 0) != sizeof(b))
		return -EIO;
	for (int i = 0; i < 6; i++)
		sprintf(buf + 2 * i, "%02x", b[i]);
	return 0;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char tmp[4200];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *c = tmp + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = 0;
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -errno;
		*c = '/';
	}
	return mkdir(tmp, mode) < 0 && errno != EEXIST ? -errno : 0;
}

int run_pin_dir(const char *id, char *buf, size_t len)
{
	struct statfs fs;
	int r;

	if (statfs("/sys/fs/bpf", &fs) < 0 || fs.f_type != BPF_FS_MAGIC) {
		if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700") < 0)
			return -errno;
	}
	if (snprintf(buf, len, RUN_PIN_ROOT "/%s", id) >= (int)len)
		return -ENAMETOOLONG;
	r = mkdir_p(buf, 0700);
	return r;
}

static void state_path(const char *id, char *buf, size_t len)
{
	snprintf(buf, len, RUN_STATE_DIR "/%s", id);
}

void run_info_set_policy(struct run_info *ri, const char *file)
{
	if (!realpath(file, ri->policy))
		snprintf(ri->policy, sizeof(ri->policy), "%s", file);
}

int run_state_write(const struct run_info *ri)
{
	char path[512], tmp[520];
	FILE *f;

	if (mkdir_p(RUN_STATE_DIR, 0755) < 0)
		return -errno;
	state_path(ri->id, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "supervisor=%d\nagent=%d\ncgroup=%s\nevents=%s\nstarted=%lld\ncommand=%s\n"
		   "attached=%d\npins=%s\npolicy=%s\nuser=%s\n",
		ri->supervisor, ri->agent, ri->cgroup, ri->events, ri->started, ri->command,
		ri->attached, ri->pins, ri->policy, ri->user);
	if (fclose(f) != 0 || rename(tmp, path) < 0)
		return -errno;
	return 0;
}

int run_state_read(const char *id, struct run_info *ri)
{
	char path[512], line[4200];
	FILE *f;

	memset(ri, 0, sizeof(*ri));
	snprintf(ri->id, sizeof(ri->id), "%s", id);
	state_path(id, path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, '=');

		if (!v)
			continue;
		*v++ = 0;
		v[strcspn(v, "\n")] = 0;
		if (!strcmp(line, "supervisor"))
			ri->supervisor = atoi(v);
		else if (!strcmp(line, "agent"))
			ri->agent = atoi(v);
		else if (!strcmp(line, "cgroup"))
			snprintf(ri->cgroup, sizeof(ri->cgroup), "%s", v);
		else if (!strcmp(line, "events"))
			snprintf(ri->events, sizeof(ri->events), "%s", v);
		else if (!strcmp(line, "started"))
			ri->started = atoll(v);
		else if (!strcmp(line, "command"))
			snprintf(ri->command, sizeof(ri->command), "%s", v);
		else if (!strcmp(line, "attached"))
			ri->attached = atoi(v) != 0;
		else if (!strcmp(line, "pins"))
			snprintf(ri->pins, sizeof(ri->pins), "%s", v);
		else if (!strcmp(line, "policy"))
			snprintf(ri->policy, sizeof(ri->policy), "%s", v);
		else if (!strcmp(line, "user"))
			snprintf(ri->user, sizeof(ri->user), "%s", v);
	}
	fclose(f);
	return 0;
}

void run_state_remove(const char *id)
{
	char path[512];

	state_path(id, path, sizeof(path));
	unlink(path);
}

void run_remove_pins(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	rmdir(dir);
}

void run_pins_of(const char *id, const struct run_info *ri, char *buf, size_t len)
{
	if (ri->pins[0])
		snprintf(buf, len, "%s", ri->pins);
	else
		snprintf(buf, len, RUN_PIN_ROOT "/%s", id);
}

int run_cleanup_one(const char *id, bool force_state)
{
	char pins[512], cg[4096];
	struct run_info ri = { 0 };

	if (run_state_read(id, &ri) == 0 && ri.supervisor > 0 && ri.supervisor != getpid() &&
	    (kill(ri.supervisor, 0) == 0 || errno == EPERM))
		return -EBUSY; /* its supervisor lives: it may be starting, its cgroup still empty */
	if (ri.cgroup[0])
		snprintf(cg, sizeof(cg), "%s", ri.cgroup);
	else if (cgroup_run_path(id, cg, sizeof(cg)) < 0)
		return -ENOENT;
	if (cgroup_populated(cg))
		return -EBUSY; /* fail closed: a live agent keeps its enforcement */
	run_pins_of(id, &ri, pins, sizeof(pins));
	run_remove_pins(pins);
	if (!ri.attached)
		cgroup_remove(cg);
	if (force_state || access(pins, F_OK) < 0)
		run_state_remove(id);
	return 0;
}

void run_unpin(const char *id)
{
	struct run_info ri = { 0 };
	char pins[512];

	run_state_read(id, &ri);
	run_pins_of(id, &ri, pins, sizeof(pins));
	run_remove_pins(pins);
	run_state_remove(id);
}

int run_events_record(const char *id, const char *dest)
{
	char path[4096], tmp[4200];
	int fd, r = mkdir_p(RUN_LOG_DIR, 0750);
	size_t len = strlen(dest);

	if (r < 0)
		return r;
	snprintf(path, sizeof(path), RUN_LOG_DIR "/%s.where", id);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	if (write(fd, dest, len) != (ssize_t)len || write(fd, "\n", 1) != 1)
		r = -EIO;
	close(fd);
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}

int run_events_lookup(const char *id, char *buf, size_t len)
{
	struct run_info ri;
	char path[4096];
	ssize_t n;
	int fd;

	if (strchr(id, '/') || id[0] == '.')
		return -EINVAL;
	snprintf(path, sizeof(path), RUN_LOG_DIR "/%s.where", id);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
		if (n <= 0)
			return -EINVAL;
		buf[n] = 0;
		buf[strcspn(buf, "\n")] = 0;
		return 0;
	}
	if (run_state_read(id, &ri) == 0 && ri.events[0])
		snprintf(buf, len, "%s", ri.events);
	else
		snprintf(buf, len, RUN_LOG_DIR "/%s.jsonl", id);
	return access(buf, F_OK) == 0 || run_state_read(id, &ri) == 0 ? 0 : -ENOENT;
}
