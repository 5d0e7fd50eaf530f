// SPDX-License-Identifier: GPL-2.0-only
/*
 * sevorix run: put one command under a policy.
 *
 * The order is what makes it fail closed: the policy is loaded and
 * compiled, the cgroup created and every program attached and pinned
 * before the child exists; the child joins the cgroup before it drops
 * privileges and execs. Nothing of the agent ever runs unconfined, and a
 * policy that does not compile never starts it.
 *
 * The child is PID 1 of a new PID namespace (the run's init, which
 * forwards signals and reaps), in new mount and IPC namespaces that it
 * fills as the policy says (sandbox/) before it forks the agent; the
 * Landlock rulesets are made after those mounts, so that their rules
 * hold on what the agent sees.
 *
 * The supervisor then sleeps in epoll on the ring buffer, a pidfd of the
 * init and a signalfd (signals are forwarded to the command through its
 * init, as docker run does). When the command exits, init exits, the
 * kernel ends what is left in the namespace, whatever it left in its
 * cgroup is killed, the links are unpinned and the cgroup removed. Exit
 * status: the command's, 125 for Sevorix's own failures, 126/127 when
 * the command cannot be executed / found.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "apply/apply.h"
#include "confine/confine.h"
#include "events/events.h"
#include "exec/exec.h"
#include "hold/hold.h"
#include "lsm/lsm.h"
#include "net/net.h"
#include "observe/observe.h"
#include "policy/agent.h"
#include "review/client.h"
#include "run/internal.h"
#include "run/learn.h"
#include "run/pty.h"
#include "run/run.h"
#include "runs/cgroup.h"
#include "runs/runs.h"
#include "sandbox/sandbox.h"
#include "util/log.h"
#include "util/opts.h"
#include "util/which.h"


static int resolve_user(struct run *r)
{
	int e = policy_agent_user(r->o.user, &r->user);

	if (e < 0) {
		log_error("unknown user '%s'", r->o.user ? r->o.user : getenv("SUDO_UID") ?: "?");
		return e;
	}
	if (r->user.uid == 0 && !r->allow_root) {
		log_error("refusing to run the agent as root: use sudo from a\n"
			  "normal account, or --user USER (--allow-root-agent overrides)");
		return -EPERM;
	}
	if (r->user.uid == 0)
		log_warn("the agent runs as root; root can leave its cgroup and is not bound by every "
			 "layer (see sevorix(1))");
	return 0;
}

static int load_policy(struct run *r)
{
	struct policy_diag diag = { 0 };
	char cwd[PATH_MAX];
	int e;

	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	if (r->learn.out)
		e = run_learn_load(&r->learn, r->o.policy, &r->user, r->agent_dir, &r->policy,
				   &diag);
	else
		e = policy_load_cmd(r->o.policy, &r->user, cwd, r->agent_dir, &r->policy, &diag);
	if (e < 0 || log_level() >= 1) /* its warnings only when asked */
		policy_diag_print(&diag, stderr);
	policy_diag_clear(&diag);
	if (e == 0 && !r->quiet)
		run_warn_paths(r->policy);
	if (e == 0)
		run_warn_startup_files(r->policy, r->user.home);
	if (e == 0 && r->o.jury) {
		free(r->policy->jury_local);
		r->policy->jury_local = strdup(r->o.jury);
	}
	if (e < 0 && e != -EINVAL)
		log_error("%s: %s", r->o.policy, strerror(-e));
	else if (e < 0)
		log_error("%s: policy has errors; not starting", r->o.policy);
	return e;
}

/* path made absolute (from the directory sevorix run was started in). */
static void absolute(const char *path, char *out, size_t len)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || !strcmp(path, "-") || !getcwd(cwd, sizeof(cwd)) ||
	    snprintf(out, len, "%s/%s", cwd, path) >= (int)len)
		snprintf(out, len, "%s", path);
}

static void show_created(const char *path, const struct file_rule *rule, void *arg)
{
	const struct run *r = arg;

	if (!r->quiet)
		log_notice("created %s (%s:%u)", path, rule->loc.file ? rule->loc.file : "?",
			   rule->loc.line);
}

