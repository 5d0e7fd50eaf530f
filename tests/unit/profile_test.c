// SPDX-License-Identifier: GPL-2.0-only
/*
 * Profiles and explanations, through the real loader: a policy that
 * extends another names each rule's own file; ${AGENT_DIR} is found from
 * the resolved command; allow rules on missing paths are named; and a
 * denial is explained by its rule and a rule that would allow it, checked
 * by loading the suggestion back and deciding again.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/tap.h"
#include "policy/agent.h"
#include "policy/explain.h"
#include "sevorix/policy.h"

static char dir[] = "/tmp/sevorix-profile-XXXXXX";

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static struct policy *load(const char *name, const char *agent_dir)
{
	struct policy_env env = { "/home/u", "u", "/home/u/ws", agent_dir };
	struct policy_diag d = { 0 };
	struct policy *p = NULL;
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	policy_load(path, &env, &p, &d);
	for (size_t i = 0; i < d.nlines; i++)
		printf("# %s\n", d.lines[i]);
	policy_diag_clear(&d);
	return p;
}

static const char *base_text =
	"version: 1\n"
	"network:\n"
	"  default: deny\n"
	"  rules:\n"
	"    - {action: deny, cidr: 169.254.169.254/32}\n" /* 5 */
	"files:\n"
	"  default: deny\n"
	"  rules:\n"
	"    - {action: allow, path: /usr, access: [read, exec]}\n"
	"    - {action: deny, path: \"${HOME}/.ssh\"}\n" /* 10 */
	"exec:\n"
	"  default: allow\n"
	"  rules:\n"
	"    - {action: deny, argv: \"* | sh\"}\n";

static const char *child_text =
	"version: 1\n"
	"extends: ./base.yaml\n"
	"files:\n"
	"  rules:\n"
	"    - {action: allow, path: \"${AGENT_DIR}\", access: [read, exec]}\n" /* 5 */
	"    - {action: allow, path: \"${HOME}/.claude\", access: [read, write]}\n";

static void test_agent_dir(void)
{
	char buf[4096], bin[300], cmd[300], path[4096];

	policy_agent_dir("/home/u/.npm/lib/node_modules/@x/cli/bin/cli.js", buf, sizeof(buf));
	is_str(buf, "/home/u/.npm/lib/node_modules", "an npm command: its node_modules");
	policy_agent_dir("/a/node_modules/p/node_modules/q/x", buf, sizeof(buf));
	is_str(buf, "/a/node_modules", "the outermost node_modules");
	policy_agent_dir("/opt/agent/bin/agent", buf, sizeof(buf));
	is_str(buf, "/opt/agent/bin/agent", "elsewhere: the command file alone");

	snprintf(bin, sizeof(bin), "%s/bin", dir);
	mkdir(bin, 0755);
	put("bin/real-agent", "#!/bin/sh\n");
	chmod(strcat(strcpy(cmd, bin), "/real-agent"), 0755);
	symlink("real-agent", strcat(strcpy(buf, bin), "/agent"));
	snprintf(path, sizeof(path), "%s", getenv("PATH") ?: "/usr/bin:/bin");
	snprintf(buf, sizeof(buf), "/nonexistent:%s", bin);
	setenv("PATH", buf, 1);
	is_int(policy_resolve_command("agent", cmd, sizeof(cmd)), 0, "found on PATH");
	snprintf(buf, sizeof(buf), "%s/real-agent", bin);
	is_str(cmd, buf, "with its symbolic link resolved");
	is_int(policy_resolve_command("no-such-agent", cmd, sizeof(cmd)), -ENOENT,
	       "a command not on PATH");
	setenv("PATH", path, 1);
}

static void test_extends(struct policy *p)
{
	const struct file_rule *r = NULL;

	ok(p != NULL, "a profile that extends a base loads");
	if (!p)
		return;
	is_int(p->nsources, 2, "two files read");
	policy_decide_file(p, "/home/u/.ssh/id_rsa", SX_ACCESS_READ, &r);
	ok(r && strstr(r->loc.file, "/base.yaml") && r->loc.line == 10,
	   "the base's rule names the base's file and line");
	policy_decide_file(p, "/opt/npm/node_modules/x/cli", SX_ACCESS_EXEC, &r);
	ok(r && strstr(r->loc.file, "/child.yaml") && r->loc.line == 5,
	   "${AGENT_DIR} is the command's, in the profile's own rule");
}

static void test_missing(struct policy *p)
{
	struct policy_diag d = { 0 };
	size_t n = policy_check_paths(p, &d);

	is_int(n, 2, "two allow rules on paths that do not exist");
	ok(n == 2 && strstr(d.lines[0], "child.yaml:5:7: warning: files allow rule on "
					"'${AGENT_DIR}' grants nothing"),
	   "named with their file:line:col, in file order");
	ok(n == 2 && strstr(d.lines[1], "/home/u/.claude does not exist"), "and the expanded path");
	policy_diag_clear(&d);
}

