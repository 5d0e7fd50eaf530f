/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cgroup v2 side of the registry: one leaf per run, under <cgroup2
 * mount>/sevorix/, and the cgroup any process is in (attach, containers).
 */
#ifndef SEVORIX_CGROUP_H
#define SEVORIX_CGROUP_H

#include <stdbool.h>
#include <stddef.h>

/* Finds the cgroup2 mount in /proc/self/mountinfo. Returns 0 or -errno. */
int cgroup_mount(char *buf, size_t len);
/*
 * The cgroup v2 directory of process pid (the "0::" line of
 * /proc/PID/cgroup, below the mount; the root cgroup is the mount
 * itself). Returns 0 or -errno.
 */
int cgroup_of_pid(int pid, char *buf, size_t len);
/* Writes the run's cgroup path into buf. Returns 0 or -errno. */
int cgroup_run_path(const char *run, char *buf, size_t len);
/* Creates the leaf; *ret_fd is an O_DIRECTORY fd on it. Returns 0 or -errno. */
int cgroup_create(const char *path, int *ret_fd);
/* True while any process is in the cgroup (or it cannot be read). */
bool cgroup_populated(const char *path);
/* Kills every process in the cgroup and waits up to timeout_ms until it is empty. */
int cgroup_kill_all(const char *path, int timeout_ms);
int cgroup_remove(const char *path);

#endif
