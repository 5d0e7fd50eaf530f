// SPDX-License-Identifier: GPL-2.0-only
/*
 * sevorix explain RUN: every distinct denial of a run, with the rule that
 * decided it and a rule that would allow it. It reads the run's events
 * file (also after the run ended) and loads the run's policy again with
 * the values the run gave ${HOME}, ${USER}, ${WORKSPACE} and ${AGENT_DIR}
 * (its start event records them), then asks the reference decisions
 * (policy/explain.h) about each denial: what the kernel enforced is what
 * they compute. The agent only ever saw an errno; this is for its user.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "policy/explain.h"
#include "runs/runs.h"
#include "sevorix/policy.h"
#include "util/log.h"
#include "util/opts.h"

#define EXPLAIN_MAX 512 /* distinct denials listed; a run with more is summarised */

struct denial {
	char kind[16];
	char path[4200];	/* of an exec: the executable */
	char argv[4200];	/* of an exec: its argv joined by spaces */
	char target[4200];
	char access[16];
	char layer[16];
	char rule[4200];	/* as the event named it */
	char comm[32];
	char verdict[8];
	unsigned long count;
};

struct run_view {
	char id[32];
	char policy[PATH_MAX];
	char vars[POLICY_NBUILTIN][PATH_MAX];
	char argv[1024];
	struct denial *d;
	size_t nd;
	unsigned long more;	/* denials beyond EXPLAIN_MAX distinct ones */
};

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ?: "");
}

/* The strings of the array at key, joined by spaces, into buf ("" when there is none). */
static void join_array(json_object *o, const char *key, char *buf, size_t len)
{
	json_object *a;
	size_t off = 0;

	buf[0] = 0;
	if (!json_object_object_get_ex(o, key, &a) || !json_object_is_type(a, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(a) && off < len - 1; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? " " : "",
				json_object_get_string(json_object_array_get_idx(a, i)));
}

/* The start event: the policy, the built-ins, the command. */
static void take_start(struct run_view *v, json_object *o)
{
	static const char *const names[POLICY_NBUILTIN] = { "HOME", "USER", "WORKSPACE",
							    "AGENT_DIR" };
	json_object *vars;

	copy(v->policy, sizeof(v->policy), str_of(o, "policy"));
	for (int i = 0; i < POLICY_NBUILTIN; i++)
		v->vars[i][0] = 0;
	if (json_object_object_get_ex(o, "vars", &vars))
		for (int i = 0; i < POLICY_NBUILTIN; i++)
			copy(v->vars[i], sizeof(v->vars[i]), str_of(vars, names[i]));
	join_array(o, "argv", v->argv, sizeof(v->argv));
	v->nd = 0;
	v->more = 0;
}

static bool is_denial(json_object *o)
{
	const char *verdict = str_of(o, "verdict");

	return verdict && (!strcmp(verdict, "deny") || !strcmp(verdict, "review"));
}

/* Counts one denial event, under the first of the same kind, target and access. */
static int take_denial(struct run_view *v, json_object *o)
{
	struct denial d = { .count = 1 }, *nd;

	copy(d.kind, sizeof(d.kind), str_of(o, "kind"));
	copy(d.path, sizeof(d.path), str_of(o, "path"));
	copy(d.target, sizeof(d.target), str_of(o, "target"));
	join_array(o, "argv", d.argv, sizeof(d.argv));
	/* a held exec's event names the executable in target and the argv apart */
	if (!d.path[0] && d.argv[0] && !strcmp(d.kind, "exec"))
		copy(d.path, sizeof(d.path), d.target);
	copy(d.access, sizeof(d.access), str_of(o, "access"));
	copy(d.layer, sizeof(d.layer), str_of(o, "layer"));
	copy(d.rule, sizeof(d.rule), str_of(o, "rule"));
	copy(d.comm, sizeof(d.comm), str_of(o, "comm"));
	copy(d.verdict, sizeof(d.verdict), str_of(o, "verdict"));
	for (size_t i = 0; i < v->nd; i++) {
		if (!strcmp(v->d[i].kind, d.kind) && !strcmp(v->d[i].target, d.target) &&
		    !strcmp(v->d[i].argv, d.argv) && !strcmp(v->d[i].access, d.access)) {
			v->d[i].count++;
			return 0;
		}
	}
	if (v->nd >= EXPLAIN_MAX) {
		v->more++;
		return 0;
	}
	nd = realloc(v->d, (v->nd + 1) * sizeof(*nd));
	if (!nd)
		return -ENOMEM;
	v->d = nd;
	v->d[v->nd++] = d;
	return 0;
}

/*
 * Reads the events of run id (NULL: the last run in the file). Returns 0,
 * -ENOENT when the file holds no start event of it, or -errno.
 */
static int read_events(FILE *f, const char *id, struct run_view *v)
{
	char *line = NULL;
	size_t cap = 0;
	bool in_run = false, found = false;
	int r = 0;

	while (r == 0 && getline(&line, &cap, f) > 0) {
		json_object *o = json_tokener_parse(line);
		const char *run = o ? str_of(o, "run") : NULL, *kind = o ? str_of(o, "kind") : NULL;

		if (run && kind && !strcmp(kind, "start") && (!id || !strcmp(id, run))) {
			copy(v->id, sizeof(v->id), run);
			take_start(v, o);
			in_run = found = true;
		} else if (run && kind && !strcmp(kind, "start")) {
			in_run = false;
		} else if (in_run && run && !strcmp(run, v->id) && is_denial(o)) {
			r = take_denial(v, o);
		}
		json_object_put(o);
	}
	free(line);
	return r ?: found ? 0 : -ENOENT;
}

/* The run's policy, as the run loaded it. */
static int load_run_policy(const struct run_view *v, struct policy **p)
{
	struct policy_env env = { v->vars[0][0] ? v->vars[0] : NULL,
				  v->vars[1][0] ? v->vars[1] : NULL,
				  v->vars[2][0] ? v->vars[2] : NULL,
				  v->vars[3][0] ? v->vars[3] : NULL };
	struct policy_diag diag = { 0 };
	char file[PATH_MAX * 2];
	int r;

	/*
	 * A relative --policy was relative to the run's directory, its
	 * ${WORKSPACE}: read from there, the rules have the names the events gave.
	 */
	snprintf(file, sizeof(file), "%s", v->policy);
	if (v->policy[0] != '/' && v->vars[2][0] && chdir(v->vars[2]) < 0)
		snprintf(file, sizeof(file), "%s/%s", v->vars[2], v->policy);
	r = policy_load(file, &env, p, &diag);
	if (r < 0)
		policy_diag_print(&diag, stderr);
	policy_diag_clear(&diag);
	if (r < 0)
		log_error("%s: cannot load the run's policy again: %s", file, strerror(-r));
	return r;
}

/* "read", "write", "read-write", "exec" (observed) or letters r, w, x (bpf-lsm). */
static unsigned int access_of(const char *a)
{
	unsigned int bits = 0;

	if (!strcmp(a, "exec"))
		return SX_ACCESS_EXEC;
	if (strstr(a, "read") || (strlen(a) <= 3 && strchr(a, 'r')))
		bits |= SX_ACCESS_READ;
	if (strstr(a, "write") || (strlen(a) <= 3 && strchr(a, 'w')))
		bits |= SX_ACCESS_WRITE;
	if (strlen(a) <= 3 && strchr(a, 'x'))
		bits |= SX_ACCESS_EXEC;
	return bits ?: SX_ACCESS_READ;
}

/* "a.b.c.d:port" or "[v6]:port". */
static bool parse_addr(const char *t, int *family, uint8_t addr[16], uint16_t *port)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(t, ':');
	size_t n = colon ? (size_t)(colon - t) : 0;

	if (!colon || n >= sizeof(host))
		return false;
	if (t[0] == '[' && n >= 2 && t[n - 1] == ']')
		snprintf(host, sizeof(host), "%.*s", (int)n - 2, t + 1);
	else
		snprintf(host, sizeof(host), "%.*s", (int)n, t);
	*port = atoi(colon + 1);
	*family = strchr(host, ':') ? AF_INET6 : AF_INET;
	return inet_pton(*family, host, addr) == 1;
}

