// SPDX-License-Identifier: GPL-2.0-only
/*
 * Denials explained (policy/explain.h): the deciding rule as the user
 * wrote it, and the smallest rule that would allow the action. A rule
 * outweighs another by being more specific (sevorix-policy(5),
 * "EVALUATION ORDER"), so the suggestion names the object itself: the
 * file, the executable, the address with its port. Where no rule can win
 * -- the deciding rule names the object exactly, or an argv pattern denies
 * it (the stricter of path and argv wins) -- the fix says which rule to
 * change instead.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "policy/agent.h"
#include "policy/explain.h"
#include "policy/internal.h"

void policy_path_vars(const struct policy *p, const char *path, char *buf, size_t len)
{
	static const char *const names[] = { "WORKSPACE", "AGENT_DIR", "HOME" };
	const char *best = NULL, *val = NULL;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = policy_var_value(p, names[i]);

		if (v && v[0] == '/' && strcmp(v, "/") && policy_path_covers(v, path) &&
		    (!val || strlen(v) > strlen(val))) {
			best = names[i];
			val = v;
		}
	}
	if (best)
		snprintf(buf, len, "${%s}%s", best, path + strlen(val));
	else
		snprintf(buf, len, "%s", path);
}

/* One rule of any section, as policy_print() writes it. */
typedef void (*rule_printer)(FILE *f, const void *rule);

static void put_file(FILE *f, const void *r)
{
	policy_print_file_rule(f, r, false);
}

static void put_exec(FILE *f, const void *r)
{
	policy_print_exec_rule(f, r, false);
}

static void put_net(FILE *f, const void *r)
{
	policy_print_net_rule(f, r, false);
}

/* w->rule and w->loc: the deciding rule r (at loc) as written, or the default. */
static void describe(struct policy_why *w, const void *r, const struct policy_loc *loc,
		     rule_printer print, enum sx_action def)
{
	FILE *f = fmemopen(w->rule, sizeof(w->rule), "w");

	if (f && r)
		print(f, r);
	else if (f)
		fprintf(f, "default: %s", sx_action_name(def));
	if (f)
		fclose(f);
	w->loc = r ? loc : NULL;
}

static void fix_change(struct policy_why *w, const char *why)
{
	snprintf(w->fix, sizeof(w->fix), "change or remove the rule at %s:%u: %s", w->loc->file,
		 w->loc->line, why);
	w->fix_is_rule = false;
}

/* w->fix: "- " and the rule r. */
static void fix_rule(struct policy_why *w, const void *r, rule_printer print)
{
	FILE *f = fmemopen(w->fix, sizeof(w->fix), "w");

	if (f) {
		fputs("- ", f);
		print(f, r);
		fclose(f);
	}
	w->fix_is_rule = true;
}

void policy_explain_file(const struct policy *p, const char *path, unsigned int access,
			 struct policy_why *w)
{
	const struct file_rule *r = NULL;
	char shown[8192];
	struct file_rule s = { .action = SX_ALLOW, .path = shown, .access = access };

	*w = (struct policy_why){ .section = "files" };
	w->action = policy_decide_file(p, path, access, &r);
	describe(w, r, r ? &r->loc : NULL, put_file, p->files.def);
	if (w->action == SX_ALLOW)
		return;
	if (r && !strcmp(r->expanded, path)) {
		fix_change(w, "it names this path itself");
		return;
	}
	policy_path_vars(p, path, shown, sizeof(shown));
	fix_rule(w, &s, put_file);
}

void policy_explain_exec(const struct policy *p, const char *path, char *const argv[],
			 struct policy_why *w)
{
	const struct exec_rule *r = NULL;
	char shown[8192];
	struct exec_rule s = { .action = SX_ALLOW, .path = shown };