/* The paths of `create:` rules, made as the agent user before anything reads them. */
static int create_paths(struct run *r)
{
	char err[512] = "";
	int e = sandbox_create(r->policy, r->user.uid, r->user.gid, show_created, r, err,
			       sizeof(err));

	if (e < 0)
		log_error("%s", err[0] ? err : strerror(-e)); /* fail closed: the rule grants nothing */
	return e;
}

static int open_events(struct run *r)
{
	char path[4096];
	int e;

	if (r->o.events && !strncmp(r->o.events, "ocsf:", 5)) {
		memcpy(path, "ocsf:", 5);
		absolute(r->o.events + 5, path + 5, sizeof(path) - 5);
	} else if (r->o.events && !strcmp(r->o.events, "journal")) {
		snprintf(path, sizeof(path), "journal");
	} else if (r->o.events) {
		absolute(r->o.events, path, sizeof(path));
	} else {
		mkdir(RUN_LOG_DIR, 0750);
		snprintf(path, sizeof(path), RUN_LOG_DIR "/%s.jsonl", r->info.id);
	}
	/* the file the daemon follows: none for the journal, the OCSF file's name for OCSF */
	snprintf(r->info.events, sizeof(r->info.events), "%s",
		 !strcmp(path, "journal") ? "" : !strncmp(path, "ocsf:", 5) ? path + 5 : path);
	e = events_open(path, r->info.id, r->policy, &r->ev);
	if (e < 0)
		log_error("%s: %s", path, strerror(-e));
	/* `sevorix events RUN` finds them after the run ended (its state file is gone) */
	else if (run_events_record(r->info.id, path) < 0)
		log_warn("cannot record where run %s's events go", r->info.id);
	return e;
}

/*
 * The agent saw only errnos: one line says where the user finds why. For
 * a person at a terminal (not with --quiet); a script that reads our
 * stderr gets the agent's own output unchanged.
 */
static void note_denials(const struct run *r)
{
	unsigned long long n = events_denied(r->ev);

	if (n && !r->quiet && isatty(STDERR_FILENO))
		log_notice("%llu call%s denied; `sevorix explain %s` shows each with its rule "
			   "and a rule that would allow it",
			   n, n == 1 ? " was" : "s were", r->info.id);
}

/* The exec trap, when the policy restricts exec at all. */
static int setup_hold(struct run *r, char *err, size_t errlen)
{
	int e;

	if (!r->policy->exec.present && !hold_traps_connect(r->policy))
		return 0;
	e = hold_prepare(r->policy, &r->hold, err, errlen);
	if (!e)
		hold_set_names(r->hold, run_dns_names(r->dns));
	if (!e && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, r->hold_sock) < 0)
		e = -errno;
	/* from here on an exec that the hold did not approve is killed (fail closed) */
	e = e ?: exec_require_approval(r->exec);
	if (e < 0)
		log_error("%s", err[0] ? err : strerror(-e));
	return e;
}

/* True when some call of the agent can be held for the jury. */
static bool has_review(const struct policy *p)
{
	if (hold_traps_connect(p) || (p->exec.present && p->exec.def == SX_REVIEW))
		return true;
	for (size_t i = 0; p->exec.present && i < p->nexec_rules; i++)
		if (p->exec_rules[i].action == SX_REVIEW)
			return true;
	return false;
}

/* Says at once when the jury that reviewed calls need does not answer. */
static void check_jury(const struct run *r)
{
	const char *jury = r->policy->jury_local ?: POLICY_JURY_DEFAULT;
	int e;

	if (!r->hold || r->policy->mode == SX_MODE_AUDIT || !has_review(r->policy))
		return;
	e = review_health(jury, 500);
	if (e < 0)
		log_warn("the jury at unix://%s does not answer (%s): reviewed actions will be "
			 "denied until it answers", jury, strerror(-e));
}

/*
 * The private world (sandbox/), the Landlock plan (its rulesets are made
 * by the child after the mounts) and the seccomp hardening, all planned
 * before the child exists.
 */
