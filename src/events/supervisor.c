// SPDX-License-Identifier: GPL-2.0-only
/*
 * Events the supervisor writes itself, about a live thread of the agent:
 * the hold's decisions on trapped execs and the jury's on held calls.
 * They may come from the hold's threads while the ring buffer is read:
 * each is composed whole and committed under the log's lock.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "events/internal.h"

/* pid (tgid), ppid, uid and comm of a live thread, from /proc. */
static void proc_identity(int tid, int *tgid, int *ppid, int *uid, char comm[17])
{
	char path[64], line[256];
	FILE *f;
	ssize_t n;
	int fd;

	*tgid = tid, *ppid = 0, *uid = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		sscanf(line, "Tgid: %d", tgid);
		sscanf(line, "PPid: %d", ppid);
		sscanf(line, "Uid: %d", uid);
	}
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/comm", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, comm, 16) : 0;
	if (fd >= 0)
		close(fd);
	comm[n > 0 ? n : 0] = 0;
	comm[strcspn(comm, "\n")] = 0;
}

/* The common fields of an event about a live thread. */
static void put_live_head(struct events *ev, FILE *f, int tid)
{
	struct timespec now;
	int tgid, ppid, uid;
	char comm[17];

	proc_identity(tid, &tgid, &ppid, &uid, comm);
	clock_gettime(CLOCK_REALTIME, &now);
	put_head(ev, f, now.tv_sec * 1000000000ULL + now.tv_nsec, tgid, ppid, uid, comm);
}

void events_hold_exec(struct events *ev, int tid, const char *path, char *const argv[],
		      enum sx_action verdict, const struct policy_loc *rule, const char *reason)
{
	struct rec r;
	FILE *f;

	if (rec_open(&r) < 0)
		return;
	f = r.f;
	put_live_head(ev, f, tid);
	fputs(",\"kind\":\"exec\",\"path\":", f);
	json_str(f, path);
	fputs(",\"target\":\"", f);
	for (int i = 0; argv[i]; i++) {
		if (i)
			fputc(' ', f);
		json_str_body(f, argv[i]);
	}
	fputs("\",\"argv\":[", f);
	for (int i = 0; argv[i]; i++) {
		fputs(i ? "," : "", f);
		json_str(f, argv[i]);
	}
	fprintf(f, "],\"verdict\":\"%s\",\"enforced\":%s", sx_action_name(verdict),
		ev->p->mode == SX_MODE_AUDIT ? "false" : "true");
	put_loc(f, rule);
	fputs(",\"reason\":", f);
	json_str(f, reason);
	fputs(",\"layer\":\"hold\"", f);
	rec_decision(&r, "hold", sx_action_name(verdict), 1);
	rec_commit(ev, &r);
	events_flush(ev);
}

/* The jury's answer as one JSON line of our own making (never its raw bytes). */
static void put_answer(FILE *f, const char *answer)
{
	json_object *o = answer ? json_tokener_parse(answer) : NULL;

	if (o && json_object_is_type(o, json_type_object)) {
		fputs(",\"review\":", f);
		fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), f);
	}
	json_object_put(o);
}

void events_review(struct events *ev, int tid, const char *kind, const char *target,
		   char *const argv[], bool allowed, const char *rule, const char *answer,
		   const char *error, long held_us)
{
	struct rec r;
	FILE *f;

	if (rec_open(&r) < 0)
		return;
	f = r.f;
	put_live_head(ev, f, tid);
	fprintf(f, ",\"kind\":\"%s\",\"target\":", kind);
	json_str(f, target);
	for (int i = 0; argv && argv[i]; i++) {
		fputs(i ? "," : ",\"argv\":[", f);
		json_str(f, argv[i]);
	}
	if (argv && argv[0])
		fputc(']', f);
	fprintf(f, ",\"verdict\":\"%s\",\"enforced\":true", allowed ? "allow" : "deny");
	fputs(",\"rule\":", f);
	json_str(f, rule ?: "default");
	fprintf(f, ",\"layer\":\"jury\",\"held_us\":%ld", held_us);
	put_answer(f, answer);
	if (error) {
		fputs(",\"error\":", f);
		json_str(f, error);
	}
	rec_decision(&r, "jury", allowed ? "allow" : "deny", 1);
	rec_commit(ev, &r);
	events_flush(ev);
}

void events_dns(struct events *ev, int pid, const char *name, const char *qtype,
		enum sx_action verdict, const struct policy_loc *rule, const char *const answers[])
{
	struct rec r;
	FILE *f;

	if (rec_open(&r) < 0)
		return;
	f = r.f;
	if (pid > 0) {
		put_live_head(ev, f, pid);
	} else {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		fputs("{\"ts\":", f);
		json_time(f, now.tv_sec * 1000000000ULL + now.tv_nsec);
		fprintf(f, ",\"run\":\"%s\"", ev->run);
	}
	fputs(",\"kind\":\"dns\",\"target\":", f);
	json_str(f, name);
	fputs(",\"qtype\":", f);
	json_str(f, qtype);
	for (int i = 0; answers && answers[i]; i++) {
		fputs(i ? "," : ",\"answers\":[", f);
		json_str(f, answers[i]);
	}
	if (answers && answers[0])
		fputc(']', f);
	fprintf(f, ",\"verdict\":\"%s\",\"enforced\":%s", sx_action_name(verdict),
		ev->p->mode == SX_MODE_AUDIT ? "false" : "true");
	put_loc(f, rule);
	fputs(",\"layer\":\"dns\"", f);
	rec_decision(&r, "dns", sx_action_name(verdict), 1);
	rec_commit(ev, &r);
	events_flush(ev);
}