	*w = (struct policy_why){ .section = "exec" };
	w->action = policy_decide_exec(p, path, argv, &r);
	describe(w, r, r ? &r->loc : NULL, put_exec, p->exec.def);
	if (w->action == SX_ALLOW)
		return;
	if (r && r->argv_glob) {
		fix_change(w, "its argv pattern matches, and no path rule outweighs it");
		return;
	}
	if (r && r->shell_glob) {
		fix_change(w, "its shell pattern matches the script, and no path rule outweighs it");
		return;
	}
	if (r && !strcmp(r->expanded, path)) {
		fix_change(w, "it names this executable itself");
		return;
	}
	policy_path_vars(p, path, shown, sizeof(shown));
	fix_rule(w, &s, put_exec);
}

void policy_explain_net(const struct policy *p, int family, const void *addr, uint16_t port,
			struct policy_why *w)
{
	const struct net_rule *r = NULL;
	char text[INET6_ADDRSTRLEN + 8], a[INET6_ADDRSTRLEN];
	struct port_range pr = { port, port };
	struct net_rule s = { .action = SX_ALLOW, .text = text, .ports = &pr, .nports = 1 };

	*w = (struct policy_why){ .section = "network" };
	w->action = policy_decide_net(p, family, addr, port, &r);
	describe(w, r, r ? &r->loc : NULL, put_net, p->network.def);
	if (w->action == SX_ALLOW)
		return;
	if (r && r->prefix == (family == AF_INET ? 32 : 128)) {
		fix_change(w, "it names this address itself");
		return;
	}
	inet_ntop(family, addr, a, sizeof(a));
	snprintf(text, sizeof(text), "%s/%d", a, family == AF_INET ? 32 : 128);
	fix_rule(w, &s, put_net);
}

void policy_explain_unix(const struct policy *p, const char *sun_path, struct policy_why *w)
{
	const struct net_rule *r = NULL;
	struct net_rule s = { .action = SX_ALLOW, .kind = NET_RULE_UNIX, .text = (char *)sun_path };

	*w = (struct policy_why){ .section = "network" };
	w->action = policy_decide_unix(p, sun_path, &r);
	describe(w, r, r ? &r->loc : NULL, put_net, p->network.def);
	if (w->action == SX_ALLOW)
		return;
	if (r && !r->unix_prefix && !strcmp(r->unix_path, sun_path)) {
		fix_change(w, "it names this socket itself");
		return;
	}
	fix_rule(w, &s, put_net);
}

/* The interpreter a "#!" line names, or "" (not a script). */
static void interpreter_of(const char *path, char *buf, size_t len)
{
	char line[256];
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(line, 1, sizeof(line) - 1, f) : 0;
	char *s = line + 2;

	if (f)
		fclose(f);
	buf[0] = 0;
	line[n] = 0;
	if (n < 3 || line[0] != '#' || line[1] != '!')
		return;
	s += strspn(s, " \t");
	snprintf(buf, len, "%.*s", (int)strcspn(s, " \t\r\n"), s);
}

/* The files rules on an executable: a fix for the install directory, as profiles grant it. */
static bool start_file(const struct policy *p, const char *file, struct policy_why *w)
{
	char dir[4096], shown[8192];
	struct file_rule s = { .action = SX_ALLOW, .path = shown,
			       .access = SX_ACCESS_READ | SX_ACCESS_EXEC };

	if (!p->files.present)
		return false;
	policy_explain_file(p, file, SX_ACCESS_EXEC, w);
	if (w->action == SX_ALLOW)
		return false;
	if (w->fix_is_rule) {
		policy_agent_dir(file, dir, sizeof(dir));
		policy_path_vars(p, dir, shown, sizeof(shown));
		fix_rule(w, &s, put_file);
	}
	return true;
}

bool policy_explain_start(const struct policy *p, const char *command, char *const argv[],
			  struct policy_why *w, char *what, size_t len)
{
	char interp[256];

	snprintf(what, len, "%s", command);
	if (start_file(p, command, w))
		return true;
	interpreter_of(command, interp, sizeof(interp));
	if (interp[0] == '/' && start_file(p, interp, w)) {
		snprintf(what, len, "%s", interp);
		return true;
	}
	if (!p->exec.present)
		return false;
	policy_explain_exec(p, command, argv, w);
	return w->action != SX_ALLOW;
}