static int setup_confine(struct run *r, char *err, size_t errlen)
{
	struct hardening_opts h = { .allow = r->policy->hardening_allow };
	struct sandbox_opts so = { .uid = r->user.uid, .gid = r->user.gid };
	char cwd[PATH_MAX], cmd[PATH_MAX];
	int e = getcwd(cwd, sizeof(cwd)) ? 0 : -errno;

	so.cwd = cwd;
	so.command = which_command(r->argv[0], cmd, sizeof(cmd)) == 0 ? cmd : NULL;
	e = e ?: sandbox_plan(r->policy, &so, &r->sb, err, errlen);
	/* the mounts refuse too: their denials are logged as the world's */
	e = e ?: events_set_world(r->ev, sandbox_unexpanded(r->sb));
	e = e ?: confine_prepare_late(r->policy, &h, sandbox_unexpanded(r->sb), &r->cf, err,
				      errlen);
	if (e < 0) {
		/* fail closed: a layer the policy needs and cannot have stops the run */
		log_error("%s", err[0] ? err : strerror(-e));
		return e;
	}
	r->cf_ready = true;
	if (r->cf.filter) /* its refusals are logged as observed */
		events_set_filtered(r->ev, r->policy->hardening_allow);
	for (const char *const *n = sandbox_notes(r->sb); !r->quiet && *n; n++)
		log_warn("%s", *n);
	if (log_level() >= 1)
		log_info("private world: PID, IPC and mount namespaces, %zu mounts%s",
			 sandbox_mounts(r->sb),
			 r->policy->tmp == SX_TMP_PRIVATE ? ", a private /tmp" : "");
	return 0;
}

/*
 * K1, the BPF LSM layer, on kernels that run BPF LSM programs (probed by
 * loading one, once per boot); elsewhere it does nothing and the run is as without it.
 */
static int setup_lsm(struct run *r, char *err, size_t errlen)
{
	char desc[512];
	int e = lsm_available();

	if (e < 0) {
		log_info("BPF LSM layer not available (%s); the other layers enforce", strerror(-e));
		return 0;
	}
	e = lsm_open(r->policy, r->net, r->exec, r->cgroup_fd, &r->lsm, err, errlen);
	e = e ?: lsm_attach(r->lsm, r->pin_dir);
	if (e < 0) {
		/* fail closed: the kernel runs the layer, so failing to load it stops the run */
		log_error("%s", err[0] ? err : strerror(-e));
		return e;
	}
	if (log_level() >= 1) {
		lsm_describe(r->lsm, desc, sizeof(desc));
		log_info("%s", desc);
	}
	return 0;
}

/* Without the observer, denials by Landlock and seccomp are enforced but not logged. */
static int observer_failed(struct run *r, int e)
{
	if (r->learn.out) {
		/* fail closed: without it a learnt policy would miss every file */
		log_error("--learn: the observer cannot load: %s", strerror(-e));
		return e;
	}
	log_warn("file, exec and metadata calls refused by Landlock or seccomp are "
		 "enforced but not logged: the observer cannot load (%s)", strerror(-e));
	return 0;
}

/*
 * The network, exec and observer objects are verified side by side, each
 * on a thread of its own (netlayer_begin), while the first is filled.
 */
static int begin_layers(struct run *r, char *err, size_t errlen)
{
	int e = netlayer_begin(r->policy, &r->net, err, errlen);

	e = e ?: exec_begin(r->net, &r->exec, err, errlen);
	if (e < 0)
		return e;
	e = observe_begin(r->net, r->exec, r->learn.out != NULL, &r->obs);
	return e < 0 ? observer_failed(r, e) : 0;
}

static int finish_observer(struct run *r)
{
	int e = r->obs ? observe_finish(r->obs) : 0;

	if (e < 0) {
		observe_stop(r->obs);
		r->obs = NULL;
		return observer_failed(r, e);
	}
	return 0;
}

static void record(struct run *r);

