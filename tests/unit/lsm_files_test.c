// SPDX-License-Identifier: GPL-2.0-only
/*
 * The BPF LSM layer's file trie, without the kernel: lsm_files_compile()
 * into an in-memory list, then the lookup the program does (the longest
 * stored prefix of "PATH/", then the stricter decision over the requested
 * accesses) compared with policy_decide_file(), the rulebook's reference,
 * for many paths and every access combination. Also: whole-component
 * matching, paths created after compiling, the length limit, and the
 * directories holding rules below them (which a rename must not move).
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "../lib/policy_text.h"
#include "../lib/tap.h"
#include "lsm/lsm.h"
#include "sevorix/abi.h"
#include "sevorix/policy.h"

static const char policy_text[] =
	"version: 1\n"
	"files:\n"
	"  default: deny\n"
	"  rules:\n"
	"    - {action: allow, path: /usr, access: [read, exec]}\n"
	"    - {action: allow, path: /, access: [read]}\n"
	"    - {action: allow, path: \"${WORKSPACE}\", access: [read, write, exec]}\n"
	"    - {action: allow, path: \"${HOME}\", access: [read, write]}\n"
	"    - {action: deny, path: \"${HOME}/.ssh\"}\n"
	"    - {action: allow, path: \"${HOME}/.ssh/known_hosts\", access: [read]}\n"
	"    - {action: deny, path: /etc/shadow}\n"
	"    - {action: allow, path: /tmp, access: [write]}\n";

struct trie {
	struct sx_file_key k[64];
	struct sx_file_value v[64];
	int n;
};

static int add(void *ctx, const struct sx_file_key *k, const struct sx_file_value *v)
{
	struct trie *t = ctx;

	if (t->n >= 64)
		return -E2BIG;
	t->k[t->n] = *k;
	t->v[t->n++] = *v;
	return 0;
}

/* What bpf/lsm/files.bpf.c computes for path and access (enum sx_access bits). */
static int lookup(const struct trie *t, const char *path, unsigned int access, int *rule)
{
	char key[SX_FILE_PATH_MAX + 1] = "";
	size_t len = strlen(path), best = 0;
	const struct sx_file_value *v = NULL;
	int verdict = SX_V_ALLOW;

	memcpy(key, path, len < SX_FILE_PATH_MAX ? len : SX_FILE_PATH_MAX);
	if (len < SX_FILE_PATH_MAX)
		key[len++] = '/';
	else
		len = SX_FILE_PATH_MAX;
	for (int i = 0; i < t->n; i++) {
		size_t plen = t->k[i].prefixlen / 8;

		if (plen <= len && !memcmp(t->k[i].path, key, plen) && (!v || plen > best)) {
			v = &t->v[i];
			best = plen;
		}
	}
	*rule = SX_RULE_DEFAULT;
	if (!v)
		return -1;
	for (int a = 0; a < SX_FA_MAX; a++) {
		if (!(access & (1u << a)))
			continue;
		if (v->action[a] > verdict || (v->action[a] == verdict && *rule == SX_RULE_DEFAULT)) {
			verdict = v->action[a];
			*rule = v->rule_id[a];
		}
	}
	return verdict;
}

/* A trie and the directories a rename must not carry away, as "/a/b/" lines. */
struct trie_dirs {
	struct trie t; /* first: add() takes the same ctx */
	char dirs[1024];
};

static int add_dir(void *ctx, const char *path)
{
	struct trie_dirs *td = ctx;

	if (strlen(td->dirs) + strlen(path) + 2 > sizeof(td->dirs))
		return -E2BIG;
	strcat(td->dirs, path);
	strcat(td->dirs, "\n");
	return 0;
}

static struct policy *load(const char *text)
{
	struct policy_env env = { .home = "/home/u", .user = "u", .workspace = "/work/proj" };

	return policy_from_text(text, &env);
}

