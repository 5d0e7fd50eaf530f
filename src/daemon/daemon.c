// SPDX-License-Identifier: GPL-2.0-only
/*
 * sevorix daemon (sevorixd): the long-running supervisor of a node. It
 * follows every protected cgroup that the state dir knows (runs,
 * attachments, containers; adopted at start and at every scan), serves
 * /metrics and /events on a local socket, holds the containers of OCI
 * runtimes when given --oci-socket (the role of `sevorix oci-agent`, by
 * the same code), reloads its policy on SIGHUP, and upgrades without a
 * gap (--upgrade, or SIGUSR2 to the running daemon: upgrade.c).
 *
 * One thread runs the loop below (poll on the sockets and a signalfd,
 * a tick every 200 ms); the holds answer trapped calls on threads of their
 * own, so a slow HTTP client or a reload never delays a held call.
 *
 * Fail closed: if the daemon dies, its containers' trapped calls fail
 * (ENOSYS, the kernel's answer when a listener has no reader) and the
 * pinned programs keep enforcing the network and exec rules.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "daemon/internal.h"
#include "events/events.h"
#include "policy/agent.h"
#include "util/log.h"
#include "util/opts.h"

static void daemon_usage(FILE *f)
{
	fputs("Usage: sevorix daemon [OPTIONS]   (also installed as sevorixd)\n\n"
	      "The node's supervisor: follows every protected cgroup, serves /metrics and\n"
	      "/events over HTTP on a local socket, holds OCI containers, reloads on SIGHUP.\n\n"
	      "  -s, --socket PATH      HTTP socket (default " DAEMON_SOCKET ")\n"
	      "  -c, --control PATH     upgrade socket (default: the socket with .ctl)\n"
	      "  -p, --policy FILE      policy of containers and reloads\n"
	      "                         (default " POLICY_FILE_DEFAULT ")\n"
	      "  -o, --oci-socket PATH  serve OCI runtimes' seccomp agent socket here\n"
	      "  -j, --jury unix:///PATH the jury's socket (default: the policy's)\n"
	      "  -v, --verbose          say more\n"
	      "  -l, --log-dir DIR      event logs of containers and attachments\n"
	      "                         (default " RUN_LOG_DIR ")\n"
	      "  -e, --events DEST      also send every event of the node to DEST: 'journal'\n"
	      "                         (the systemd journal), 'ocsf:FILE' or FILE\n"
	      "  -U, --upgrade          take over from the running daemon (SIGUSR2 to it\n"
	      "                         starts this binary so)\n\n"
	      "See sevorixd(8).\n", f);
}

struct daemon_args {
	struct daemon *d;
	bool *upgrade;
};

static int daemon_opt(int c, const char *arg, void *ctx)
{
	struct daemon_args *a = ctx;

	if (c == 's')
		a->d->socket = arg;
	else if (c == 'c')
		a->d->control = arg;
	else if (c == 'o')
		a->d->oci_socket = arg;
	else if (c == 'l')
		a->d->log_dir = arg;
	else
		*a->upgrade = true;
	return 0;
}

/* Returns -1 to go on, else an exit status. */
static int parse(struct daemon *d, int argc, char **argv, bool *upgrade)
{
	static const struct option own[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "control", required_argument, NULL, 'c' },
		{ "oci-socket", required_argument, NULL, 'o' },
		{ "log-dir", required_argument, NULL, 'l' },
		{ "upgrade", no_argument, NULL, 'U' },
		{ 0 },
	};
	struct daemon_args a = { d, upgrade };
	struct opts_cmd cmd = { .shared = OPT_POLICY | OPT_JURY | OPT_EVENTS, .letters = "s:c:o:l:U", .own = own,
				.fn = daemon_opt, .ctx = &a, .usage = daemon_usage,
				.no_operands = true };
	struct opts o = { .policy = d->policy };
	int r = opts_parse(&cmd, argc, argv, &o);

	d->policy = o.policy;
	d->jury = o.jury;
	d->events = o.events;
	return r;
}

/* The control socket beside the HTTP one: x.sock -> x.ctl. */
static char *control_path(const char *socket)
{
	size_t n = strlen(socket);
	char *p = malloc(n + 5);

	if (!p)
		return NULL;
	if (n > 5 && !strcmp(socket + n - 5, ".sock"))
		n -= 5;
	snprintf(p, n + 5, "%.*s.ctl", (int)n, socket);
	return p;
}

