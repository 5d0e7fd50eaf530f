// SPDX-License-Identifier: GPL-2.0-only
/*
 * Landlock compile step, without the kernel: policy -> plan on a temporary
 * directory tree, for a given ABI. The central check is an equivalence:
 * for every existing path of the tree and every access kind, "some rule of
 * the plan grants it" (Landlock's semantics) must equal
 * policy_decide_file() == allow (the rulebook's reference decision), and
 * an entry created after compiling in an expanded directory must be denied.
 * Policies are built by hand in evaluation order (policy.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/landlock.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/tap.h"
#include "landlock/landlock.h"
#include "landlock/landlock_uapi.h"

static char root[64];

static char *P(const char *rel)
{
	static char buf[8][256];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s%s%s", root, *rel ? "/" : "", rel);
	return buf[i];
}

static void mk(const char *rel, int dir)
{
	if (dir) {
		mkdir(P(rel), 0755);
	} else {
		int fd = open(P(rel), O_CREAT | O_WRONLY, 0644);

		if (fd >= 0)
			close(fd);
	}
}

static void make_tree(void)
{
	static const char *dirs[] = { "home", "home/.ssh", "home/src", "home/x", "home/x/y",
				      "data", "data/log", "ws", "bin", "ro" };
	static const char *files[] = { "home/.ssh/id_rsa", "home/.bashrc", "home/src/a.c",
				       "home/x/y/secret", "home/x/y/other", "home/x/z",
				       "data/log/1", "data/d1", "ws/f", "bin/tool", "bin/ok",
				       "ro/r" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++)
		mk(dirs[i], 1);
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++)
		mk(files[i], 0);
	if (symlink(P("home/.ssh"), P("home/link")) < 0)
		perror("symlink");
	if (link(P("bin/tool"), P("bin/tool-alias")) < 0)
		perror("link");
}

static struct file_rule FR(enum sx_action a, const char *path, unsigned int access)
{
	return (struct file_rule){ .action = a, .path = (char *)path, .expanded = strdup(path),
				   .access = access };
}

static void free_rules(struct policy *p)
{
	for (size_t i = 0; i < p->nfile_rules; i++)
		free(p->file_rules[i].expanded);
	for (size_t i = 0; i < p->nexec_rules; i++)
		free(p->exec_rules[i].expanded);
}

/* Landlock semantics: a rule on the path or one of its parent directories grants. */
static bool granted(const struct landlock_layer *l, const char *path, uint64_t right)
{
	for (size_t i = 0; i < l->nrules; i++) {
		const struct landlock_rule *r = &l->rules[i];
		size_t n = strlen(r->path);
		bool under = !strcmp(r->path, "/") ||
			     (!strncmp(path, r->path, n) && (path[n] == '/' || path[n] == '\0'));

		if ((r->is_dir || !strcmp(path, r->path)) && under && (r->access & right))
			return true;
	}
	return false;
}

static const struct policy *cur_policy;
static const struct landlock_layer *cur_layer;
static int mismatches;

/*
 * Regular files: plan == rulebook for read, write and exec. Directories:
 * creating an entry is never granted beyond the rulebook (expanded
 * directories deny it: fail-closed), and listing is never denied where the
 * rulebook allows it (expanded directories keep the listing right).
 */
static int walk_check(const char *path, const struct stat *st, int type, struct FTW *f)
{
	static const struct {
		unsigned int kind;
		uint64_t file_right, dir_right;
	} kinds[] = {
		{ SX_ACCESS_READ, LANDLOCK_ACCESS_FS_READ_FILE, LANDLOCK_ACCESS_FS_READ_DIR },
		{ SX_ACCESS_WRITE, LANDLOCK_ACCESS_FS_WRITE_FILE, LANDLOCK_ACCESS_FS_MAKE_REG },
		{ SX_ACCESS_EXEC, LANDLOCK_ACCESS_FS_EXECUTE, 0 },
	};
	const struct file_rule *rule;

	(void)f;
	if (type == FTW_SL)
		return 0; /* judged on their target */
	for (size_t i = 0; i < 3; i++) {
		bool want = policy_decide_file(cur_policy, path, kinds[i].kind, &rule) == SX_ALLOW;
		bool dir = S_ISDIR(st->st_mode), bad;
		bool have;

		if (dir && !kinds[i].dir_right)
			continue;
		have = granted(cur_layer, path, dir ? kinds[i].dir_right : kinds[i].file_right);
		if (!dir)
			bad = want != have;
		else if (kinds[i].kind == SX_ACCESS_WRITE)
			bad = have && !want;
		else
			bad = want && !have;
		if (bad && mismatches++ < 5)
			printf("# %s kind %u: rulebook %s, plan %s\n", path, kinds[i].kind,
			       want ? "allow" : "deny", have ? "allow" : "deny");
	}
	return 0;
}

