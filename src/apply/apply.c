// SPDX-License-Identifier: GPL-2.0-only
/*
 * A new policy for a running `sevorix run` (apply.h). The command checks
 * the policy as the agent's user sees it, rewrites the run's kernel maps
 * in place (maps.c: every address decided by the old or the new policy
 * during the change, by the new one when it returns), then asks the
 * supervisor to take the new rules into its hold and waits for its answer.
 *
 * The request is a file (RUN_STATE_DIR/RUN.apply: the policy's path) and
 * a signal (SIGUSR1); the answer is RUN.apply.out: "ok" or "error: ..." on
 * its first line, then the rows that need a restart. Only root writes
 * under RUN_STATE_DIR, so the supervisor trusts the request's origin; it
 * still loads the file with the full checks of the policy loader.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply/apply.h"
#include "apply/maps.h"
#include "events/events.h"
#include "hold/hold.h"
#include "policy/agent.h"
#include "runs/runs.h"
#include "util/log.h"

#define APPLY_WAIT_MS 15000

/* One row that only a restart applies: "section\taction\ttext\tlayer". */
static int add_row(char ***rows, size_t *n, const char *sec, enum sx_action a, const char *text,
		   unsigned int line, const char *layer)
{
	char **r = realloc(*rows, (*n + 1) * sizeof(**rows));

	if (!r)
		return -ENOMEM;
	*rows = r;
	if (asprintf(&r[*n], "%s\t%u\t%s\t%s\t%s", sec, line, sx_action_name(a), text, layer) < 0)
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* The rows of p that live in the agent's own Landlock ruleset and seccomp filter. */
static int restart_rows(const struct policy *p, char ***rows, size_t *n)
{
	const char *const *names = hardening_allow_names();
	char text[64];
	int r = 0;

	for (size_t i = 0; i < p->nfile_rules && !r; i++) {
		const struct file_rule *f = &p->file_rules[i];

		char *t = NULL;

		snprintf(text, sizeof(text), " (%s%s%s)", f->access & SX_ACCESS_READ ? "r" : "",
			 f->access & SX_ACCESS_WRITE ? "w" : "", f->access & SX_ACCESS_EXEC ? "x" : "");
		if (asprintf(&t, "%s%s", f->path, text) < 0)
			return -ENOMEM;
		r = add_row(rows, n, "files", f->action, t, f->loc.line, "Landlock");
		free(t);
	}
	if (!r && p->files.present)
		r = add_row(rows, n, "files", p->files.def, "(default)", p->files.loc.line, "Landlock");
	/* exec denials are the hold's and the kernel maps'; what may run is Landlock's */
	for (size_t i = 0; i < p->nexec_rules && !r; i++)
		if (p->exec_rules[i].action == SX_ALLOW && p->exec_rules[i].path)
			r = add_row(rows, n, "exec", SX_ALLOW, p->exec_rules[i].path,
				    p->exec_rules[i].loc.line, "Landlock");
	if (!r && p->exec.present)
		r = add_row(rows, n, "exec", SX_REVIEW, "(execs held)", p->exec.loc.line,
			    "seccomp trap");
	if (!r && hold_traps_connect(p))
		r = add_row(rows, n, "network", SX_REVIEW, "(connects held)", p->network.loc.line,
			    "seccomp trap");
	for (size_t i = 0; names && names[i] && !r; i++) {
		unsigned int bit;

		if (hardening_allow_from_name(names[i], &bit) == 0 && (p->hardening_allow & bit))
			r = add_row(rows, n, "hardening", SX_ALLOW, names[i], 0, "seccomp filter");
	}
	return r;
}

/* Compares a row without its line number (a rule that moved did not change). */
static bool same_row(const char *a, const char *b)
{
	const char *ta = strchr(a, '\t'), *tb = strchr(b, '\t');

	if (!ta || !tb || ta - a != tb - b || strncmp(a, b, ta - a))
		return false;
	ta = strchr(ta + 1, '\t');
	tb = strchr(tb + 1, '\t');
	return ta && tb && !strcmp(ta, tb);
}

static void print_diff(char **a, size_t na, char **b, size_t nb, const char *what, FILE *out,
		       int *count)
{
	for (size_t i = 0; i < na; i++) {
		bool found = false;
		char sec[16], act[16], text[4200], layer[32], lno[16] = "-";
		unsigned int line;

		for (size_t j = 0; j < nb && !found; j++)
			found = same_row(a[i], b[j]);
		if (found || sscanf(a[i], "%15[^\t]\t%u\t%15[^\t]\t%4199[^\t]\t%31[^\n]", sec, &line,
				    act, text, layer) != 5)
			continue;
		if (!(*count)++)
			fprintf(out, "%-10s %-6s %-7s %-36s %s\n", "SECTION", "LINE", "ACTION", "RULE",
				"NEEDS A RESTART OF THE AGENT");
		if (line)
			snprintf(lno, sizeof(lno), "%u", line);
		fprintf(out, "%-10s %-6s %-7s %-36s %s (%s)\n", sec, lno, act, text, layer, what);
	}
}

int apply_restart_rows(const struct policy *old, const struct policy *new, FILE *out)
{
	char **a = NULL, **b = NULL;
	size_t na = 0, nb = 0;
	int r, count = 0;

	r = restart_rows(old, &a, &na);
	r = r ?: restart_rows(new, &b, &nb);
	if (!r) {
		print_diff(b, nb, a, na, "added", out, &count);
		print_diff(a, na, b, nb, "removed", out, &count);
	}
	for (size_t i = 0; i < na; i++)
		free(a[i]);
	for (size_t i = 0; i < nb; i++)
		free(b[i]);
	free(a);
	free(b);
	return r < 0 ? r : count;
}

static void request_path(const char *id, const char *ext, char *buf, size_t len)
{
	snprintf(buf, len, RUN_STATE_DIR "/%s.%s", id, ext);
}

/* The policy for the run's agent: its owner's ${HOME}, the supervisor's cwd. */
static int load_for_run(const struct run_info *ri, const char *file, struct policy **p)
{
	struct policy_diag diag = { 0 };
	int r = policy_load_as_process(file, ri->agent, ri->supervisor, p, &diag);

	if (r < 0)
		policy_diag_print(&diag, stderr);
	policy_diag_clear(&diag);
	return r;
}

/* Sends the request and waits for the supervisor's answer; prints it. */
static int ask_supervisor(const struct run_info *ri, const char *file)
{
	char req[512], tmp[520], out[512], line[4400], real[PATH_MAX];
	FILE *f;
	int r = -ETIMEDOUT;

	request_path(ri->id, "apply", req, sizeof(req));
	request_path(ri->id, "apply.out", out, sizeof(out));
	snprintf(tmp, sizeof(tmp), "%s.tmp", req);
	unlink(out);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "%s\n", realpath(file, real) ? real : file);
	if (fclose(f) != 0 || rename(tmp, req) < 0 || kill(ri->supervisor, SIGUSR1) < 0)
		return -errno;
	for (int i = 0; i < APPLY_WAIT_MS / 20 && r == -ETIMEDOUT; i++) {
		struct timespec ts = { 0, 20 * 1000000L };

		if (access(req, F_OK) < 0 && (f = fopen(out, "re"))) {
			line[0] = 0;
			r = fgets(line, sizeof(line), f) && !strcmp(line, "ok\n") ? 0 : -EIO;
			line[strcspn(line, "\n")] = 0;
			if (r < 0)
				log_error("the supervisor: %s", line);
			while (fgets(line, sizeof(line), f))
				fputs(line, r < 0 ? stderr : stdout);
			fclose(f);
			unlink(out);
		} else {
			nanosleep(&ts, NULL);
		}
	}
	unlink(req); /* not taken: the supervisor will not act on it later */
	return r;
}