/* The sockets of a fresh start. Returns 0 or -errno. */
static int bind_all(struct daemon *d)
{
	d->http = serve_listen(d->socket, SOCK_STREAM);
	if (d->http < 0) {
		log_error("%s: %s", d->socket,
			  d->http == -EADDRINUSE ? "a daemon serves it already (replace it with --upgrade)"
						 : strerror(-d->http));
		return d->http;
	}
	d->ctl = serve_listen(d->control, SOCK_SEQPACKET);
	if (d->ctl < 0) {
		log_error("%s: %s", d->control, strerror(-d->ctl));
		return d->ctl;
	}
	return 0;
}

/* SIGHUP: the policy file again, for every container and attachment that uses it. */
static void reload(struct daemon *d)
{
	struct policy_diag diag = { 0 };
	struct policy *p = NULL;
	struct timespec now;
	char ts[64];
	int r;

	clock_gettime(CLOCK_MONOTONIC, &now);
	snprintf(ts, sizeof(ts), "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)now.tv_sec * 1000000ULL + now.tv_nsec / 1000);
	daemon_notify(ts);
	/* checked once first: a policy with errors changes nothing anywhere */
	r = policy_load_as(d->policy, NULL, &p, &diag);
	if (r < 0)
		policy_diag_print(&diag, stderr);
	policy_diag_clear(&diag);
	policy_free(p);
	if (r < 0) {
		d->n.reload_errors++;
		log_error("%s: %s; the running policy stays", d->policy,
			  r == -EINVAL ? "not applied" : strerror(-r));
		daemon_notify("READY=1");
		return;
	}
	/* each container and attachment keeps its old policy if it cannot take this one */
	r = oci_agent_reload(d->agent);
	r = watch_reload(d) ?: r;
	if (r < 0) {
		d->n.reload_errors++;
		log_error("%s: not applied everywhere (see above)", d->policy);
	} else {
		d->n.reloads++;
		log_notice("reloaded %s", d->policy);
	}
	daemon_notify("READY=1");
}

/* SIGUSR2: this binary (as it is on disk now) started with --upgrade takes over. */
static void spawn_upgrade(struct daemon *d)
{
	int n = 0;
	char **argv;
	pid_t pid;

	while (d->argv[n])
		n++;
	argv = calloc(n + 3, sizeof(*argv));
	if (!argv)
		return;
	argv[0] = "sevorix";
	argv[1] = "daemon";
	argv[2] = "--upgrade";
	for (int i = 1, j = 3; i < n; i++)
		if (strcmp(d->argv[i], "--upgrade") && strcmp(d->argv[i], "-U"))
			argv[j++] = d->argv[i];
	pid = fork();
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(d->exe, argv);
		_exit(127);
	}
	if (pid < 0)
		log_error("cannot start the upgrade: %s", strerror(errno));
	free(argv);
}

enum { FD_SIG, FD_HTTP, FD_CTL, FD_OCI, FD_CLIENTS };

/* Returns when told to stop, or once everything was handed to a new process. */
static void loop(struct daemon *d, int sfd)
{
	struct timespec last = { 0 }, now;

	for (;;) {
		struct pollfd p[FD_CLIENTS + DAEMON_MAX_CLIENTS] = {
			{ sfd, POLLIN, 0 }, { d->http, POLLIN, 0 }, { d->ctl, POLLIN, 0 },
			{ d->oci, POLLIN, 0 },
		};
		struct signalfd_siginfo si;

		for (int i = 0; i < DAEMON_MAX_CLIENTS; i++)
			p[FD_CLIENTS + i] = (struct pollfd){
				d->c[i] ? d->c[i]->fd : -1,
				POLLIN | (d->c[i] && d->c[i]->outlen ? POLLOUT : 0), 0
			};
		if (poll(p, FD_CLIENTS + DAEMON_MAX_CLIENTS, 200) < 0 && errno != EINTR)
			return;
		if (p[FD_SIG].revents && read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGHUP)
				reload(d);
			else if (si.ssi_signo == SIGUSR2)
				spawn_upgrade(d);
			else if (si.ssi_signo == SIGCHLD)
				while (waitpid(-1, NULL, WNOHANG) > 0)
					;
			else
				return;
		}
		if (p[FD_CTL].revents & POLLIN && upgrade_serve(d))
			return;
		if (p[FD_OCI].revents & POLLIN)
			oci_agent_accept(d->agent, d->oci);
		if (p[FD_HTTP].revents & POLLIN)
			serve_accept(d);
		for (int i = 0; i < DAEMON_MAX_CLIENTS; i++)
			if (d->c[i] && p[FD_CLIENTS + i].revents & (POLLIN | POLLHUP | POLLERR))
				serve_client(d, i);
		watch_poll(d);
		if (d->sink)
			events_sink_flush(d->sink);
		for (int i = 0; i < DAEMON_MAX_CLIENTS; i++)
			if (d->c[i] && d->c[i]->outlen)
				serve_flush(d, i);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec != last.tv_sec) {
			watch_scan(d, false);
			last = now;
		}
	}
}

