// SPDX-License-Identifier: GPL-2.0-only
/*
 * sevorix ps | cleanup: looking at runs from outside (events: events_cmd.c). A run is
 * "running" while its supervisor lives, "orphaned" when the supervisor is
 * gone but the agent lives on -- still confined by the pinned programs --
 * and "ended" when its cgroup is empty; `cleanup` removes ended runs.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "runs/cgroup.h"
#include "runs/runs.h"
#include "util/log.h"

static bool alive(int pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

static const char *state_of(const struct run_info *ri)
{
	if (!cgroup_populated(ri->cgroup))
		return "ended";
	if (ri->attached)
		return "attached";
	return alive(ri->supervisor) ? "running" : "orphaned";
}

/* Calls fn for every run id found in the state dir or among the pins. */
static void each_run(void (*fn)(const char *id, void *arg), void *arg)
{
	const char *dirs[] = { RUN_STATE_DIR, RUN_PIN_ROOT };
	char seen[256][32];
	int nseen = 0;

	for (int i = 0; i < 2; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			bool dup = false;

			if (de->d_name[0] == '.' || strlen(de->d_name) >= 32 || strpbrk(de->d_name, ".-"))
				continue;
			for (int j = 0; j < nseen; j++)
				dup |= !strcmp(seen[j], de->d_name);
			if (dup || nseen >= 256)
				continue;
			strcpy(seen[nseen++], de->d_name);
			fn(de->d_name, arg);
		}
		if (d)
			closedir(d);
	}
}

static void ps_one(const char *id, void *arg)
{
	struct run_info ri;
	char when[32] = "-";
	bool json = *(bool *)arg;

	if (run_state_read(id, &ri) < 0)
		cgroup_run_path(id, ri.cgroup, sizeof(ri.cgroup));
	if (ri.started) {
		struct tm tm;
		time_t t = ri.started;

		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	}
	if (json)
		printf("{\"run\":\"%s\",\"state\":\"%s\",\"supervisor\":%d,\"agent\":%d,"
		       "\"started\":\"%s\",\"cgroup\":\"%s\",\"events\":\"%s\"}\n",
		       id, state_of(&ri), ri.supervisor, ri.agent, when, ri.cgroup, ri.events);
	else
		printf("%-14s %-9s %-8d %-21s %s\n", id, state_of(&ri), ri.agent, when, ri.command);
}

int cmd_ps(int argc, char **argv)
{
	bool json = argc > 1 && !strcmp(argv[1], "--json");

	if (argc > 1 && !json) {
		fprintf(stderr, "Usage: sevorix ps [--json]\n");
		return !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ? 0 : 2;
	}
	if (!json)
		printf("%-14s %-9s %-8s %-21s %s\n", "RUN", "STATE", "AGENT", "STARTED", "COMMAND");
	each_run(ps_one, &json);
	return 0;
}

static void cleanup_one(const char *id, void *arg)
{
	int r = run_cleanup_one(id, true);

	if (r == 0)
		printf("removed %s\n", id);
	else if (r == -EBUSY)
		printf("kept %s: its cgroup still has processes\n", id);
	(void)arg;
}

int cmd_cleanup(int argc, char **argv)
{
	if (argc > 1) {
		fprintf(stderr, "Usage: sevorix cleanup\n");
		return !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ? 0 : 2;
	}
	each_run(cleanup_one, NULL);
	return 0;
}