/* The hardening entry that relaxes a self-protection denial of this kind. */
static const char *hardening_name(const char *kind)
{
	static const char *const map[][2] = { { "mount", "mount" },   { "bpf", "bpf" },
					      { "ptrace", "ptrace" }, { "userns", "namespaces" },
					      { "kill", "signal" },   { "socket", "any_socket" } };

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(kind, map[i][0]))
			return map[i][1];
	return NULL;
}

/* Asks the policy about d. Returns false when it cannot say (a kind it has no rules for). */
static bool explain_one(const struct policy *p, const struct denial *d, struct policy_why *w)
{
	char *argv[] = { (char *)(d->argv[0] ? d->argv : d->target), NULL };
	uint8_t addr[16];
	uint16_t port;
	int family;

	if (!strcmp(d->kind, "open"))
		policy_explain_file(p, d->target, access_of(d->access), w);
	else if (!strcmp(d->kind, "exec") && strcmp(d->layer, "hold") &&
		 strcmp(d->layer, "exec-check") && strcmp(d->layer, "jury"))
		policy_explain_file(p, d->path[0] ? d->path : d->target, SX_ACCESS_EXEC, w);
	else if (!strcmp(d->kind, "exec"))
		policy_explain_exec(p, d->path[0] ? d->path : NULL, argv, w);
	else if ((!strcmp(d->kind, "connect") || !strcmp(d->kind, "sendmsg")) &&
		 (d->target[0] == '/' || d->target[0] == '@'))
		policy_explain_unix(p, d->target, w);
	else if ((!strcmp(d->kind, "connect") || !strcmp(d->kind, "sendmsg")) &&
		 parse_addr(d->target, &family, addr, &port))
		policy_explain_net(p, family, addr, port, w);
	else
		return false;
	return true;
}