int run_apply(const char *id, const char *file)
{
	struct policy *p = NULL;
	struct run_maps m;
	struct run_info ri;
	char pins[512], err[512] = "";
	bool lsm;
	int r;

	if (run_state_read(id, &ri) < 0 || ri.supervisor <= 0 || kill(ri.supervisor, 0) < 0) {
		log_error("%s: no such running run (see sevorix ps)", id);
		return 1;
	}
	if (load_for_run(&ri, file, &p) < 0) {
		log_error("%s: policy has errors; the running one stays", file);
		return 1;
	}
	run_pins_of(id, &ri, pins, sizeof(pins));
	r = run_maps_open(pins, &m);
	r = r ?: run_maps_rewrite(&m, p, err, sizeof(err));
	lsm = m.files >= 0;
	run_maps_close(&m);
	if (r < 0) {
		log_error("%s: %s", id, err[0] ? err : strerror(-r));
		policy_free(p);
		return 1;
	}
	printf("kernel maps of %s: the network and exec rules%s of %s apply now\n", id,
	       lsm ? " and the BPF LSM file rules" : "", file);
	policy_free(p);
	r = ask_supervisor(&ri, file);
	if (r < 0) {
		log_error("%s: the supervisor did not take the new rules (%s): held calls are judged "
			  "by the old ones",
			  id, strerror(-r));
		return 1;
	}
	printf("applied %s to %s\n", file, id);
	return 0;
}