static int check_equiv(const struct policy *p, const struct landlock_plan *plan)
{
	cur_policy = p;
	cur_layer = &plan->layers[LANDLOCK_LAYER_FILES];
	mismatches = 0;
	nftw(root, walk_check, 16, FTW_PHYS);
	return mismatches;
}

/* Exec layer: for every regular file, plan == rulebook, except hard links of a denied file. */
static int walk_exec(const char *path, const struct stat *st, int type, struct FTW *f)
{
	char *argv[] = { (char *)path, NULL };
	const struct exec_rule *rule;
	bool want, have;

	(void)f;
	if (type != FTW_F || !S_ISREG(st->st_mode) || strstr(path, "-alias"))
		return 0;
	want = policy_decide_exec(cur_policy, path, argv, &rule) == SX_ALLOW;
	have = granted(cur_layer, path, LANDLOCK_ACCESS_FS_EXECUTE);
	if (want != have && mismatches++ < 5)
		printf("# exec %s: rulebook %s, plan %s\n", path, want ? "allow" : "deny",
		       have ? "allow" : "deny");
	return 0;
}

static bool has_rule(const struct landlock_layer *l, const char *path, uint64_t *access)
{
	for (size_t i = 0; i < l->nrules; i++)
		if (!strcmp(l->rules[i].path, path)) {
			if (access)
				*access = l->rules[i].access;
			return true;
		}
	return false;
}

/* deny ${HOME}/.ssh and ${HOME}/x/y/secret under allow ${HOME}, default deny */
static void test_deny_inside_allow(void)
{
	struct file_rule rules[] = {
		FR(SX_DENY, P("home/x/y/secret"), SX_ACCESS_ALL),
		FR(SX_DENY, P("home/.ssh"), SX_ACCESS_ALL),
		FR(SX_ALLOW, P("home"), SX_ACCESS_READ | SX_ACCESS_WRITE),
	};
	struct policy p = { .files = { .present = true, .def = SX_DENY },
			    .file_rules = rules, .nfile_rules = 3 };
	struct landlock_plan *plan = NULL;
	const struct landlock_layer *l;
	uint64_t a = 0;
	char err[256];
	int r, fd;

	r = landlock_plan_build(&p, NULL, 7, &plan, err, sizeof(err));
	ok(r == 0, "deny inside allow: builds (%s)", r ? err : "");
	if (r)
		return;
	l = &plan->layers[LANDLOCK_LAYER_FILES];
	ok(l->present && l->handled_fs == landlock_access_for(SX_ACCESS_ALL, 7),
	   "files layer handles read, write and exec");
	ok(has_rule(l, P("home"), &a) && a == LANDLOCK_ACCESS_FS_READ_DIR,
	   "the expanded directory itself may be listed, nothing more");
	ok(has_rule(l, P("home/src"), NULL) && has_rule(l, P("home/.bashrc"), NULL),
	   "its other entries do");
	ok(!has_rule(l, P("home/.ssh"), NULL) && !has_rule(l, P("home/.ssh/id_rsa"), NULL),
	   "the denied directory gets none");
	ok(!granted(l, P("home/.ssh/id_rsa"), LANDLOCK_ACCESS_FS_READ_FILE) &&
		   !granted(l, P("home/.ssh"), LANDLOCK_ACCESS_FS_MAKE_REG),
	   "nothing in it can be read or created");
	ok(has_rule(l, P("home/x"), &a) && a == LANDLOCK_ACCESS_FS_READ_DIR &&
		   has_rule(l, P("home/x/z"), NULL) &&
		   has_rule(l, P("home/x/y/other"), NULL) &&
		   !has_rule(l, P("home/x/y/secret"), NULL),
	   "expansion recurses down to a deeper deny and stops there");
	ok(!has_rule(l, P("home/link"), NULL) && plan->nsymlinks >= 1,
	   "a symlink in an expanded directory is not granted");
	ok(check_equiv(&p, plan) == 0, "plan == rulebook for every file of the tree (dirs: see above)");
	fd = open(P("home/later"), O_CREAT | O_WRONLY, 0644);
	close(fd);
	ok(!granted(l, P("home/later"), LANDLOCK_ACCESS_FS_READ_FILE),
	   "an entry created later in an expanded directory is denied (fail-closed)");
	unlink(P("home/later"));
	landlock_plan_free(plan);
	free_rules(&p);
}

