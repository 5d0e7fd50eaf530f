// SPDX-License-Identifier: GPL-2.0-only
/*
 * The seccomp agent of OCI runtimes (runc, crun). A container whose
 * seccomp profile has SCMP_ACT_NOTIFY rules and a listenerPath makes the
 * runtime connect here and hand over the container's notification fd,
 * with the container's state as JSON. For each container the agent
 * attaches the cgroup network layer and the exec checks to the container's
 * cgroup (pinned, as `sevorix attach` does) and answers its trapped execs
 * and connects exactly as `sevorix run` does: by identity and content, and
 * with the jury for review-class calls, through one-shot kernel approvals.
 *
 * `sevorix oci-agent` is this module with a poll loop; `sevorix daemon`
 * uses the same module and adds reloads (new rules in the live maps, a new
 * hold) and upgrades (the listeners handed to a new process).
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
#include <time.h>
#include <unistd.h>

#include "apply/maps.h"
#include "events/events.h"
#include "exec/exec.h"
#include "hold/hold.h"
#include "net/net.h"
#include "observe/observe.h"
#include "oci/oci.h"
#include "policy/agent.h"
#include "runs/runs.h"
#include "util/log.h"
#include "util/opts.h"
#include "util/unix_listen.h"

#define MAX_CONTAINERS 64

struct container {
	struct run_info ri;
	struct policy *p;
	struct netlayer *nl;	/* NULL when adopted from another process */
	struct execlayer *exec;	/* as nl */
	struct observer *obs;	/* as nl, and NULL when it could not load (logging only) */
	struct run_maps maps;	/* the pinned programs' maps, found from the pins */
	struct hold *hold;	/* NULL while handed over */
	struct events *ev;
	int handed;		/* the listener while it is handed over, else -1 */
	char pins[512];
};

struct oci_agent {
	struct oci_agent_opts o;
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
	if (c->handed >= 0)
		close(c->handed);
	events_close(c->ev);
	run_maps_close(&c->maps);
	observe_stop(c->obs);
	exec_close(c->exec, NULL); /* the pins stay until the cgroup is empty */
	netlayer_close(c->nl, NULL);
	policy_free(c->p);
	free(c);
}

static struct container *container_new(void)
{
	struct container *c = calloc(1, sizeof(*c));

	if (c) {
		memset(&c->maps, 0xff, sizeof(c->maps));
		c->handed = -1;
	}
	return c;
}

/*
 * The policy as the container's process pid sees it (${HOME} and ${USER}
 * of its uid, its cwd), with the agent's jury.
 */
static int container_policy(const struct oci_agent *a, int pid, struct policy **ret,
			    struct policy_diag *diag)
{
	char root[64];
	int r = policy_load_as_process(a->o.policy, pid, pid, ret, diag);

	if (r < 0)
		return r;
	snprintf(root, sizeof(root), "/proc/%d/root", pid);
	(*ret)->root = realpath(root, NULL);
	if (a->o.jury) {
		free((*ret)->jury_local);
		(*ret)->jury_local = strdup(a->o.jury);
	}
	return 0;
}

