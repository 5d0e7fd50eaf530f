/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The grounding juror against a small root filesystem built by the test:
 * programs are found through PATH inside that root and only there (an
 * absolute symlink resolves inside it, never on the host), an option the
 * binary does not know is flagged, writes outside the workspace and
 * metadata, link-local and private destinations are denied, a root that
 * does not exist is an error, and garbage never crashes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jury/jurors/builtin.h"
#include "juror_tap.h"

static struct juror *j;
static char root[] = "/tmp/sevorix-root-XXXXXX";

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ssize_t n;

	if (in < 0 || out < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -1;
	close(in);
	close(out);
	return 0;
}

static int make_root(void)
{
	char p[512];

	if (!mkdtemp(root))
		return -1;
	snprintf(p, sizeof(p), "%s/usr", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/usr/bin", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/bin", root);
	if (symlink("usr/bin", p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/usr/bin/mytool", root);
	if (copy_file("/bin/true", p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/usr/bin/sh", root); /* the shell every exec review names */
	if (copy_file("/bin/true", p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/usr/bin/escape", root);
	if (symlink("/bin/ls", p) < 0) /* exists on the host, not in this root */
		return -1;
	snprintf(p, sizeof(p), "%s/usr/bin/alias-tool", root);
	return symlink("/usr/bin/mytool", p); /* absolute, resolves inside the root */
}

static enum vote_verdict judge(const char *cmd, const char *r_root, const char *ws,
			       struct vote *v)
{
	EXEC_REVIEW(r, cmd);

	r.root = r_root;
	r.workspace = ws;
	if (juror_grounding_ops.vote(j, &r, v) != 0)
		return VOTE_ERROR;
	return v->verdict;
}

static void test_programs(void)
{
	struct vote v;

	ok(judge("mytool", root, NULL, &v) == VOTE_ALLOW, "program in the root found (%s)",
	   v.reason);
	/* a missing program or option is malicious less often than not: a flag, not a deny */
	ok(judge("tput cols", root, NULL, &v) == VOTE_ABSTAIN && strstr(v.reason, "tput") &&
		   strstr(v.reason, "weak signal"),
	   "host program absent from the root is flagged (%s)", v.reason);
	ok(judge("ls -la", root, NULL, &v) == VOTE_ALLOW,
	   "a well-known tool that is not installed is not called invented (%s)", v.reason);
	ok(judge("escape", root, NULL, &v) == VOTE_ABSTAIN,
	   "absolute symlink does not escape to the host (%s)", v.reason);
	ok(judge("alias-tool --version", root, NULL, &v) == VOTE_ALLOW,
	   "absolute symlink inside the root resolves; known option (%s)", v.reason);
	ok(judge("mytool --frobnicate-everything", root, NULL, &v) == VOTE_ABSTAIN &&
		   strstr(v.reason, "--frobnicate-everything"),
	   "unknown option flagged (%s)", v.reason);
	ok(judge("ls -la && cat /etc/hostname", NULL, NULL, &v) == VOTE_ALLOW,
	   "host root by default (%s)", v.reason);
	ok(judge("definitely-not-a-real-tool-xyz --help", NULL, NULL, &v) == VOTE_ABSTAIN,
	   "hallucinated program flagged (%s)", v.reason);
	ok(judge("cc -o /tmp/sevorix-made-here t.c && /tmp/sevorix-made-here", NULL, NULL, &v) ==
		   VOTE_ALLOW,
	   "a program the script builds first is not flagged as missing (%s)", v.reason);
	ok(judge("ls", "/nonexistent-root-dir", NULL, &v) == VOTE_ERROR,
	   "a root that does not exist is an error (fail closed)");
}

static void test_targets(void)
{
	struct vote v;

	ok(judge("touch /etc/sevorix-test", NULL, "/home/agent/p", &v) == VOTE_DENY,
	   "write outside the workspace flagged (%s)", v.reason);
	ok(judge("touch /home/agent/p/x.txt && echo hi > /tmp/o", NULL, "/home/agent/p", &v) ==
		   VOTE_ALLOW,
	   "writes inside the workspace and /tmp allowed (%s)", v.reason);
	ok(judge("curl -s http://169.254.169.254/latest/meta-data/", NULL, NULL, &v) == VOTE_DENY &&
		   v.confidence >= 0.9,
	   "metadata destination in argv (%s)", v.reason);
	ok(judge("cat < /dev/tcp/10.1.2.3/4444", NULL, NULL, &v) == VOTE_DENY,
	   "raw socket to a private address (%s)", v.reason);
	ok(judge("curl -s http://localhost:8080/health", NULL, NULL, &v) == VOTE_ALLOW,
	   "loopback HTTP allowed (%s)", v.reason);
}

static void test_connect(void)
{
	struct review c = { .kind = REVIEW_CONNECT, .family = "inet", .port = 443 };
	struct vote v;

	c.addr = "169.254.169.254";
	juror_grounding_ops.vote(j, &c, &v);
	ok(v.verdict == VOTE_DENY && v.confidence >= 0.95, "metadata connect denied");
	c.addr = "fe80::1";
	c.family = "inet6";
	juror_grounding_ops.vote(j, &c, &v);
	ok(v.verdict == VOTE_DENY, "link-local v6 denied");
	c.addr = "192.168.1.10";
	c.family = "inet";
	juror_grounding_ops.vote(j, &c, &v);
	ok(v.verdict == VOTE_DENY, "private address denied");
	c.addr = "140.82.112.3";
	juror_grounding_ops.vote(j, &c, &v);
	ok(v.verdict == VOTE_ALLOW, "public address allowed");
	c.family = "unix";
	c.addr = "/run/no-such.sock";
	c.port = -1;
	juror_grounding_ops.vote(j, &c, &v);
	ok(v.verdict == VOTE_ABSTAIN, "missing UNIX socket flagged");
}

static void test_garbage_and_speed(void)
{
	unsigned seed = 3;
	char buf[1024];
	const char *argv[6];
	struct vote v;
	int good = 1;

	for (int round = 0; round < 1500; round++) {
		size_t argc = (size_t)(rand_r(&seed) % 6);
		struct review r = { .kind = (enum review_kind)(rand_r(&seed) % 3 + 1),
				    .argv = argv, .argc = argc, .port = rand_r(&seed) % 70000 };

		for (size_t k = 0; k < sizeof(buf) - 1; k++)
			buf[k] = (char)(rand_r(&seed) % 95 + 32);
		buf[rand_r(&seed) % sizeof(buf)] = '\0';
		buf[sizeof(buf) - 1] = '\0';
		for (size_t k = 0; k < argc; k++)
			argv[k] = buf + rand_r(&seed) % 600;
		r.path = round % 2 ? buf + 10 : NULL;
		r.addr = round % 3 ? buf + 20 : NULL;
		r.root = root;
		int rc = juror_grounding_ops.vote(j, &r, &v);

		if ((rc == 0 && !(v.confidence >= 0 && v.confidence <= 1)) || (rc && rc != -EINVAL))
			good = 0;
	}
	ok(good, "1500 random reviews: no crash, votes in contract");
	EXEC_REVIEW(r, "git status && make -j8 && ls -la build/ --color=never");
	double t0 = now_us();

	for (int i = 0; i < 1000; i++)
		juror_grounding_ops.vote(j, &r, &v);
	report_speed((now_us() - t0) / 1000, "grounding vote (binaries cached)");
}

int main(void)
{
	char err[256], cmd[600];
	struct juror_config cfg = { .kind = "grounding" };

	ok(make_root() == 0, "test root built at %s", root);
	ok(juror_grounding_ops.open(&cfg, &j, err, sizeof(err)) == 0, "grounding opens");
	test_programs();
	test_targets();
	test_connect();
	test_garbage_and_speed();
	juror_grounding_ops.close(j);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		diag("could not remove the test root");
	return done_testing();
}