/* files: default: allow, with a deny carved out; exec not granted under ro */
static void test_default_allow(void)
{
	struct file_rule rules[] = {
		FR(SX_DENY, P("home/.ssh"), SX_ACCESS_ALL),
		FR(SX_DENY, P("ro"), SX_ACCESS_WRITE | SX_ACCESS_EXEC),
	};
	struct policy p = { .files = { .present = true, .def = SX_ALLOW },
			    .file_rules = rules, .nfile_rules = 2 };
	struct landlock_plan *plan = NULL;
	const struct landlock_layer *l;
	uint64_t a = 0;
	char err[256];
	int r;

	r = landlock_plan_build(&p, NULL, 7, &plan, err, sizeof(err));
	ok(r == 0, "default allow: builds (%s)", r ? err : "");
	if (r)
		return;
	l = &plan->layers[LANDLOCK_LAYER_FILES];
	ok(has_rule(l, "/", &a) && a == LANDLOCK_ACCESS_FS_READ_DIR && has_rule(l, "/usr", &a) &&
		   a == landlock_access_for(SX_ACCESS_ALL, 7),
	   "/ is expanded (listing only on / itself): /usr gets every right");
	ok(has_rule(l, P("ro"), &a) && a == landlock_access_for(SX_ACCESS_READ, 7),
	   "a write+exec deny keeps the read right on the same path");
	ok(check_equiv(&p, plan) == 0, "plan == rulebook for every file of the tree (dirs: see above)");
	landlock_plan_free(plan);
	free_rules(&p);
}

/* review is compiled as deny; a missing allowed path grants nothing */
static void test_review_and_missing(void)
{
	struct file_rule rules[] = {
		FR(SX_REVIEW, P("data/log"), SX_ACCESS_ALL),
		FR(SX_ALLOW, P("nonexistent"), SX_ACCESS_ALL),
		FR(SX_ALLOW, P("data"), SX_ACCESS_ALL),
	};
	struct policy p = { .files = { .present = true, .def = SX_DENY },
			    .file_rules = rules, .nfile_rules = 3 };
	struct landlock_plan *plan = NULL;
	const struct landlock_layer *l;
	char err[256];
	int r;

	r = landlock_plan_build(&p, NULL, 7, &plan, err, sizeof(err));
	ok(r == 0, "review: builds (%s)", r ? err : "");
	if (r)
		return;
	l = &plan->layers[LANDLOCK_LAYER_FILES];
	ok(!granted(l, P("data/log/1"), LANDLOCK_ACCESS_FS_READ_FILE) &&
		   granted(l, P("data/d1"), LANDLOCK_ACCESS_FS_READ_FILE),
	   "review is compiled as deny (Landlock cannot hold)");
	ok(plan->nmissing == 1 && !has_rule(l, P("nonexistent"), NULL),
	   "a missing allowed path is counted and gets no rule");
	landlock_plan_free(plan);
	free_rules(&p);
}

static struct exec_rule ER(enum sx_action a, const char *path)
{
	return (struct exec_rule){ .action = a, .path = (char *)path,
				   .expanded = path ? strdup(path) : NULL,
				   .argv_glob = path ? NULL : (char *)"rm -rf *" };
}

static void test_exec_layer(void)
{
	char desc[2048];
	struct exec_rule rules[] = { ER(SX_DENY, P("bin/tool")), ER(SX_ALLOW, P("bin")),
				     ER(SX_DENY, NULL) };
	struct policy p = { .exec = { .present = true, .def = SX_DENY },
			    .exec_rules = rules, .nexec_rules = 3 };
	struct landlock_plan *plan = NULL;
	const struct landlock_layer *l;
	uint64_t a = 0;
	char err[256];
	int r;

	r = landlock_plan_build(&p, NULL, 7, &plan, err, sizeof(err));
	ok(r == 0, "exec: builds (%s)", r ? err : "");
	if (r)
		return;
	l = &plan->layers[LANDLOCK_LAYER_EXEC];
	ok(l->present && l->handled_fs == LANDLOCK_ACCESS_FS_EXECUTE,
	   "exec layer handles the execute right only");
	ok(has_rule(l, P("bin/ok"), &a) && a == LANDLOCK_ACCESS_FS_EXECUTE &&
		   !has_rule(l, P("bin/tool"), NULL) && !has_rule(l, P("bin"), NULL),
	   "a denied binary in an allowed directory is carved out");
	ok(!has_rule(l, P("bin/tool-alias"), NULL),
	   "a hard link of the denied binary gets no rule (a rule on it would grant the inode)");
	ok(!plan->layers[LANDLOCK_LAYER_FILES].handled_fs, "files absent: not restricted");
	cur_policy = &p;
	cur_layer = l;
	mismatches = 0;
	nftw(root, walk_exec, 16, FTW_PHYS);
	ok(mismatches == 0, "exec plan == policy_decide_exec() for every file of the tree");
	ok(landlock_describe(plan, desc, sizeof(desc)) == 0 && strstr(desc, "landlock: ABI 7") &&
		   strstr(desc, "files: not restricted") && strstr(desc, "exec: "),
	   "describe says which sections are restricted");
	ok(landlock_describe(plan, desc, 20) == -ENOSPC && strlen(desc) < 20,
	   "describe reports a short buffer and stays terminated");
	landlock_plan_free(plan);
	free_rules(&p);
}