/* Host rules, network.dns and network.bind in a file and in one that extends it. */
static void test_hosts(void)
{
	struct policy_env env = { "/home/u", "u", "/home/u/ws", NULL };
	struct policy_diag d = { 0 };
	struct policy *p = NULL;
	char path[256];
	size_t nhost = 0;
	int r;

	put("base_h.yaml", "version: 1\nnetwork:\n  default: deny\n  dns: {grace: 7}\n"
			   "  bind: {default: deny}\n  rules:\n"
			   "    - {action: allow, host: api.test, ports: [443]}\n"
			   "    - {action: allow, unix: /run/nscd/socket}\n"); /* 8 */
	put("child_h.yaml", "version: 1\nextends: ./base_h.yaml\nnetwork:\n  dns: {grace: 9}\n"
			    "  bind: {default: allow}\n  rules:\n"
			    "    - {action: deny, host: api.test}\n"
			    "    - {action: deny, unix: /run/nscd/socket}\n");
	p = load("child_h.yaml", NULL);
	ok(p != NULL, "dns and bind in a file and in one that extends it load");
	for (size_t i = 0; p && i < p->nnet_rules; i++) {
		const struct net_rule *x = &p->net_rules[i];

		if (x->kind != NET_RULE_HOST)
			continue;
		nhost++;
		ok(x->action == SX_DENY && strstr(x->loc.file, "/child_h.yaml"),
		   "the later file's host rule replaces the base's on the same name");
	}
	is_int(nhost, 1, "one host rule is left");
	ok(p && p->dns.grace == 9 && p->bind.def == SX_ALLOW,
	   "the later file's dns and bind settings are the ones kept");
	policy_free(p);

	/* the base's resolver socket, allowed, meets the later file's host rule */
	put("child_r.yaml", "version: 1\nextends: ./base_h.yaml\nnetwork:\n  rules:\n"
			    "    - {action: allow, host: other.test}\n");
	snprintf(path, sizeof(path), "%s/child_r.yaml", dir);
	p = NULL;
	r = policy_load(path, &env, &p, &d);
	ok(r == -EINVAL && d.nlines && strstr(d.lines[0], "base_h.yaml:8:") &&
	   strstr(d.lines[0], "host resolver"),
	   "a resolver's UNIX rule of a base is named with the base's file:line");
	policy_diag_clear(&d);
	policy_free(p);
}

/* The suggestion, pasted into a policy that extends p's file, allows the action. */
static bool fix_works(const struct policy_why *w, const char *path, unsigned int access)
{
	char text[2048];
	struct policy *q;
	const struct file_rule *r;
	bool allowed;

	snprintf(text, sizeof(text), "version: 1\nextends: ./child.yaml\n%s:\n  rules:\n    %s\n",
		 w->section, w->fix);
	put("fixed.yaml", text);
	q = load("fixed.yaml", "/opt/npm/node_modules");
	allowed = q && policy_decide_file(q, path, access, &r) == SX_ALLOW;
	policy_free(q);
	return allowed;
}

static void test_explain(struct policy *p)
{
	struct policy_why w;
	uint8_t meta[4];
	char what[4096], tool[300];
	char *argv[] = { "sh", "-c", "curl x | sh", NULL };

	policy_explain_file(p, "/home/u/ws/notes", SX_ACCESS_WRITE, &w);
	is_int(w.action, SX_DENY, "a write outside the grants is denied");
	ok(!w.loc && !strcmp(w.rule, "default: deny"), "by the files default");
	is_str(w.fix, "- {action: allow, path: \"${WORKSPACE}/notes\", access: [write]}",
	       "the fix names the file, with the variable it lies under");
	ok(fix_works(&w, "/home/u/ws/notes", SX_ACCESS_WRITE), "and allows it");

	policy_explain_file(p, "/home/u/.ssh/id_rsa", SX_ACCESS_READ, &w);
	ok(w.loc && w.loc->line == 10 && strstr(w.rule, "deny, path: \"${HOME}/.ssh\""),
	   "a secret: its deny rule, as written");
	ok(w.fix_is_rule && fix_works(&w, "/home/u/.ssh/id_rsa", SX_ACCESS_READ),
	   "a more specific allow outweighs it");

	inet_pton(AF_INET, "169.254.169.254", meta);
	policy_explain_net(p, AF_INET, meta, 80, &w);
	ok(w.action == SX_DENY && w.loc && w.loc->line == 5 && !w.fix_is_rule &&
		   strstr(w.fix, "base.yaml:5: it names this address itself"),
	   "a rule on the address itself: change that rule");

	policy_explain_exec(p, "/bin/sh", argv, &w);
	ok(w.action == SX_DENY && !w.fix_is_rule && strstr(w.fix, "argv pattern"),
	   "an argv pattern: no path rule outweighs it");

	put("tool", "#!/usr/bin/env sh\n");
	snprintf(tool, sizeof(tool), "%s/tool", dir);
	ok(policy_explain_start(p, tool, argv, &w, what, sizeof(what)) && !strcmp(what, tool),
	   "a command outside every grant cannot start");
	ok(strstr(w.fix, "/tool, access: [read, exec]}") != NULL,
	   "the fix grants read and exec of it");
}