/* The trie decides every path and access as the reference does. */
static void check_reference(const struct policy *p, struct trie *t)
{
	static const char *paths[] = {
		"/", "/usr", "/usr/bin/ls", "/usrx/y", "/etc/passwd", "/etc/shadow", "/etc/shadowx",
		"/work/proj", "/work/proj/a/b.c", "/work/projx", "/home/u", "/home/u/notes",
		"/home/u/.ssh", "/home/u/.ssh/id_rsa", "/home/u/.ssh/new/created_later",
		"/home/u/.sshx", "/home/u/.ssh/known_hosts", "/tmp/x", "/var/log/syslog",
	};
	int mismatches = 0;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		for (unsigned int acc = 1; acc <= SX_ACCESS_ALL; acc++) {
			const struct file_rule *fr;
			int rule, want = policy_decide_file(p, paths[i], acc, &fr);
			int got = lookup(t, paths[i], acc, &rule);
			int want_rule = fr ? (int)fr->id : SX_RULE_DEFAULT;

			if (got != want || rule != want_rule) {
				mismatches++;
				printf("# %s access %u: trie %d rule %d, reference %d rule %d\n",
				       paths[i], acc, got, rule, want, want_rule);
			}
		}
	}
	is_int(mismatches, 0, "the trie decides as policy_decide_file() for %zu paths x 7 accesses",
	       sizeof(paths) / sizeof(paths[0]));
}

static void check_edges(struct trie *t)
{
	char longpath[400];
	int rule;

	is_int(lookup(t, "/home/u/.ssh/new/created_later", SX_ACCESS_READ, &rule), SX_V_DENY,
	       "a path created under a denied directory inside an allowed one is denied");
	is_int(lookup(t, "/usrx/y", SX_ACCESS_EXEC, &rule), SX_V_DENY,
	       "/usr does not cover /usrx (whole components)");
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	memcpy(longpath, "/work/proj/", 11);
	longpath[sizeof(longpath) - 1] = 0;
	is_int(lookup(t, longpath, SX_ACCESS_WRITE, &rule), SX_V_ALLOW,
	       "a path longer than the key still meets the rules that cover it");
}

static void check_dirs(const struct policy *p)
{
	static struct trie_dirs td;
	struct file_sink both = { add, &td, add_dir };
	char err[256] = "";
	int r = lsm_files_compile(p, &both, err, sizeof(err));

	is_int(r, 0, "the files section compiles with a directory sink (%s)", err);
	ok(strstr(td.dirs, "/home/\n") && strstr(td.dirs, "/home/u/\n") &&
		   strstr(td.dirs, "/home/u/.ssh/\n") && strstr(td.dirs, "/work/\n"),
	   "the directories above rule paths are named, with a trailing '/'");
	ok(strncmp(td.dirs, "/\n", 2) && !strstr(td.dirs, "\n/\n"), "\"/\" itself is never one");
	ok(!strstr(td.dirs, "/usr/") && !strstr(td.dirs, "/etc/shadow/"),
	   "a rule path itself, without rules below it, is not one");
}

/* A rule path that cannot fit the trie's key is an error, never a silent gap. */
static void check_long_rule(void)
{
	char text[1024], longpath[301], err[256] = "";
	struct trie t = { .n = 0 };
	struct file_sink sink = { add, &t, NULL };
	struct policy *p;
	int r;

	memset(longpath, 'b', 300);
	longpath[0] = '/';
	longpath[300] = 0;
	snprintf(text, sizeof(text),
		 "version: 1\nfiles:\n  default: allow\n  rules:\n"
		 "    - {action: deny, path: %s}\n", longpath);
	p = load(text);
	r = p ? lsm_files_compile(p, &sink, err, sizeof(err)) : -EINVAL;
	is_int(r, -ENAMETOOLONG, "a rule path of 300 bytes is refused: %s", err);
	ok(strstr(err, ":5:") != NULL, "the message names the rule's line");
	policy_free(p);
}

int main(void)
{
	char err[256] = "";
	struct trie t = { .n = 0 };
	struct file_sink sink = { add, &t, NULL };
	struct policy *p = load(policy_text);
	int r;

	if (!ok(p != NULL, "the rulebook loads"))
		return done_testing();
	r = lsm_files_compile(p, &sink, err, sizeof(err));
	is_int(r, 0, "the files section compiles (%s)", err);
	is_int(t.n, 9, "one entry per distinct rule path plus the default");
	check_reference(p, &t);
	check_edges(&t);
	check_dirs(p);
	policy_free(p);
	check_long_rule();
	return done_testing();
}
