// SPDX-License-Identifier: GPL-2.0-only
/*
 * sevorix attach | detach: a running process tree (a container's cgroup,
 * an agent started without Sevorix) put under a policy from outside.
 *
 * Only what the kernel lets one attach from outside is attached: the
 * cgroup network programs and the exec checks at sched_process_exec,
 * pinned like a run's so that they stay after this command exits. What a
 * process can only apply to itself at start (Landlock, the seccomp filter
 * and with it the hold) is not, and attach prints exactly which rows of
 * the policy are enforced and which are not. `sevorix detach` unpins.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "attach/attach.h"
#include "exec/exec.h"
#include "net/net.h"
#include "policy/agent.h"
#include "runs/cgroup.h"
#include "runs/runs.h"
#include "util/log.h"
#include "util/opts.h"

static void attach_usage(FILE *f)
{
	fputs("Usage: sevorix attach (--cgroup PATH | --pid PID) [--policy FILE] [--user USER]\n"
	      "       sevorix detach ID\n\n"
	      "Puts a running process tree under a policy: the cgroup network layer and the\n"
	      "exec checks are attached to its cgroup and stay until `sevorix detach ID`.\n"
	      "Prints the attachment's ID and which rows of the policy are enforced.\n\n"
	      "  -c, --cgroup PATH  a cgroup v2 directory (absolute, or under the cgroup2 mount)\n"
	      "  -p, --pid PID      the cgroup of this process\n"
	      "  -P, --policy FILE  the policy (default " POLICY_FILE_DEFAULT ")\n"
	      "  -u, --user USER    whose ${HOME} and ${USER} the policy means\n"
	      "                     (default: the owner of --pid, else the caller)\n"
	      "  -v, --verbose      say more\n", f);
}

/* --pid as a number; -1 (no such process) when it is not one. */
static int pid_of(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s && !*end && v > 0 && v <= INT_MAX ? (int)v : -1;
}

/* Resolves --cgroup; refuses the root cgroup, which would hold the whole machine. */
static int resolve_cgroup(const char *arg, const char *pid, char *buf, size_t len)
{
	char mnt[4096], real[PATH_MAX];
	int r;

	if (cgroup_mount(mnt, sizeof(mnt)) < 0)
		return -ENOENT;
	if (pid)
		r = cgroup_of_pid(pid_of(pid), buf, len);
	else if (!strncmp(arg, mnt, strlen(mnt)))
		r = snprintf(buf, len, "%s", arg) >= (int)len ? -ENAMETOOLONG : 0;
	else
		r = snprintf(buf, len, "%s/%s", mnt, arg + (*arg == '/')) >= (int)len
			    ? -ENAMETOOLONG : 0;
	if (r < 0)
		return r;
	if (!realpath(buf, real) || strncmp(real, mnt, strlen(mnt)))
		return -ENOENT;
	if (!strcmp(real, mnt))
		return -EPERM; /* the root cgroup: every process of the machine */
	snprintf(buf, len, "%s", real);
	return 0;
}

static const char *net_row(const struct net_rule *r, bool has_unix)
{
	if (r->kind == NET_RULE_UNIX && !has_unix)
		return "not enforced: this kernel has no cgroup UNIX socket hooks (6.7+)";
	if (r->action == SX_REVIEW)
		return "enforced as deny: a review needs the hold, which a process applies at start";
	return "enforced (cgroup-bpf)";
}

static const char *exec_row(const struct exec_rule *r)
{
	struct stat st;

	if (r->action == SX_ALLOW)
		return "not enforced: exec allows are Landlock's, applied at start";
	if (r->argv_glob)
		return "enforced: killed at exec (exec-check), review as deny";
	if (r->shell_glob)
		return "not enforced: shell rules are the hold's, which a process applies at start";
	if (stat(r->expanded, &st) == 0 && S_ISREG(st.st_mode))
		return "enforced for this file and its hard links (exec-check); copies are not "
		       "recognised without the hold";
	return "not enforced: a directory or missing file needs Landlock, applied at start";
}

/* Prints each rule of the policy with what this attachment does about it. */
static void print_rows(const struct policy *p, bool has_unix)
{
	printf("%-10s %-6s %-7s %-36s %s\n", "SECTION", "LINE", "ACTION", "RULE", "STATE");
	for (size_t i = 0; i < p->nnet_rules; i++)
		printf("%-10s %-6u %-7s %-36s %s\n", "network", p->net_rules[i].loc.line,
		       sx_action_name(p->net_rules[i].action), p->net_rules[i].text,
		       net_row(&p->net_rules[i], has_unix));
	if (p->network.present)
		printf("%-10s %-6s %-7s %-36s %s\n", "network", "-", sx_action_name(p->network.def),
		       "(default)", "enforced (cgroup-bpf)");
	for (size_t i = 0; i < p->nfile_rules; i++)
		printf("%-10s %-6u %-7s %-36s %s\n", "files", p->file_rules[i].loc.line,
		       sx_action_name(p->file_rules[i].action), p->file_rules[i].path,
		       "not enforced: Landlock is applied by a process to itself at start");
	for (size_t i = 0; i < p->nexec_rules; i++)
		printf("%-10s %-6u %-7s %-36s %s\n", "exec", p->exec_rules[i].loc.line,
		       sx_action_name(p->exec_rules[i].action),
		       p->exec_rules[i].argv_glob ?: p->exec_rules[i].shell_glob ?:
							 p->exec_rules[i].path,
		       exec_row(&p->exec_rules[i]));
	if (p->hardening_allow || p->files.present || p->exec.present)
		printf("%-10s %-6s %-7s %-36s %s\n", "hardening", "-", "deny", "(seccomp filter)",
		       "not enforced: a process installs its seccomp filter itself");
}