/* exec: deny of bin/absent (missing) under allow /, files read-only or writable above it */
static int plan_missing_deny(bool files, struct file_rule *fr, struct landlock_plan **plan)
{
	struct exec_rule rules[] = { ER(SX_DENY, P("bin/absent")) };
	struct policy p = { .files = { .present = files, .def = SX_DENY },
			    .file_rules = fr, .nfile_rules = files ? 1 : 0,
			    .exec = { .present = true, .def = SX_ALLOW },
			    .exec_rules = rules, .nexec_rules = 1 };
	char err[256];
	int r = landlock_plan_build(&p, NULL, 7, plan, err, sizeof(err));

	if (r == 0) {
		cur_policy = &p;
		cur_layer = &(*plan)->layers[LANDLOCK_LAYER_EXEC];
		mismatches = 0;
		nftw(root, walk_exec, 16, FTW_PHYS);
		r = mismatches ? -EPROTO : 0;
	}
	free(rules[0].expanded);
	return r;
}

static void test_exec_missing_deny(void)
{
	struct file_rule ro = FR(SX_ALLOW, P(""), SX_ACCESS_READ | SX_ACCESS_EXEC);
	struct file_rule rw = FR(SX_ALLOW, P("lnk"), SX_ACCESS_WRITE);
	struct landlock_plan *plan = NULL;
	const struct landlock_layer *l;
	uint64_t a = 0;

	if (symlink(P("bin"), P("lnk")) < 0)
		perror("symlink");
	ok(plan_missing_deny(true, &ro, &plan) == 0, "missing deny, files read-only: plan == rulebook");
	l = plan ? &plan->layers[LANDLOCK_LAYER_EXEC] : NULL;
	ok(l && l->nrules == 1 && has_rule(l, "/", &a) && a == LANDLOCK_ACCESS_FS_EXECUTE,
	   "a denied exec path that is missing and cannot be made expands nothing (one rule on /)");
	landlock_plan_free(plan);
	plan = NULL;
	ok(plan_missing_deny(true, &rw, &plan) == 0 && plan &&
		   has_rule(&plan->layers[LANDLOCK_LAYER_EXEC], P("bin/ok"), NULL) &&
		   !has_rule(&plan->layers[LANDLOCK_LAYER_EXEC], "/", NULL),
	   "writable above it (through a link to its directory): carved out, expanded");
	landlock_plan_free(plan);
	plan = NULL;
	ok(plan_missing_deny(false, NULL, &plan) == 0 && plan &&
		   has_rule(&plan->layers[LANDLOCK_LAYER_EXEC], P("bin/ok"), NULL),
	   "no files layer (anything may be made): carved out, expanded");
	landlock_plan_free(plan);
	unlink(P("lnk"));
	free(ro.expanded);
	free(rw.expanded);
}