/* Everything the child needs exists before it does. */
static int setup(struct run *r)
{
	char err[512] = "";
	int e;

	e = cgroup_run_path(r->info.id, r->info.cgroup, sizeof(r->info.cgroup));
	e = e ?: cgroup_create(r->info.cgroup, &r->cgroup_fd);
	if (e < 0) {
		log_error("cannot create the run's cgroup: %s", strerror(-e));
		return e;
	}
	/* known before anything is pinned: cleanup leaves a live supervisor's run alone */
	record(r);
	e = begin_layers(r, err, sizeof(err));
	e = e ?: netlayer_finish(r->net, r->policy, err, sizeof(err));
	if (e < 0) {
		log_error("%s", err[0] ? err : strerror(-e));
		return e;
	}
	/* every lookup goes to the run's resolver, from the agent's first one (docs/dns.md) */
	if (policy_names_hosts(r->policy) &&
	    (e = run_dns_open(r->policy, r->o.jury, r->net, &r->dns, err, sizeof(err))) < 0) {
		log_error("%s", err[0] ? err : strerror(-e));
		return e;
	}
	e = run_pin_dir(r->info.id, r->pin_dir, sizeof(r->pin_dir));
	e = e ?: netlayer_attach(r->net, r->cgroup_fd, r->pin_dir);
	if (e < 0) {
		log_error("cannot attach the network layer: %s", strerror(-e));
		return e;
	}
	e = exec_finish(r->exec, r->policy, r->cgroup_fd, r->pin_dir, err, sizeof(err));
	if (e < 0) {
		/* fail closed: exec rules that cannot be checked must not start the agent */
		log_error("%s", err[0] ? err : strerror(-e));
		return e;
	}
	e = finish_observer(r);
	e = e ?: setup_lsm(r, err, sizeof(err)); /* BPF LSM: a no-op where the kernel refuses it */
	if (e < 0)
		return e;
	e = open_events(r);
	e = e ?: events_attach(r->ev, r->net);
	if (!e && r->learn.out && (e = run_learn_start(&r->learn, r->net, r->ev)) < 0)
		log_error("--learn: %s", strerror(-e));
	if (!e && r->dns) {
		events_set_names(r->ev, run_dns_names(r->dns));
		e = run_dns_start(r->dns, r->ev);
	}
	e = e ?: setup_hold(r, err, sizeof(err));
	if (!e)
		check_jury(r);
	if (!e && r->use_pty && (e = run_pty_open(&r->pty)) < 0)
		log_error("--pty: %s", strerror(-e));
	return e ?: setup_confine(r, err, sizeof(err));
}

/* A failure the child reported: the message, and the exit status. */
static int child_failed(struct run *r, const struct run_fail *f)
{
	char what[512] = "", err[512] = "";

	waitpid(r->child, NULL, 0);
	r->child = 0;
	switch (f->stage) {
	case RUN_STAGE_EXEC:
		log_error("%s: %s", r->argv[0], strerror(f->err));
		run_explain_start(r->policy, r->command, r->agent_dir, r->argv, f->err);
		return f->err == ENOENT ? 127 : 126;
	case RUN_STAGE_SANDBOX:
		/* fail closed: a mount or namespace the policy needs and cannot have */
		sandbox_step_text(r->sb, f->index, what, sizeof(what));
		log_error("cannot set up %s: %s", what, strerror(f->err));
		return 125;
	case RUN_STAGE_LANDLOCK:
		landlock_rulesets_error(r->cf.plan, f->index, f->err, err, sizeof(err));
		log_error("%s", err);
		return 125;
	case RUN_STAGE_INIT:
		log_error("the run's init: %s", strerror(f->err));
		return 125;
	}
	log_error("agent setup: %s", strerror(f->err));
	return 125;
}

/*
 * The child is PID 1 of a new PID namespace: the supervisor's own
 * namespace for the children it makes is the new one for this fork only.
 */
static pid_t fork_in_new_pid_ns(void)
{
	int self = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC), e;
	pid_t pid = -1;

	if (self < 0 || unshare(CLONE_NEWPID) < 0) {
		e = errno;
		log_error("cannot create the run's PID namespace: %s", strerror(e));
		goto out;
	}
	pid = fork();
	if (pid != 0 && setns(self, CLONE_NEWPID) < 0) {
		/* fail closed: later children (threads) would land in the run's namespace */
		log_error("cannot return to the supervisor's PID namespace: %s", strerror(errno));
		if (pid > 0)
			kill(pid, SIGKILL);
		pid = -1;
	}
	e = errno;
out:
	if (self >= 0)
		close(self);
	errno = e;
	return pid;
}