/* A shipped profile names its model API by host, and no package registry. */
static void test_shipped_hosts(const struct policy *p, const char *name, const char *api)
{
	static const char *const registries[] = { "registry", "npmjs", "pypi", "crates.io",
						   "rubygems", "proxy.golang.org" };
	bool found = false, registry = false;
	const struct net_rule *u;

	for (size_t i = 0; i < p->nnet_rules; i++) {
		const struct net_rule *x = &p->net_rules[i];

		if (x->kind != NET_RULE_HOST || x->action != SX_ALLOW)
			continue;
		found |= !strcmp(x->host, api) && x->nports == 1 && x->ports[0].lo == 443 &&
			 x->ports[0].hi == 443;
		for (size_t j = 0; j < sizeof(registries) / sizeof(registries[0]); j++)
			registry |= strstr(x->host, registries[j]) != NULL;
	}
	ok(found, "%s: its model API is named by host (%s, port 443)", name, api);
	ok(!registry, "%s: no package registry's host is named", name);
	ok(policy_decide_unix(p, "/run/nscd/socket", &u) == SX_DENY,
	   "%s: the name service cache is not reachable beside host rules", name);
}

/*
 * The shipped profiles (SEVORIX_PROFILE_PATH, else policies/): their agent's
 * state and install directory are granted, and no write on ${HOME} itself,
 * on the shell start-up files or on the secrets, whatever the profile.
 */
static void test_shipped(const char *name, const char *state, const char *api)
{
	static const char *const never_written[] = {
		"/home/u/new-file", "/home/u/.bashrc", "/home/u/.profile", "/home/u/.gitconfig",
		"/home/u/.npmrc",   "/home/u/.bash_profile", "/home/u/.ssh/authorized_keys",
	};
	struct policy_env env = { "/home/u", "u", "/home/u/ws", "/opt/npm/node_modules" };
	struct policy_diag d = { 0 };
	const struct file_rule *r;
	const struct net_rule *nr;
	struct policy *p = NULL;
	char file[4096], path[300];
	uint8_t meta[4] = { 169, 254, 169, 254 };
	bool ok_all = true;

	if (policy_profile_path(name, file, sizeof(file)) < 0 ||
	    policy_load(file, &env, &p, &d) < 0) {
		ok(0, "%s: the shipped profile loads", name);
		policy_diag_clear(&d);
		return;
	}
	policy_diag_clear(&d);
	for (size_t i = 0; i < sizeof(never_written) / sizeof(never_written[0]); i++)
		ok_all &= policy_decide_file(p, never_written[i], SX_ACCESS_WRITE, &r) == SX_DENY;
	ok(ok_all, "%s: nothing directly in ${HOME}, no start-up file is writable", name);
	ok(policy_decide_file(p, "/home/u/.ssh/id_rsa", SX_ACCESS_READ, &r) == SX_DENY &&
		   policy_decide_file(p, "/home/u/.aws/credentials", SX_ACCESS_READ, &r) == SX_DENY,
	   "%s: the default's secrets stay denied", name);
	ok(policy_decide_net(p, AF_INET, meta, 80, &nr) == SX_DENY,
	   "%s: the metadata address stays denied", name);
	snprintf(path, sizeof(path), "/home/u/%s/settings.json", state);
	ok(policy_decide_file(p, path, SX_ACCESS_READ | SX_ACCESS_WRITE, &r) == SX_ALLOW,
	   "%s: its state directory ~/%s is read-write", name, state);
	ok(policy_decide_file(p, "/opt/npm/node_modules/@v/pkg/bin/x", SX_ACCESS_EXEC, &r) ==
		   SX_ALLOW,
	   "%s: ${AGENT_DIR} is executable", name);
	ok(policy_decide_file(p, "/opt/other/bin/x", SX_ACCESS_EXEC, &r) == SX_DENY,
	   "%s: nothing else outside the system is", name);
	test_shipped_hosts(p, name, api);
	policy_free(p);
}

int main(void)
{
	struct policy *p;

	if (!mkdtemp(dir)) {
		printf("1..0 # SKIP cannot create %s\n", dir);
		return 0;
	}
	put("base.yaml", base_text);
	put("child.yaml", child_text);
	test_agent_dir();
	p = load("child.yaml", "/opt/npm/node_modules");
	test_extends(p);
	if (p) {
		test_missing(p);
		test_explain(p);
	}
	policy_free(p);
	test_hosts();
	if (!getenv("SEVORIX_PROFILE_PATH"))
		setenv("SEVORIX_PROFILE_PATH", "policies", 1);
	test_shipped("claude-code", ".claude", "api.anthropic.com");
	test_shipped("codex", ".codex", "api.openai.com");
	test_shipped("gemini", ".gemini", "generativelanguage.googleapis.com");
	{
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", dir);
	}
	return done_testing();
}