/* Takes the new rules into the hold; the answer's rows go to out. */
static int take(const char *file, const struct agent_user *u, const char *cwd, const char *jury,
		struct policy **p, struct hold **h, struct events *ev, FILE *out)
{
	struct policy_diag diag = { 0 };
	struct policy *np = NULL;
	struct hold *nh = NULL;
	char err[512] = "";
	int r = policy_load_for(file, u, cwd, &np, &diag);

	for (size_t i = 0; r < 0 && i < diag.nlines; i++)
		fprintf(out, "%s%s\n", i ? "" : "error: policy has errors\n", diag.lines[i]);
	policy_diag_clear(&diag);
	if (r == 0 && jury) {
		free(np->jury_local);
		np->jury_local = strdup(jury);
	}
	if (r == 0 && *h)
		r = hold_prepare(np, &nh, err, sizeof(err));
	if (r < 0) {
		if (r != -EINVAL)
			fprintf(out, "error: %s\n", err[0] ? err : strerror(-r));
		policy_free(np);
		return r;
	}
	fputs("ok\n", out);
	if (ev)
		events_set_policy(ev, np);
	if (nh && hold_take_over(nh, *h, np->jury_local, ev) < 0)
		fputs("warning: the hold could not restart: held calls fail\n", out);
	if (nh)
		*h = nh; /* freed with the run even when it did not start: fail closed */
	if (apply_restart_rows(*p, np, out) == 0)
		fputs("nothing that needs a restart of the agent changed\n", out);
	policy_free(*p);
	*p = np;
	return 0;
}

int run_apply_receive(const char *id, const struct agent_user *u, const char *cwd,
		      const char *jury, struct policy **p, struct hold **h, struct events *ev)
{
	char req[512], out[512], tmp[520], file[PATH_MAX + 2] = "";
	FILE *f, *o;
	int r;

	request_path(id, "apply", req, sizeof(req));
	request_path(id, "apply.out", out, sizeof(out));
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	f = fopen(req, "re");
	if (!f)
		return -errno; /* a stray signal: nothing was asked */
	if (!fgets(file, sizeof(file), f))
		file[0] = 0;
	fclose(f);
	file[strcspn(file, "\n")] = 0;
	o = fopen(tmp, "we");
	if (!o)
		return -errno;
	r = file[0] ? take(file, u, cwd, jury, p, h, ev, o) : -EINVAL;
	fclose(o);
	rename(tmp, out);
	unlink(req); /* last: the command reads the answer once the request is gone */
	return r;
}