/* The command's host pid: the only child of the run's init. */
static pid_t agent_of(pid_t init)
{
	char path[64];
	long pid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", init, init);
	f = fopen(path, "re");
	if (f && fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	if (f)
		fclose(f);
	return pid > 0 ? (pid_t)pid : init;
}

static int start_child(struct run *r)
{
	struct child_spec c = {
		.cgroup_fd = r->cgroup_fd, .as_root = r->user.uid == 0,
		.uid = r->user.uid, .gid = r->user.gid, .home = r->user.home,
		.user = r->user.name, .argv = r->argv,
		.hold_sock = r->hold ? r->hold_sock[1] : -1,
		.trap_connect = hold_traps_connect(r->policy),
		.sandbox = r->sb, .cf = &r->cf, .keep_fds = r->keep, .nkeep = r->nkeep,
		.pty_slave = run_pty_slave(r->pty),
	};
	struct run_fail f = { 0 };
	int pipefd[2];
	ssize_t n;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return 125;
	c.err_fd = pipefd[1];
	r->child = fork_in_new_pid_ns();
	if (r->child < 0)
		return 125;
	if (r->child == 0) {
		close(pipefd[0]);
		run_child(&c);
	}
	close(pipefd[1]);
	if (r->pty && run_pty_start(r->pty, r->info.id, r->policy->jury_local ?: POLICY_JURY_DEFAULT))
		log_warn("--pty: the terminal is not relayed");
	if (r->hold) {
		int e;

		close(r->hold_sock[1]);
		r->hold_sock[1] = -1;
		/* the child's own exec is trapped: answer before waiting for it */
		e = hold_start(r->hold, r->hold_sock[0], exec_approvals_fd(r->exec),
			       netlayer_net_approvals_fd(r->net), r->policy->jury_local, r->ev);
		if (e < 0) {
			log_error("cannot hold the agent's execs: %s", strerror(-e));
			kill(r->child, SIGKILL); /* fail closed */
		}
	}
	do
		n = read(pipefd[0], &f, sizeof(f));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == sizeof(f))
		return child_failed(r, &f);
	r->agent = agent_of(r->child);
	return 0;
}

static int pidfd_of(pid_t pid)
{
	return syscall(SYS_pidfd_open, pid, 0);
}

static int wait_status(pid_t pid)
{
	int st = 0;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

/* A new policy from `sevorix policy apply` (apply/apply.h): the hold's new rules. */
static void reload(struct run *r)
{
	char cwd[PATH_MAX];

	if (!getcwd(cwd, sizeof(cwd)) ||
	    run_apply_receive(r->info.id, &r->user, cwd, r->o.jury, &r->policy, &r->hold,
			      r->ev) < 0)
		return; /* the command reports it; the run goes on with its old rules */
	if (realpath(r->policy->file, r->info.policy))
		run_state_write(&r->info);
}

/* Sleeps until the command exits, writing events and forwarding signals. */
static int supervise(struct run *r, int sfd)
{
	int ep = epoll_create1(EPOLL_CLOEXEC), pfd = pidfd_of(r->child), efd = events_fd(r->ev);
	struct epoll_event ee = { .events = EPOLLIN };
	bool done = false;

	if (ep < 0 || pfd < 0)
		return wait_status(r->child);
	ee.data.fd = pfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, pfd, &ee);
	ee.data.fd = sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ee);
	if (efd >= 0) {
		ee.data.fd = efd;
		epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ee);
	}
	while (!done) {
		struct epoll_event got[4];
		/* the timeout bounds how long records that wake nobody wait (sx_wake()) */
		int n = epoll_wait(ep, got, 4, 1000);

		for (int i = 0; i < n; i++) {
			struct signalfd_siginfo si;

			if (got[i].data.fd == pfd)
				done = true;
			else if (got[i].data.fd != sfd || read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			else if (si.ssi_signo == SIGUSR1)
				reload(r); /* sevorix policy apply */
			else
				kill(r->child, si.ssi_signo);
		}
		events_drain(r->ev);
	}
	close(pfd);
	close(ep);
	return wait_status(r->child);
}