/* Loads, attaches and pins the layers on the container's cgroup. */
static int container_attach(struct container *c, char *err, size_t errlen)
{
	int cg = open(c->ri.cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (cg < 0)
		return -errno;
	r = policy_names_hosts(c->p) ? -EOPNOTSUPP : 0;
	if (r < 0)
		snprintf(err, errlen, "%s: %s", c->p->file, NET_NAMES_NEED_RUN);
	r = r ?: netlayer_open(c->p, &c->nl, err, errlen);
	r = r ?: run_pin_dir(c->ri.id, c->pins, sizeof(c->pins));
	r = r ?: netlayer_attach(c->nl, cg, c->pins);
	r = r ?: exec_open(c->p, c->nl, cg, c->pins, &c->exec, err, errlen);
	r = r ?: exec_require_approval(c->exec);
	r = r ?: run_maps_open(c->pins, &c->maps);
	close(cg);
	/* without it, denials by Landlock and seccomp are enforced but not logged */
	if (!r && observe_start(c->nl, c->exec, &c->obs) < 0 && log_level() >= 1)
		log_info("denials of other layers are not observed");
	return r;
}

/* Attaches the layers to the container's cgroup and starts answering its listener. */
static int container_start(struct oci_agent *a, int pid, const char *name, int listener,
			   struct container **ret)
{
	struct container *c = container_new();
	char err[512] = "", path[4200];
	int r, fd;

	if (!c)
		return -ENOMEM;
	r = container_policy(a, pid, &c->p, NULL);
	r = r ?: oci_cgroup_of(pid, c->ri.cgroup, sizeof(c->ri.cgroup));
	r = r ?: run_new_id(c->ri.id, sizeof(c->ri.id));
	c->ri.attached = true;
	c->ri.agent = pid;
	c->ri.supervisor = getpid();
	c->ri.started = time(NULL);
	snprintf(c->ri.command, sizeof(c->ri.command), "oci %.1000s", name);
	run_info_set_policy(&c->ri, a->o.policy);
	if (!r)
		run_state_write(&c->ri); /* before the pins: cleanup can always find the cgroup */
	r = r ?: container_attach(c, err, sizeof(err));
	snprintf(path, sizeof(path), "%s/%s.jsonl", a->o.log_dir, c->ri.id);
	r = r ?: events_open(path, c->ri.id, c->p, &c->ev);
	r = r ?: events_attach(c->ev, c->nl);
	r = r ?: hold_prepare(c->p, &c->hold, err, sizeof(err));
	/* close-on-exec: an upgrade's new process must hold only the listeners it adopts */
	if (!r && (fd = fcntl(listener, F_DUPFD_CLOEXEC, 0)) < 0)
		r = -errno;
	r = r ?: hold_start_fd(c->hold, fd, c->maps.approved, c->maps.net_approved,
			       c->p->jury_local, c->ev);
	if (r < 0) {
		log_error("container %s: %s", name, err[0] ? err : strerror(-r));
		if (c->ri.id[0])
			run_state_remove(c->ri.id);
		exec_close(c->exec, c->pins[0] ? c->pins : NULL);
		netlayer_close(c->nl, c->pins[0] ? c->pins : NULL);
		if (c->pins[0])
			rmdir(c->pins);
		c->exec = NULL;
		c->nl = NULL;
		container_free(c);
		return r;
	}
	snprintf(c->ri.events, sizeof(c->ri.events), "%.4000s", path);
	run_state_write(&c->ri);
	log_notice("container %s (pid %d) in %s: run %s", name, pid, c->ri.cgroup, c->ri.id);
	*ret = c;
	return 0;
}

static int free_slot(const struct oci_agent *a)
{
	for (int i = 0; i < MAX_CONTAINERS; i++)
		if (!a->c[i])
			return i;
	return -1;
}

void oci_agent_accept(struct oci_agent *a, int lfd)
{
	char buf[65536], id[256];
	int conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC), fd = -1, pid = 0, slot = free_slot(a);
	struct container *c = NULL;

	if (conn < 0)
		return;
	/* fail closed: a container we cannot hold gets its listener closed, so its
	 * trapped calls fail */
	if (receive(conn, buf, sizeof(buf), &fd) < 0 || parse_state(buf, &pid, id, sizeof(id)) < 0)
		log_error("a malformed message from the runtime; ignored");
	else if (slot < 0)
		log_error("too many containers; %s refused", id);
	else if (container_start(a, pid, id, fd, &c) == 0)
		a->c[slot] = c;
	if (fd >= 0)
		close(fd);
	close(conn);
}

/* Containers whose listener hung up are gone: their pins go with their cgroup. */
void oci_agent_tick(struct oci_agent *a)
{
	for (int i = 0; i < MAX_CONTAINERS; i++) {
		struct container *c = a->c[i];
		char id[32];

		if (!c)
			continue;
		events_drain(c->ev);
		if (!c->hold || hold_running(c->hold))
			continue;

		snprintf(id, sizeof(id), "%s", c->ri.id);
		events_summary(c->ev, 0);
		container_free(c);
		a->c[i] = NULL;
		run_cleanup_one(id, false); /* kept while the cgroup still has processes */
	}
}

int oci_agent_count(const struct oci_agent *a)
{
	int n = 0;

	for (int i = 0; i < MAX_CONTAINERS; i++)
		n += a->c[i] != NULL;
	return n;
}