static int start(struct daemon *d, bool upgrade)
{
	struct oci_agent_opts o = { d->policy, d->jury, d->log_dir };
	int r = oci_agent_new(&o, &d->agent);

	if (r < 0)
		return r;
	if (upgrade) {
		r = upgrade_receive(d);
		if (r < 0) {
			log_error("--upgrade: %s: %s", d->control, strerror(-r));
			return r;
		}
	} else if ((r = bind_all(d)) < 0) {
		return r;
	}
	d->owner = true;
	if (d->oci_socket && d->oci < 0 && (d->oci = oci_listen(d->oci_socket)) < 0) {
		log_error("%s: %s", d->oci_socket, strerror(-d->oci));
		return d->oci;
	}
	if (d->events && (r = events_sink_open(d->events, &d->sink)) < 0) {
		log_error("--events %s: %s", d->events, strerror(-r));
		return r;
	}
	watch_scan(d, true);
	return 0;
}

static void stop(struct daemon *d)
{
	serve_close_all(d);
	watch_free(d);
	events_sink_close(d->sink);
	/* held calls of live containers now fail (fail closed); their pins stay */
	oci_agent_free(d->agent);
	if (d->http >= 0)
		close(d->http);
	if (d->ctl >= 0)
		close(d->ctl);
	if (d->oci >= 0)
		close(d->oci);
	if (!d->owner || d->upgraded)
		return; /* the paths are another daemon's */
	unlink(d->socket);
	unlink(d->control);
	if (d->oci_socket)
		unlink(d->oci_socket);
}

int cmd_daemon(int argc, char **argv)
{
	struct daemon d = { .socket = DAEMON_SOCKET, .policy = POLICY_FILE_DEFAULT,
			    .log_dir = RUN_LOG_DIR, .http = -1, .ctl = -1, .oci = -1, .argv = argv };
	char *control = NULL;
	bool upgrade = false;
	sigset_t mask;
	int r, sfd;

	log_init("sevorix daemon");
	r = parse(&d, argc, argv, &upgrade);
	if (r >= 0)
		return r;
	if (geteuid() != 0) {
		log_error("must run as root");
		return 1;
	}
	if (!d.control)
		d.control = control = control_path(d.socket);
	if (!realpath(d.policy, d.policy_real))
		snprintf(d.policy_real, sizeof(d.policy_real), "%s", d.policy);
	if (readlink("/proc/self/exe", d.exe, sizeof(d.exe) - 1) < 0)
		snprintf(d.exe, sizeof(d.exe), "/proc/self/exe");
	sigemptyset(&mask);
	for (int s = 0, sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR2, SIGCHLD }; s < 5; s++)
		sigaddset(&mask, sigs[s]);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	r = sfd < 0 ? -errno : start(&d, upgrade);
	if (r == 0) {
		log_notice("serving %s%s%s (pid %d)", d.socket,
			   d.oci_socket ? ", OCI agent on " : "", d.oci_socket ?: "", getpid());
		daemon_notify("READY=1");
		loop(&d, sfd);
		daemon_notify("STOPPING=1");
	}
	stop(&d);
	if (sfd >= 0)
		close(sfd);
	free(control);
	return r < 0;
}