static void print_one(const struct policy *p, const struct denial *d)
{
	const char *h = hardening_name(d->kind);
	struct policy_why w;
	char now[4300];

	printf("\n%s %s%s%s%s, %lu time%s (%s)\n", d->kind, d->argv[0] ? d->argv : d->target,
	       d->access[0] ? " (" : "", d->access, d->access[0] ? ")" : "", d->count,
	       d->count == 1 ? "" : "s", d->comm[0] ? d->comm : "?");
	if (!strcmp(d->rule, "hardening")) {
		printf("  rule:  the hardening (sevorix-policy(5), \"Hardening\")\n");
		if (h)
			printf("  allow: hardening: {allow: [%s]}\n", h);
		return;
	}
	if (!explain_one(p, d, &w)) {
		printf("  rule:  %s\n", d->rule);
		return;
	}
	policy_rule_name(w.loc, now, sizeof(now));
	printf("  rule:  %s  %s%s\n", now, w.loc ? "" : w.section, w.loc ? w.rule : "");
	if (!w.loc)
		printf("         (%s: %s, and no rule allows it)\n", w.section, w.rule);
	if (strcmp(now, d->rule))
		printf("  note:  the run named %s; the policy file changed since\n", d->rule);
	if (!strcmp(d->verdict, "review") || !strcmp(d->layer, "jury"))
		printf("  note:  held for review: the jury refused it or did not answer\n"
		       "         (is `sevorix jury serve` running?)\n");
	if (w.action == SX_ALLOW)
		printf("  allow: the policy allows it now\n");
	else if (w.fix_is_rule)
		printf("  allow: in %s.rules:  %s\n", w.section, w.fix);
	else
		printf("  allow: %s\n", w.fix);
}

static void explain_usage(FILE *f)
{
	fputs("Usage: sevorix explain [RUN]\n"
	      "       sevorix explain --events FILE [RUN]\n\n"
	      "Lists each distinct denial of a run (also after it ended) with the rule that\n"
	      "decided it and a rule that would allow it. RUN is the run's id (sevorix ps,\n"
	      "the start event; default: the run whose events in " RUN_LOG_DIR " are the\n"
	      "newest); with --events, the run in FILE (default: its last run).\n",
	      f);
}

/* The newest events file in RUN_LOG_DIR: the last run's, with the default --events. */
static int newest_events(char *buf, size_t len)
{
	DIR *d = opendir(RUN_LOG_DIR);
	struct dirent *de;
	time_t best = 0;
	int r = -ENOENT;

	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		struct stat st;

		if (n < 7 || strcmp(de->d_name + n - 6, ".jsonl") ||
		    fstatat(dirfd(d), de->d_name, &st, 0) < 0 || st.st_mtime < best)
			continue;
		best = st.st_mtime;
		snprintf(buf, len, RUN_LOG_DIR "/%s", de->d_name);
		r = 0;
	}
	if (d)
		closedir(d);
	return r;
}

/*
 * The events file of run id: its state's while it runs, the one recorded
 * for it after (a FILE of --events; the journal and OCSF are not read
 * here), else the default place.
 */
static void events_path(const char *id, char *buf, size_t len)
{
	struct run_info ri;

	if (run_state_read(id, &ri) == 0 && ri.events[0])
		snprintf(buf, len, "%s", ri.events);
	else if (run_events_lookup(id, buf, len) == 0 && buf[0] == '/')
		return;
	else
		snprintf(buf, len, RUN_LOG_DIR "/%s.jsonl", id);
}

static int explain_file(const char *path, const char *id)
{
	struct run_view v = { 0 };
	struct policy *p = NULL;
	FILE *f = fopen(path, "re");
	int r;

	if (!f) {
		log_error("%s: %s", path, strerror(errno));
		return 1;
	}
	r = read_events(f, id, &v);
	fclose(f);
	if (r == -ENOENT)
		log_error("%s: no run %s in it", path, id ?: "at all");
	r = r ?: load_run_policy(&v, &p);
	if (r == 0) {
		printf("run %s: %s\npolicy: %s\n%zu distinct denial%s\n", v.id, v.argv,
		       p->file, v.nd, v.nd == 1 ? "" : "s");
		for (size_t i = 0; i < v.nd; i++)
			print_one(p, &v.d[i]);
		if (v.more)
			printf("\n%lu more denials of other objects are not listed\n", v.more);
	}
	policy_free(p);
	free(v.d);
	return r < 0 ? 1 : 0;
}

int cmd_explain(int argc, char **argv)
{
	struct opts_cmd cmd = { .shared = OPT_EVENTS, .usage = explain_usage };
	struct opts o = { 0 };
	char path[4200];
	int r;

	log_init("sevorix explain");
	r = opts_parse(&cmd, argc, argv, &o);
	if (r >= 0)
		return r;
	if (argc - optind > 1) {
		explain_usage(stderr);
		return 2;
	}
	if (o.events) {
		snprintf(path, sizeof(path), "%s", o.events);
	} else if (optind < argc) {
		events_path(argv[optind], path, sizeof(path));
	} else if (newest_events(path, sizeof(path)) < 0) {
		log_error("no run's events in " RUN_LOG_DIR);
		return 1;
	}
	return explain_file(path, optind < argc ? argv[optind] : NULL);
}