struct attach_opts {
	struct opts o;		/* --policy, --user (util/opts.h) */
	const char *cgroup, *pid;
};

static int attach_opt(int c, const char *arg, void *ctx)
{
	struct attach_opts *a = ctx;

	if (c == 'c')
		a->cgroup = arg;
	else if (c == 'p')
		a->pid = arg;
	else
		a->o.policy = arg; /* -P: its -p is --pid */
	return 0;
}

static int parse_attach(int argc, char **argv, struct attach_opts *a)
{
	static const struct option own[] = {
		{ "cgroup", required_argument, NULL, 'c' },
		{ "pid", required_argument, NULL, 'p' },
		{ 0 },
	};
	struct opts_cmd cmd = { .shared = OPT_POLICY | OPT_USER, .letters = "c:p:P:", .own = own,
				.fn = attach_opt, .ctx = a, .usage = attach_usage,
				.no_operands = true };
	int r;

	*a = (struct attach_opts){ .o.policy = POLICY_FILE_DEFAULT };
	r = opts_parse(&cmd, argc, argv, &a->o);
	if (r < 0 && !a->cgroup == !a->pid)
		return attach_usage(stderr), 2;
	return r;
}

/*
 * The policy as the tree's own user sees it: owner and cwd of --pid when
 * given. Its file:line:col messages go to stderr; *who gets the user's name.
 */
static int load_for(const struct attach_opts *a, struct policy **p, char *who, size_t wholen)
{
	char cwd[PATH_MAX] = "/", link[64], owner[32];
	struct policy_diag diag = { 0 };
	const char *user = a->o.user;
	struct agent_user u;
	struct stat st;
	int r;

	snprintf(link, sizeof(link), "/proc/%s", a->pid ? a->pid : "self");
	if (!user && a->pid && stat(link, &st) == 0) {
		snprintf(owner, sizeof(owner), "%u", st.st_uid);
		user = owner;
	}
	strcat(link, "/cwd");
	if (readlink(link, cwd, sizeof(cwd) - 1) < 0)
		strcpy(cwd, "/");
	r = policy_agent_user(user, &u);
	r = r ?: policy_load_for(a->o.policy, &u, cwd, p, &diag);
	if (r < 0)
		policy_diag_print(&diag, stderr);
	policy_diag_clear(&diag);
	if (who)
		snprintf(who, wholen, "%s", u.name);
	return r;
}

/* Loads, attaches and pins; the pins keep everything after this returns. */
static int attach_to(const struct policy *p, const char *cg, const char *id, bool *has_unix)
{
	char err[512] = "", pins[512] = "";
	struct netlayer *nl = NULL;
	struct execlayer *x = NULL;
	int fd = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = policy_names_hosts(p) ? -EOPNOTSUPP : 0;
	if (r < 0)
		snprintf(err, sizeof(err), "%s: %s", p->file, NET_NAMES_NEED_RUN);
	/* both objects are verified side by side (netlayer_begin) */
	r = r ?: netlayer_begin(p, &nl, err, sizeof(err));
	r = r ?: exec_begin(nl, &x, err, sizeof(err));
	r = r ?: netlayer_finish(nl, p, err, sizeof(err));
	r = r ?: run_pin_dir(id, pins, sizeof(pins));
	r = r ?: netlayer_attach(nl, fd, pins);
	r = r ?: exec_finish(x, p, fd, pins, err, sizeof(err));
	if (r < 0) {
		log_error("%s", err[0] ? err : strerror(-r));
		exec_close(x, pins[0] ? pins : NULL);
		netlayer_close(nl, pins[0] ? pins : NULL); /* nothing half-attached stays behind */
		if (pins[0])
			rmdir(pins);
	} else {
		*has_unix = netlayer_has_unix(nl);
		exec_close(x, NULL);
		netlayer_close(nl, NULL);
	}
	close(fd);
	return r;
}