/* One container takes the new policy: hold prepared first, then maps, then the hold swapped. */
static int container_reload(struct oci_agent *a, struct container *c)
{
	struct policy_diag diag = { 0 };
	struct policy *p = NULL;
	struct hold *h = NULL;
	char err[512] = "";
	int r = container_policy(a, c->ri.agent, &p, &diag);

	if (r < 0)
		policy_diag_print(&diag, stderr);
	policy_diag_clear(&diag);
	r = r ?: hold_prepare(p, &h, err, sizeof(err));
	r = r ?: run_maps_rewrite(&c->maps, p, err, sizeof(err));
	if (r < 0) {
		log_error("run %s: %s; its policy stays", c->ri.id, err[0] ? err : strerror(-r));
		hold_free(h);
		policy_free(p);
		return r;
	}
	events_set_policy(c->ev, p);
	r = c->hold ? hold_take_over(h, c->hold, p->jury_local, c->ev) : 0;
	c->hold = h;
	if (r < 0) {
		/* fail closed: the listener is closed with the hold, its calls fail */
		log_error("run %s: cannot restart its hold: %s", c->ri.id, strerror(-r));
	}
	policy_free(c->p); /* the old hold, its only other user, is gone */
	c->p = p;
	return r;
}

int oci_agent_reload(struct oci_agent *a)
{
	int r = 0;

	for (int i = 0; i < MAX_CONTAINERS; i++)
		if (a->c[i] && a->c[i]->hold)
			r = container_reload(a, a->c[i]) ?: r;
	return r;
}

int oci_agent_hand_over(struct oci_agent *a, int (*send)(void *ctx, const char *id, int fd),
			void *ctx)
{
	int r = 0;

	for (int i = 0; i < MAX_CONTAINERS && !r; i++) {
		struct container *c = a->c[i];

		if (!c || !c->hold || !hold_running(c->hold))
			continue;
		events_drain(c->ev);
		c->handed = fcntl(hold_listener(c->hold), F_DUPFD_CLOEXEC, 0);
		if (c->handed < 0)
			return -errno;
		/* one receiver at a time: this one stops before the new one starts */
		hold_free(c->hold);
		c->hold = NULL;
		r = send(ctx, c->ri.id, c->handed);
	}
	return r;
}

void oci_agent_hand_back(struct oci_agent *a)
{
	for (int i = 0; i < MAX_CONTAINERS; i++) {
		struct container *c = a->c[i];
		char err[512] = "";
		int r;

		if (!c || c->hold || c->handed < 0)
			continue;
		r = hold_prepare(c->p, &c->hold, err, sizeof(err));
		r = r ?: hold_start_fd(c->hold, c->handed, c->maps.approved, c->maps.net_approved,
				       c->p->jury_local, c->ev);
		c->handed = -1; /* owned by the hold now, or closed by it: fail closed */
		if (r < 0)
			log_error("run %s: cannot hold it again: %s", c->ri.id, err[0] ? err : strerror(-r));
	}
}

/* The new process's side of an upgrade: the container as the state and pins describe it. */
static int adopt(struct oci_agent *a, struct container *c, const char *id, int listener)
{
	char err[512] = "";
	int r = run_state_read(id, &c->ri);

	if (r == 0 && (!c->ri.attached || c->ri.agent <= 1))
		r = -EINVAL;
	r = r ?: container_policy(a, c->ri.agent, &c->p, NULL);
	run_pins_of(id, &c->ri, c->pins, sizeof(c->pins));
	r = r ?: run_maps_open(c->pins, &c->maps);
	if (!r && !c->ri.events[0])
		snprintf(c->ri.events, sizeof(c->ri.events), "%s/%s.jsonl", a->o.log_dir, id);
	r = r ?: events_open(c->ri.events, id, c->p, &c->ev);
	if (!r) {
		struct events_maps em;

		run_maps_events(&c->maps, &em);
		r = events_attach_maps(c->ev, &em);
	}
	r = r ?: hold_prepare(c->p, &c->hold, err, sizeof(err));
	if (r < 0) {
		log_error("run %s: cannot adopt it: %s", id, err[0] ? err : strerror(-r));
		return r;
	}
	r = hold_start_fd(c->hold, listener, c->maps.approved, c->maps.net_approved,
			  c->p->jury_local, c->ev);
	c->ri.supervisor = getpid();
	run_state_write(&c->ri);
	return r;
}

