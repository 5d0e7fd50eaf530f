// SPDX-License-Identifier: GPL-2.0-only
/*
 * sevorix oci-agent: the seccomp agent of OCI runtimes (runc, crun). A
 * container whose seccomp profile has SCMP_ACT_NOTIFY rules and a
 * listenerPath makes the runtime connect here and hand over the
 * container's notification fd, with the container's state as JSON. For
 * each container the agent attaches the cgroup network layer and the exec
 * checks to the container's cgroup (pinned, as `sevorix attach` does) and
 * answers its trapped execs and connects exactly as `sevorix run` does:
 * by identity and content, and with the jury for review-class calls,
 * through one-shot kernel approvals.
 *
 * Fail closed: if the agent goes away, the container's trapped calls fail
 * (ENOSYS) and the pinned network layer keeps denying; `sevorix cleanup`
 * removes the pins once the container's cgroup is empty.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "events/events.h"
#include "hold/hold.h"
#include "net/net.h"
#include "oci/oci.h"
#include "run/run.h"

#define MAX_CONTAINERS 64

struct container {
	struct run_info ri;
	struct policy *p;
	struct netlayer *nl;
	struct hold *hold;
	struct events *ev;
	char pins[512];
};

struct agent {
	const char *socket, *policy, *jury, *log_dir;
	struct container *c[MAX_CONTAINERS];
};

/* Reads the runtime's message: the state JSON and one SCM_RIGHTS fd. */
static int receive(int conn, char *buf, size_t len, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 4)] = { 0 };
	struct iovec iov = { buf, len - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);

	*fd = -1;
	if (n <= 0)
		return n < 0 ? -errno : -EPROTO;
	buf[n] = 0;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_type == SCM_RIGHTS && *fd < 0)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	return *fd >= 0 ? 0 : -EPROTO;
}

/* The container's pid and id from the state (untrusted input: checked). */
static int parse_state(const char *buf, int *pid, char *id, size_t idlen)
{
	json_object *o = json_tokener_parse(buf), *v, *st;
	int r = -EPROTO;

	if (o && json_object_object_get_ex(o, "pid", &v) && json_object_is_type(v, json_type_int)) {
		*pid = json_object_get_int(v);
		snprintf(id, idlen, "?");
		if (json_object_object_get_ex(o, "state", &st) &&
		    json_object_object_get_ex(st, "id", &v) && json_object_is_type(v, json_type_string))
			snprintf(id, idlen, "%s", json_object_get_string(v));
		r = *pid > 1 ? 0 : -EPROTO;
	}
	json_object_put(o);
	return r;
}

static void container_free(struct container *c)
{
	if (!c)
		return;
	hold_free(c->hold);
	events_close(c->ev);
	netlayer_close(c->nl, NULL); /* the pins stay until the cgroup is empty */
	policy_free(c->p);
	free(c);
}

/* Attaches the layers to the container's cgroup and starts answering its listener. */
static int container_start(struct agent *a, int pid, const char *name, int listener,
			   struct container **ret)
{
	struct container *c = calloc(1, sizeof(*c));
	char err[512] = "", path[4200], root[64];
	int cg = -1, r;