static void test_network_and_scopes(void)
{
	struct port_range pr1[] = { { 443, 443 }, { 80, 81 } }, pr2[] = { { 22, 22 } };
	struct net_rule rules[] = {
		{ .action = SX_DENY, .kind = NET_RULE_CIDR4, .ports = pr2, .nports = 1 },
		{ .action = SX_ALLOW, .kind = NET_RULE_CIDR4, .ports = pr1, .nports = 2 },
		{ .action = SX_REVIEW, .kind = NET_RULE_CIDR6, .ports = pr1, .nports = 1 },
		{ .action = SX_ALLOW, .kind = NET_RULE_UNIX },
	};
	struct policy p = { .network = { .present = true, .def = SX_DENY },
			    .net_rules = rules, .nnet_rules = 4 };
	struct hardening_opts h = { .allow = HARDEN_ALLOW_SIGNAL };
	struct landlock_plan *plan = NULL;
	const struct landlock_layer *l;
	char err[256];
	int r;

	r = landlock_plan_build(&p, NULL, 7, &plan, err, sizeof(err));
	ok(r == 0, "network: builds (%s)", r ? err : "");
	if (r)
		return;
	l = &plan->layers[LANDLOCK_LAYER_FILES];
	ok(l->handled_net == LANDLOCK_ACCESS_NET_CONNECT_TCP && l->nports == 3 &&
		   l->ports[0] == 80 && l->ports[1] == 81 && l->ports[2] == 443,
	   "default deny: tcp connect allowed to the allow/review ports only (80,81,443)");
	ok(l->scoped == (LANDLOCK_SCOPE_SIGNAL | LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET),
	   "ABI 6+: signals and abstract unix sockets scoped by default");
	ok(!l->handled_fs && !plan->layers[LANDLOCK_LAYER_EXEC].present,
	   "files and exec absent: not restricted");
	landlock_plan_free(plan);

	r = landlock_plan_build(&p, &h, 5, &plan, err, sizeof(err));
	ok(r == 0 && plan->layers[0].scoped == 0 && plan->layers[0].nports == 3,
	   "ABI 5: no scopes, ports still");
	landlock_plan_free(plan);
	r = landlock_plan_build(&p, &h, 6, &plan, err, sizeof(err));
	ok(r == 0 && plan->layers[0].scoped == LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET,
	   "hardening allow [signal] drops the signal scope only");
	landlock_plan_free(plan);
	r = landlock_plan_build(&p, NULL, 3, &plan, err, sizeof(err));
	ok(r == 0 && !plan->layers[0].handled_net && plan->net_not_expressible,
	   "ABI 3: no tcp rules, left to the cgroup layer");
	landlock_plan_free(plan);

	rules[1].nports = 0;
	r = landlock_plan_build(&p, NULL, 7, &plan, err, sizeof(err));
	ok(r == 0 && !plan->layers[0].handled_net && plan->net_not_expressible,
	   "an allow rule for every port: not expressible by port, tcp not handled");
	landlock_plan_free(plan);
	rules[1].nports = 2;
	p.network.def = SX_ALLOW;
	r = landlock_plan_build(&p, NULL, 7, &plan, err, sizeof(err));
	ok(r == 0 && !plan->layers[0].handled_net, "default allow: tcp not handled");
	landlock_plan_free(plan);
}

static void test_abi_and_errors(void)
{
	struct file_rule rules[] = { FR(SX_ALLOW, "relative/path", SX_ACCESS_READ) };
	struct policy p = { .files = { .present = true, .def = SX_DENY },
			    .file_rules = rules, .nfile_rules = 1 };
	struct landlock_plan *plan = NULL;
	char err[256] = "";
	int r;

	ok(!(landlock_access_for(SX_ACCESS_WRITE, 1) &
	     (LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE)) &&
		   (landlock_access_for(SX_ACCESS_WRITE, 3) & LANDLOCK_ACCESS_FS_TRUNCATE) &&
		   !(landlock_access_for(SX_ACCESS_WRITE, 4) & LANDLOCK_ACCESS_FS_IOCTL_DEV) &&
		   (landlock_access_for(SX_ACCESS_WRITE, 5) & LANDLOCK_ACCESS_FS_IOCTL_DEV),
	   "rights are cut to the ABI");
	rules[0].loc = (struct policy_loc){ .file = "p.yaml", .line = 7, .col = 5 };
	r = landlock_plan_build(&p, NULL, 7, &plan, err, sizeof(err));
	ok(r == -EINVAL && !strncmp(err, "p.yaml:7:5: ", 12), "a relative path is an error naming the rule: %s", err);
	free(rules[0].expanded);
	rules[0].expanded = strdup("/usr");
	r = landlock_plan_build(&p, NULL, 0, &plan, err, sizeof(err));
	ok(r == -EOPNOTSUPP && err[0], "files section without Landlock: -EOPNOTSUPP (fail-closed)");
	free_rules(&p);
}

int main(void)
{
	snprintf(root, sizeof(root), "/tmp/sevorix-llc-XXXXXX");
	if (!mkdtemp(root)) {
		printf("1..0 # SKIP mkdtemp: %s\n", strerror(errno));
		return 0;
	}
	make_tree();
	test_deny_inside_allow();
	test_default_allow();
	test_review_and_missing();
	test_exec_layer();
	test_exec_missing_deny();
	test_network_and_scopes();
	test_abi_and_errors();
	if (fork() == 0)
		execlp("rm", "rm", "-rf", root, (char *)NULL), _exit(127);
	wait(NULL);
	return done_testing();
}