int cmd_attach(int argc, char **argv)
{
	struct run_info ri = { .attached = true };
	struct attach_opts a;
	struct policy *p = NULL;
	bool has_unix = false;
	int r;

	log_init("sevorix attach");
	r = parse_attach(argc, argv, &a);
	if (r >= 0)
		return r;
	if (geteuid() != 0) {
		log_error("must run as root");
		return 1;
	}
	r = resolve_cgroup(a.cgroup, a.pid, ri.cgroup, sizeof(ri.cgroup));
	if (r < 0) {
		log_error("%s: %s", a.pid ? a.pid : a.cgroup,
			  r == -EPERM ? "the root cgroup holds every process of the machine: refused"
				      : "no such cgroup v2 directory");
		return 1;
	}
	if (load_for(&a, &p, ri.user, sizeof(ri.user)) < 0 ||
	    run_new_id(ri.id, sizeof(ri.id)) < 0) {
		log_error("%s: cannot load the policy", a.o.policy);
		return 1;
	}
	ri.agent = a.pid ? atoi(a.pid) : 0;
	ri.supervisor = getpid(); /* cleanup leaves it alone while this command runs */
	ri.started = time(NULL);
	snprintf(ri.command, sizeof(ri.command), "attach %.1000s", ri.cgroup);
	run_info_set_policy(&ri, a.o.policy);
	run_state_write(&ri); /* before the pins: cleanup can always find the cgroup */
	r = attach_to(p, ri.cgroup, ri.id, &has_unix);
	if (r < 0)
		run_state_remove(ri.id);
	if (r == 0) {
		print_rows(p, has_unix);
		printf("\nattached %s to %s (undo: sevorix detach %s)\n", ri.id, ri.cgroup, ri.id);
	}
	policy_free(p);
	return r < 0;
}

/*
 * A new policy for an attachment, without a gap. The new programs are
 * attached beside the old ones first (cgroup programs of one cgroup all
 * run and must all allow, and both exec checks run), then the old ones
 * are removed: during the change the stricter of the two policies holds,
 * never neither. Messages go to log. Returns 0 or -errno.
 */
static int reapply(struct run_info *ri, const char *file, const char *user, struct policy **ret,
		   bool *has_unix)
{
	struct attach_opts a = { .o = { .policy = file, .user = user } };
	struct timespec now;
	char next[64], old[512];
	int r;

	if (load_for(&a, ret, NULL, 0) < 0) {
		log_error("%s: policy has errors; the running one stays", file);
		return -EINVAL;
	}
	/* a new generation of pins beside the old, named by the time in ns (unique
	 * per attachment: applies run one after another); bpffs refuses dots */
	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(next, sizeof(next), "%s-%llx", ri->id,
		 (unsigned long long)now.tv_sec * 1000000000ULL + now.tv_nsec);
	r = attach_to(*ret, ri->cgroup, next, has_unix);
	if (r < 0)
		return r;
	run_pins_of(ri->id, ri, old, sizeof(old));
	run_remove_pins(old); /* the new links hold already: no gap */
	snprintf(ri->pins, sizeof(ri->pins), RUN_PIN_ROOT "/%s", next);
	run_info_set_policy(ri, file);
	run_state_write(ri);
	return 0;
}

/* sevorix policy apply ID FILE for an attachment. */
int attach_apply(const char *id, const char *file, const char *user)
{
	struct policy *p = NULL;
	struct run_info ri;
	bool has_unix;
	int r;

	if (run_state_read(id, &ri) < 0 || !ri.attached) {
		log_error("%s: no such run or attachment (see sevorix ps)", id);
		return 1;
	}
	if (!strncmp(ri.command, "oci ", 4)) {
		/* its agent holds the programs and answers with their approval maps */
		log_error("%s is a container: change the policy file of its daemon and reload it "
			  "(SIGHUP)",
			  id);
		return 1;
	}
	r = reapply(&ri, file, user ?: (ri.user[0] ? ri.user : NULL), &p, &has_unix);
	if (r == 0) {
		print_rows(p, has_unix);
		printf("\napplied %s to %s\n", file, id);
	}
	policy_free(p);
	return r < 0;
}

int attach_reload(const char *id)
{
	struct policy *p = NULL;
	struct run_info ri;
	bool has_unix;
	int r;

	if (run_state_read(id, &ri) < 0 || !ri.attached || !ri.policy[0])
		return -ENOENT;
	r = reapply(&ri, ri.policy, ri.user[0] ? ri.user : NULL, &p, &has_unix);
	policy_free(p);
	return r;
}

int cmd_detach(int argc, char **argv)
{
	struct run_info ri;

	log_init("sevorix detach");
	if (argc != 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		attach_usage(argc == 2 ? stdout : stderr);
		return argc == 2 ? 0 : 2;
	}
	if (run_state_read(argv[1], &ri) < 0 || !ri.attached) {
		log_error("%s: no such attachment (see sevorix ps)", argv[1]);
		return 1;
	}
	run_unpin(argv[1]);
	printf("detached %s from %s\n", argv[1], ri.cgroup);
	return 0;
}