int oci_agent_adopt(struct oci_agent *a, const char *id, int listener)
{
	struct container *c = container_new();
	int slot = free_slot(a), r;

	if (!c || slot < 0) {
		free(c);
		close(listener); /* fail closed: its trapped calls fail */
		return -ENOSPC;
	}
	r = adopt(a, c, id, listener);
	if (r < 0) {
		if (!c->hold || hold_listener(c->hold) != listener)
			close(listener); /* fail closed, as above */
		container_free(c);
		return r;
	}
	a->c[slot] = c;
	return 0;
}

int oci_agent_new(const struct oci_agent_opts *o, struct oci_agent **ret)
{
	struct oci_agent *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->o = *o;
	mkdir(a->o.log_dir, 0750);
	*ret = a;
	return 0;
}

void oci_agent_free(struct oci_agent *a)
{
	if (!a)
		return;
	/* held calls of live containers now fail; their network layer stays pinned */
	for (int i = 0; i < MAX_CONTAINERS; i++)
		container_free(a->c[i]);
	free(a);
}

int oci_listen(const char *path)
{
	return unix_listen(path, SOCK_STREAM, 0700, 64, false);
}

static void oci_agent_usage(FILE *f)
{
	fputs("Usage: sevorix oci-agent [--socket PATH] [--policy FILE] [--jury unix:///PATH]\n"
	      "                         [--log-dir DIR] [-v]\n\n"
	      "The seccomp agent of OCI runtimes: containers whose seccomp profile has\n"
	      "listenerPath PATH (see `sevorix oci-config`) are put under the policy.\n"
	      "Default socket " OCI_SOCKET_DEFAULT ", events in " RUN_LOG_DIR ".\n"
	      "`sevorix daemon --oci-socket PATH` serves the same role, with reloads.\n", f);
}

struct oci_agent_args {
	struct oci_agent_opts *o;
	const char **socket;
};

static int oci_agent_opt(int c, const char *arg, void *ctx)
{
	struct oci_agent_args *a = ctx;

	if (c == 's')
		*a->socket = arg;
	else
		a->o->log_dir = arg;
	return 0;
}

/* Returns -1 to go on, else an exit status. */
static int oci_agent_parse(int argc, char **argv, struct oci_agent_opts *ao, const char **socket)
{
	static const struct option own[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "log-dir", required_argument, NULL, 'l' },
		{ 0 },
	};
	struct oci_agent_args a = { ao, socket };
	struct opts_cmd cmd = { .shared = OPT_POLICY | OPT_JURY, .letters = "s:l:", .own = own,
				.fn = oci_agent_opt, .ctx = &a, .usage = oci_agent_usage,
				.no_operands = true };
	struct opts o = { .policy = ao->policy };
	int r = opts_parse(&cmd, argc, argv, &o);

	ao->policy = o.policy;
	ao->jury = o.jury;
	return r;
}

/* Holds containers handed over on lfd until SIGINT or SIGTERM. */
static void oci_agent_serve(struct oci_agent *a, int lfd)
{
	sigset_t mask;
	int sfd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	for (;;) {
		struct pollfd p[2] = { { lfd, POLLIN, 0 }, { sfd, POLLIN, 0 } };

		if (poll(p, 2, 200) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (p[0].revents & POLLIN)
			oci_agent_accept(a, lfd);
		oci_agent_tick(a);
	}
	if (sfd >= 0)
		close(sfd);
}

int cmd_oci_agent(int argc, char **argv)
{
	struct oci_agent_opts o = { POLICY_FILE_DEFAULT, NULL, RUN_LOG_DIR };
	const char *socket = OCI_SOCKET_DEFAULT;
	struct oci_agent *a;
	int r, lfd;

	log_init("sevorix oci-agent");
	r = oci_agent_parse(argc, argv, &o, &socket);
	if (r >= 0)
		return r;
	lfd = oci_listen(socket);
	if (lfd < 0) {
		log_error("%s: %s", socket, strerror(-lfd));
		return 1;
	}
	if (oci_agent_new(&o, &a) < 0)
		return 1;
	log_notice("listening on %s", socket);
	oci_agent_serve(a, lfd);
	oci_agent_free(a);
	close(lfd);
	unlink(socket);
	return 0;
}
