// SPDX-License-Identifier: GPL-2.0-only
/*
 * sevorix events | log: a run's events, wherever they went. The run
 * records its destination where teardown leaves it (runs/runs.h:
 * run_events_lookup), so this works during the run and after it, for the
 * default log, a file given with --events, an OCSF file (each event
 * carries the native one under "unmapped") and the journal (read back
 * with journalctl). JSON lines are the default for a pipe; on a terminal,
 * and with --pretty, one line per decision (events/view.c), in colour
 * unless NO_COLOR is set. -f follows while the run lives.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "events/events.h"
#include "runs/runs.h"
#include "util/log.h"

struct view {
	bool follow, pretty, colour, denied;
	const char *kinds;	/* comma-separated, or NULL: every kind */
	char since[40];		/* RFC 3339 UTC: events from then on, or "" */
};

static void events_usage(FILE *f)
{
	fputs("Usage: sevorix events [OPTIONS] RUN\n"
	      "       sevorix log [OPTIONS] RUN      (events --pretty)\n\n"
	      "Prints the events of a run, during it or after it ended.\n\n"
	      "  -f, --follow           keep printing new events while the run lives\n"
	      "      --pretty           one line per decision: time, process, what, verdict,\n"
	      "                         layer, rule (the default on a terminal)\n"
	      "      --json             JSON lines (the default otherwise)\n"
	      "      --denied           only denials (and calls held for review)\n"
	      "      --kind K[,K...]    only these kinds (connect, exec, open, mkdir, ...)\n"
	      "      --since WHEN       from WHEN on: a duration back from now (30s, 10m, 2h,\n"
	      "                         1d) or an RFC 3339 time (2025-01-31T12:00:00Z)\n"
	      "  -h, --help             show this help\n\n"
	      "Colour on a terminal unless NO_COLOR is set.\n", f);
}

/* WHEN as an RFC 3339 UTC time that compares as text with the events' "ts". */
static int parse_since(const char *when, char *out, size_t len)
{
	static const struct {
		char unit;
		long secs;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	char *end;
	long n = strtol(when, &end, 10);
	struct tm tm;
	time_t t;

	for (size_t i = 0; end != when && n >= 0 && i < sizeof(units) / sizeof(units[0]); i++) {
		if (end[0] != units[i].unit || end[1])
			continue;
		t = time(NULL) - n * units[i].secs;
		gmtime_r(&t, &tm);
		strftime(out, len, "%Y-%m-%dT%H:%M:%S", &tm);
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(when, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end || (*end && strcmp(end, "Z") && *end != '.'))
		return -EINVAL;
	snprintf(out, len, "%.19s", when);
	return 0;
}

static bool kind_listed(const char *kinds, const char *kind)
{
	size_t n = strlen(kind);

	for (const char *k = kinds; k && *k; k += strcspn(k, ",") + (k[strcspn(k, ",")] == ',')) {
		if (strcspn(k, ",") == n && !strncmp(k, kind, n))
			return true;
	}
	return false;
}

static bool wanted(const struct view *v, json_object *o)
{
	const char *kind = events_str(o, "kind"), *verdict = events_str(o, "verdict"), *ts;

	if (v->denied && (!verdict || !strcmp(verdict, "allow")))
		return false;
	if (v->kinds && (!kind || !kind_listed(v->kinds, kind)))
		return false;
	ts = events_str(o, "ts");
	return !v->since[0] || (ts && strncmp(ts, v->since, 19) >= 0);
}

/* Prints one line of a log (native JSON, or OCSF carrying it under "unmapped"). */
static void show(const struct view *v, const char *line)
{
	json_object *o = json_tokener_parse(line), *native = o, *u;
	char buf[2048];

	if (o && json_object_object_get_ex(o, "class_uid", &u) &&
	    json_object_object_get_ex(o, "unmapped", &u) && json_object_is_type(u, json_type_object))
		native = u;
	if (!native || !json_object_is_type(native, json_type_object) || !wanted(v, native)) {
		json_object_put(o);
		return;
	}
	if (!v->pretty)
		fputs(line, stdout);
	else if (events_view_line(native, v->colour, buf, sizeof(buf)) == 0)
		printf("%s\n", buf);
	json_object_put(o);
}

static bool run_lives(const char *id)
{
	struct run_info ri;

	return run_state_read(id, &ri) == 0; /* the state file goes when the run ends */
}

static int show_file(const struct view *v, const char *id, const char *path)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;

	if (!f) {
		log_error("run %s: its events were written to %s: %s", id, path, strerror(errno));
		return 1;
	}
	for (;;) {
		if (getline(&line, &cap, f) > 0) {
			show(v, line);
			continue;
		}
		fflush(stdout);
		if (!v->follow || !run_lives(id))
			break;
		clearerr(f);
		poll(NULL, 0, 200);
	}
	free(line);
	fclose(f);
	return 0;
}

/*
 * A run that wrote to the journal: journalctl's JSON export of the entries
 * with SEVORIX_RUN=id, each carrying the event whole in SEVORIX_EVENT.
 */
static int events_from_journal(const struct view *v, const char *id)
{
	char match[64], *line = NULL;
	size_t cap = 0;
	int pipefd[2], st = 0;
	FILE *f;
	pid_t pid;

	if (strspn(id, "0123456789abcdef") != strlen(id) || strlen(id) > 32)
		return log_error("'%s' is not a run id", id), 2;
	snprintf(match, sizeof(match), "SEVORIX_RUN=%s", id);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return log_error("pipe: %s", strerror(errno)), 1;
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		execlp("journalctl", "journalctl", "--no-pager", "-o", "json", v->follow ? "-f" : "-q",
		       match, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	f = pid > 0 ? fdopen(pipefd[0], "r") : NULL;
	while (f && getline(&line, &cap, f) > 0) {
		json_object *o = json_tokener_parse(line);
		const char *ev = o ? events_str(o, "SEVORIX_EVENT") : NULL;
		char buf[8192];

		if (ev) {
			snprintf(buf, sizeof(buf), "%s\n", ev);
			show(v, buf);
			fflush(stdout);
		}
		json_object_put(o);
	}
	free(line);
	if (f)
		fclose(f);
	else
		close(pipefd[0]);
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) == 127)
		return log_error("run %s wrote its events to the journal, and journalctl did not run",
				 id), 1;
	return 0;
}