	if (!c)
		return -ENOMEM;
	r = oci_load_policy(a->policy, pid, &c->p);
	snprintf(root, sizeof(root), "/proc/%d/root", pid);
	if (!r) {
		c->p->root = realpath(root, NULL);
		if (a->jury) {
			free(c->p->jury_local);
			c->p->jury_local = strdup(a->jury);
		}
	}
	r = r ?: oci_cgroup_of(pid, c->ri.cgroup, sizeof(c->ri.cgroup));
	r = r ?: run_new_id(c->ri.id, sizeof(c->ri.id));
	if (!r && (cg = open(c->ri.cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		r = -errno;
	c->ri.attached = true;
	c->ri.agent = pid;
	c->ri.supervisor = getpid();
	c->ri.started = time(NULL);
	snprintf(c->ri.command, sizeof(c->ri.command), "oci %.1000s", name);
	if (!r)
		run_state_write(&c->ri); /* before the pins: cleanup can always find the cgroup */
	r = r ?: netlayer_open(c->p, &c->nl, err, sizeof(err));
	r = r ?: run_pin_dir(c->ri.id, c->pins, sizeof(c->pins));
	r = r ?: netlayer_attach(c->nl, cg, c->pins);
	r = r ?: netlayer_trace(c->nl, c->p, cg, c->pins, err, sizeof(err));
	r = r ?: netlayer_require_approval(c->nl);
	snprintf(path, sizeof(path), "%s/%s.jsonl", a->log_dir, c->ri.id);
	r = r ?: events_open(path, c->ri.id, c->p, &c->ev);
	r = r ?: events_attach(c->ev, c->nl);
	r = r ?: hold_prepare(c->p, &c->hold, err, sizeof(err));
	r = r ?: hold_start_fd(c->hold, dup(listener), netlayer_approvals_fd(c->nl),
			       netlayer_net_approvals_fd(c->nl), c->p->jury_local, c->ev);
	if (cg >= 0)
		close(cg);
	if (r < 0) {
		fprintf(stderr, "sevorix oci-agent: %s: %s\n", name, err[0] ? err : strerror(-r));
		if (c->ri.id[0])
			run_state_remove(c->ri.id);
		netlayer_close(c->nl, c->pins[0] ? c->pins : NULL);
		c->nl = NULL;
		container_free(c);
		return r;
	}
	snprintf(c->ri.events, sizeof(c->ri.events), "%.4000s", path);
	run_state_write(&c->ri);
	fprintf(stderr, "sevorix oci-agent: container %s (pid %d) in %s: run %s\n", name, pid,
		c->ri.cgroup, c->ri.id);
	*ret = c;
	return 0;
}

/* Containers whose listener hung up are gone: their pins go with their cgroup. */
static void reap(struct agent *a)
{
	for (int i = 0; i < MAX_CONTAINERS; i++) {
		struct container *c = a->c[i];
		char id[32];

		if (!c)
			continue;
		events_drain(c->ev);
		if (hold_running(c->hold))
			continue;

		snprintf(id, sizeof(id), "%s", c->ri.id);
		events_summary(c->ev, 0);
		container_free(c);
		a->c[i] = NULL;
		run_cleanup_one(id, false); /* kept while the cgroup still has processes */
	}
}

static void accept_one(struct agent *a, int lfd)
{
	char buf[65536], id[256];
	int conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC), fd = -1, pid = 0, slot = -1;
	struct container *c = NULL;

	if (conn < 0)
		return;
	for (int i = 0; i < MAX_CONTAINERS && slot < 0; i++)
		if (!a->c[i])
			slot = i;
	/* fail closed: a container we cannot hold gets its listener closed, so its
	 * trapped calls fail */
	if (receive(conn, buf, sizeof(buf), &fd) < 0 || parse_state(buf, &pid, id, sizeof(id)) < 0)
		fprintf(stderr, "sevorix oci-agent: a malformed message from the runtime; ignored\n");
	else if (slot < 0)
		fprintf(stderr, "sevorix oci-agent: too many containers; %s refused\n", id);
	else if (container_start(a, pid, id, fd, &c) == 0)
		a->c[slot] = c;
	if (fd >= 0)
		close(fd);
	close(conn);
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	strcpy(dir, path);
	if (strrchr(dir, '/') && strrchr(dir, '/') != dir) {
		*strrchr(dir, '/') = 0;
		mkdir(dir, 0700);
	}
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0600) < 0 ||
	    listen(fd, 64) < 0) {
		int r = -errno;

		if (fd >= 0)
			close(fd);
		return r;
	}
	return fd;
}

static void oci_agent_usage(FILE *f)
{
	fputs("Usage: sevorix oci-agent [--socket PATH] [--policy FILE] [--jury unix:///PATH]\n"
	      "                         [--log-dir DIR]\n\n"
	      "The seccomp agent of OCI runtimes: containers whose seccomp profile has\n"
	      "listenerPath PATH (see `sevorix oci-config`) are put under the policy.\n"
	      "Default socket /run/sevorix/seccomp.sock, events in /var/log/sevorix.\n", f);
}

int cmd_oci_agent(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' }, { "policy", required_argument, NULL, 'p' },
		{ "jury", required_argument, NULL, 'j' },   { "log-dir", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },	    { 0 },
	};
	struct agent a = { "/run/sevorix/seccomp.sock", "/etc/sevorix/policy.yaml", NULL,
			   RUN_LOG_DIR, { 0 } };
	sigset_t mask;
	int c, lfd, sfd;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:p:j:l:h", opts, NULL)) != -1) {
		if (c == 's')
			a.socket = optarg;
		else if (c == 'p')
			a.policy = optarg;
		else if (c == 'j' && !strncmp(optarg, "unix:///", 8))
			a.jury = optarg + 7;
		else if (c == 'l')
			a.log_dir = optarg;
		else
			return oci_agent_usage(c == 'h' ? stdout : stderr), c == 'h' ? 0 : 2;
	}
	if (optind != argc)
		return oci_agent_usage(stderr), 2;
	lfd = listen_on(a.socket);
	if (lfd < 0) {
		fprintf(stderr, "sevorix oci-agent: %s: %s\n", a.socket, strerror(-lfd));
		return 1;
	}
	mkdir(a.log_dir, 0750);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	fprintf(stderr, "sevorix oci-agent: listening on %s\n", a.socket);
	for (;;) {
		struct pollfd p[2] = { { lfd, POLLIN, 0 }, { sfd, POLLIN, 0 } };

		if (poll(p, 2, 200) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (p[0].revents & POLLIN)
			accept_one(&a, lfd);
		reap(&a);
	}
	/* held calls of live containers now fail; their network layer stays pinned */
	for (int i = 0; i < MAX_CONTAINERS; i++)
		container_free(a.c[i]);
	close(lfd);
	unlink(a.socket);
	return 0;
}
