// SPDX-License-Identifier: GPL-2.0-only
/*
 * confine: run a command the way `sevorix run` confines an agent, for the
 * escape tests: fork, drop to an unprivileged user, no_new_privs, Landlock,
 * seccomp hardening, exec. Only the confinement layers of src/confine/;
 * no cgroup, no BPF, no supervisor.
 *
 *   confine [--uid N] [--home DIR] [--workspace DIR] [--policy FILE]
 *           [--allow NAME]... [--describe] -- CMD [ARG]...
 *
 * Without --policy the policy is this fixed one (paths expanded):
 *   files:   default deny; /usr read+exec; /etc, /proc read; /dev read+write;
 *            ${HOME} read+write, ${HOME}/.ssh deny; ${WORKSPACE} read+write+exec
 *   exec:    default deny; /usr, ${WORKSPACE} allow
 *   network: default deny; 127.0.0.0/8 port 8080 allow
 * Exits with the command's status (128+N when killed by signal N), 125 when
 * confinement failed (nothing was executed).
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine/confine.h"

static struct file_rule frules[7];
static struct exec_rule erules[2];
static struct port_range pr = { 8080, 8080 };
static struct net_rule nrule = { .action = SX_ALLOW, .kind = NET_RULE_CIDR4, .addr = { 127 },
				 .prefix = 8, .ports = &pr, .nports = 1, .text = "127.0.0.0/8" };
static struct policy fixed;

static char *join(const char *a, const char *b)
{
	char *s;

	if (asprintf(&s, "%s%s", a, b) < 0)
		exit(125);
	return s;
}

/* The fixed policy, rules in evaluation order (longest path first, deny first). */
static void fixed_policy(const char *home, const char *ws)
{
	struct {
		enum sx_action a;
		char *path;
		unsigned int access;
	} f[] = {
		{ SX_DENY, join(home, "/.ssh"), SX_ACCESS_ALL },
		{ SX_ALLOW, join(ws, ""), SX_ACCESS_ALL },
		{ SX_ALLOW, join(home, ""), SX_ACCESS_READ | SX_ACCESS_WRITE },
		{ SX_ALLOW, "/proc", SX_ACCESS_READ },
		{ SX_ALLOW, "/usr", SX_ACCESS_READ | SX_ACCESS_EXEC },
		{ SX_ALLOW, "/etc", SX_ACCESS_READ },
		{ SX_ALLOW, "/dev", SX_ACCESS_READ | SX_ACCESS_WRITE },
	};

	for (size_t i = 0; i < 7; i++)
		frules[i] = (struct file_rule){ .action = f[i].a, .path = f[i].path,
						.expanded = f[i].path, .access = f[i].access,
						.id = i };
	erules[0] = (struct exec_rule){ .action = SX_ALLOW, .path = join(ws, ""),
					.expanded = join(ws, "") };
	erules[1] = (struct exec_rule){ .action = SX_ALLOW, .path = "/usr", .expanded = "/usr",
					.id = 1 };
	fixed.files = (struct policy_section){ .present = true, .def = SX_DENY };
	fixed.file_rules = frules;
	fixed.nfile_rules = 7;
	fixed.exec = (struct policy_section){ .present = true, .def = SX_DENY };
	fixed.exec_rules = erules;
	fixed.nexec_rules = 2;
	fixed.network = (struct policy_section){ .present = true, .def = SX_DENY };
	fixed.net_rules = &nrule;
	fixed.nnet_rules = 1;
}

static int drop_privileges(uid_t uid, gid_t gid)
{
	if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0)
		return -errno;
	/* The bounding set needs CAP_SETPCAP: before the uid changes. */
	for (int cap = 0; cap <= 63; cap++) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
			break;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return -errno;
	}
	if (setresuid(uid, uid, uid) < 0)
		return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

static int run(struct confine *cf, uid_t uid, const char *home, const char *ws, char **argv)
{
	int st = 0;
	pid_t pid = fork();

	if (pid < 0)
		return 125;
	if (pid == 0) {
		int r = drop_privileges(uid, uid);

		if (r == 0)
			r = confine_child(cf);
		if (r < 0) {
			fprintf(stderr, "confine: %s\n", strerror(-r));
			_exit(125);
		}
		if (home)
			setenv("HOME", home, 1);
		if (ws && chdir(ws) < 0)
			_exit(125);
		execvp(argv[0], argv);
		fprintf(stderr, "confine: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "uid", required_argument, NULL, 'u' },  { "home", required_argument, NULL, 'h' },
		{ "workspace", required_argument, NULL, 'w' },
		{ "policy", required_argument, NULL, 'p' }, { "allow", required_argument, NULL, 'a' },
		{ "describe", no_argument, NULL, 'd' },	    { NULL, 0, NULL, 0 },
	};
	const char *home = "/nonexistent", *ws = "/nonexistent", *file = NULL;
	struct hardening_opts h = { 0 };
	struct policy *p = &fixed;
	struct confine cf;
	uid_t uid = 65534;
	bool describe = false;
	char err[512], desc[4096];
	unsigned int bit;
	int c, r;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'u': uid = (uid_t)atoi(optarg); break;
		case 'h': home = optarg; break;
		case 'w': ws = optarg; break;
		case 'p': file = optarg; break;
		case 'd': describe = true; break;
		case 'a':
			if (hardening_allow_from_name(optarg, &bit) < 0) {
				fprintf(stderr, "confine: --allow %s: unknown\n", optarg);
				return 125;
			}
			h.allow |= bit;
			break;
		default: return 125;
		}
	}
	if (file) {
		struct policy_env env = { .home = home, .user = "nobody", .workspace = ws };
		struct policy_diag diag = { 0 };

		r = policy_load(file, &env, &p, &diag);
		for (size_t i = 0; i < diag.nlines; i++)
			fprintf(stderr, "%s\n", diag.lines[i]);
		policy_diag_clear(&diag);
		if (r < 0)
			return 125;
	} else {
		fixed_policy(home, ws);
	}
	r = confine_prepare(p, &h, &cf, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "confine: %s\n", err);
		return 125;
	}
	if (describe) {
		confine_describe(&cf, desc, sizeof(desc));
		fputs(desc, stdout);
	}
	r = optind < argc ? run(&cf, uid, home, ws, argv + optind) : 0;
	confine_release(&cf);
	if (p != &fixed)
		policy_free(p);
	return r;
}