static int parse(struct view *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' }, { "pretty", no_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'J' },   { "denied", no_argument, NULL, 'D' },
		{ "kind", required_argument, NULL, 'K' }, { "since", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },   { 0 },
	};
	int c, pretty = isatty(STDOUT_FILENO) ? 1 : 0;

	while ((c = getopt_long(argc, argv, "+fh", opts, NULL)) != -1) {
		if (c == 'f')
			v->follow = true;
		else if (c == 'P' || c == 'J')
			pretty = c == 'P';
		else if (c == 'D')
			v->denied = true;
		else if (c == 'K')
			v->kinds = optarg;
		else if (c == 'S' && parse_since(optarg, v->since, sizeof(v->since)) < 0)
			return log_error("--since %s: a duration (30s, 10m, 2h, 1d) or an RFC 3339 "
					 "time", optarg), 2;
		else if (c == 'h')
			return events_usage(stdout), 0;
		else if (c != 'S')
			return events_usage(stderr), 2;
	}
	if (!strcmp(argv[0], "log"))
		pretty = 1;
	v->pretty = pretty;
	v->colour = pretty && isatty(STDOUT_FILENO) && !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	if (optind != argc - 1)
		return events_usage(stderr), 2;
	return -1;
}

int cmd_events(int argc, char **argv)
{
	struct view v = { 0 };
	char dest[4200];
	const char *id;
	int r;

	log_init(!strcmp(argv[0], "log") ? "sevorix log" : "sevorix events");
	optind = 1;
	r = parse(&v, argc, argv);
	if (r >= 0)
		return r;
	id = argv[optind];
	r = run_events_lookup(id, dest, sizeof(dest));
	if (r < 0) {
		log_error("no run '%s' is known here (sevorix ps lists the runs)", id);
		return 1;
	}
	if (!strcmp(dest, "-")) {
		log_error("run %s wrote its events to standard error; they were not kept", id);
		return 1;
	}
	if (!strcmp(dest, "journal"))
		return events_from_journal(&v, id);
	return show_file(&v, id, !strncmp(dest, "ocsf:", 5) ? dest + 5 : dest);
}