static void teardown(struct run *r)
{
	run_dns_stop(r->dns); /* before what its callbacks write to goes away */
	run_pty_close(r->pty);
	hold_free(r->hold);
	if (r->cf_ready)
		confine_release(&r->cf);
	for (int i = 0; i < 2; i++)
		if (r->hold_sock[i] >= 0)
			close(r->hold_sock[i]);
	sandbox_free(r->sb);
	r->sb = NULL;
	if (r->info.cgroup[0] && cgroup_kill_all(r->info.cgroup, 5000) < 0)
		log_warn("processes left in %s", r->info.cgroup);
	if (r->ev)
		events_drain(r->ev);
	/* detach only once the cgroup is empty: nothing unconfined can be left */
	if (!cgroup_populated(r->info.cgroup)) {
		lsm_close(r->lsm, r->pin_dir);
		r->lsm = NULL;
		exec_close(r->exec, r->pin_dir);
		r->exec = NULL;
		netlayer_close(r->net, r->pin_dir);
		r->net = NULL;
		if (r->pin_dir[0])
			rmdir(r->pin_dir);
		cgroup_remove(r->info.cgroup);
		run_state_remove(r->info.id);
	}
	events_close(r->ev);
	/* still populated: the links stay pinned; `sevorix cleanup` removes them later */
	lsm_close(r->lsm, NULL);
	observe_stop(r->obs);
	exec_close(r->exec, NULL);
	netlayer_close(r->net, NULL);
	run_dns_close(r->dns);
	policy_free(r->policy);
	if (r->cgroup_fd >= 0)
		close(r->cgroup_fd);
}

/* The layers this run has, for its first event. */
static void layers_text(const struct run *r, char *buf, size_t len)
{
	snprintf(buf, len, "\"cgroup-bpf\"%s,\"exec-check\"%s%s%s%s%s%s",
		 netlayer_has_unix(r->net) ? ",\"cgroup-bpf-unix\"" : "",
		 r->cf.plan ? ",\"landlock\"" : "", r->cf.filter ? ",\"seccomp\"" : "",
		 r->hold ? ",\"seccomp-hold\"" : "", r->lsm ? ",\"bpf-lsm\"" : "",
		 r->sb ? ",\"namespaces\"" : "", r->dns ? ",\"resolver\"" : "");
}

/* The run's state file; written again once the command's pid is known. */
static void record(struct run *r)
{
	size_t off = 0;

	r->info.supervisor = getpid();
	r->info.agent = r->agent ? r->agent : r->child;
	r->info.started = time(NULL);
	run_info_set_policy(&r->info, r->o.policy);
	for (char **a = r->argv; *a && off < sizeof(r->info.command) - 1; a++)
		off += snprintf(r->info.command + off, sizeof(r->info.command) - off, "%s%s",
				a == r->argv ? "" : " ", *a);
	run_state_write(&r->info);
}

int cmd_run(int argc, char **argv)
{
	struct run r = { .cgroup_fd = -1, .hold_sock = { -1, -1 },
			 .learn = { .stats_fd = -1 } };
	char layers[192];
	sigset_t mask;
	int status, sfd, learnt;

	log_init("sevorix run");
	status = run_parse_opts(&r, argc, argv);
	if (status >= 0)
		return status;
	if (geteuid() != 0) {
		log_error("must run as root (it creates a cgroup and loads BPF programs); try sudo");
		return 125;
	}
	if (run_find_command(r.argv[0], r.command, sizeof(r.command), r.agent_dir,
			     sizeof(r.agent_dir)) < 0) {
		log_error("%s: command not found", r.argv[0]);
		return 127;
	}
	if (resolve_user(&r) < 0 || load_policy(&r) < 0 || create_paths(&r) < 0 ||
	    run_new_id(r.info.id, sizeof(r.info.id))) {
		policy_free(r.policy);
		run_learn_free(&r.learn);
		return 125;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGUSR1); /* not forwarded: sevorix policy apply */
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	status = setup(&r) < 0 ? 125 : 0;
	if (status == 0) {
		layers_text(&r, layers, sizeof(layers));
		events_start(r.ev, layers, r.argv, getpid());
		status = start_child(&r);
	}
	if (status == 0) {
		record(&r);
		status = supervise(&r, sfd);
	}
	if (r.ev) {
		events_summary(r.ev, status);
		note_denials(&r);
	}
	teardown(&r);
	if (r.learn.rec && (learnt = run_learn_write(&r.learn, &r.user, r.argv)) < 0) {
		log_error("--learn: cannot write %s: %s", r.learn.out, strerror(-learnt));
		status = status ?: 125;
	}
	run_learn_free(&r.learn);
	close(sfd);
	return status;
}
