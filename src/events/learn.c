// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the kernel's records tell `run --learn` (learn/learn.h): the
 * observer's successful file calls (reported only when learning) and its
 * denials, every connect and datagram of the network and UNIX layers
 * (each allowed destination and socket path is reported when learning),
 * with the name the run's resolver learnt an address from, and each
 * program the exec tracker saw start, with the files the kernel loaded
 * to run it. They become observations of the run's recorder; what the
 * recorder cannot keep it counts, and the learnt policy says so.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns/names.h"
#include "events/internal.h"
#include "learn/learn.h"
#include "observe/observe.h"

#define NAME_LEN (2 * SX_OBS_PATH + 2)
#define LOADED_MAX 4

void events_set_learn(struct events *ev, struct learn_rec *rec)
{
	ev->learn = rec;
}

static void add_file(struct events *ev, const char *path, unsigned int access, unsigned int flags)
{
	struct observed o = { .kind = OBS_FILE, .path = (char *)path, .access = access,
			      .flags = flags, .count = 1 };

	if (path[0] == '/') /* a name that could not be completed names no rule */
		learn_rec_add(ev->learn, &o);
}

/* The names a call creates. */
static unsigned int file_flags(enum sx_obs_op op, unsigned long long flags)
{
	if (op == SX_OBS_MKDIR)
		return OBS_CREATED | OBS_DIR;
	if (op == SX_OBS_SYMLINK || op == SX_OBS_LINK || op == SX_OBS_MKNOD ||
	    (op == SX_OBS_OPEN && (flags & O_CREAT)))
		return OBS_CREATED;
	return 0;
}

static void on_file(struct events *ev, const struct sx_obs_event *o)
{
	const struct sx_event *e = &o->e;
	enum sx_obs_op op = e->family;
	unsigned long long flags;
	unsigned int access, denied = e->verdict == SX_V_ALLOW ? 0 : OBS_DENIED;
	char p1[NAME_LEN], p2[NAME_LEN];

	if (op == SX_OBS_CONNECT || op == SX_OBS_EXEC)
		return; /* the network layer's and the exec tracker's to report */
	memcpy(&flags, e->addr, sizeof(flags));
	if (op == SX_OBS_OPEN && (flags & O_PATH))
		return; /* names a file without any access to it (the run's own set-up does) */
	access = observe_op_access(op, e->port, flags);
	events_obs_complete(e->data, p1, sizeof(p1));
	add_file(ev, p1, access, file_flags(op, flags) | denied);
	if (op == SX_OBS_UNLINK || op == SX_OBS_RMDIR || op == SX_OBS_RENAME) {
		char *slash = strrchr(p1, '/');

		/* the directory whose entry was removed or renamed */
		if (slash && slash != p1) {
			*slash = 0;
			add_file(ev, p1, SX_ACCESS_WRITE, OBS_DIR | OBS_ENTRIES | denied);
			*slash = '/';
		}
	}
	if (op == SX_OBS_RENAME || op == SX_OBS_LINK) {
		events_obs_complete(o->more, p2, sizeof(p2));
		/* rename: the new name is created; link: the existing file is only named */
		add_file(ev, p2, op == SX_OBS_RENAME ? SX_ACCESS_WRITE : SX_ACCESS_READ,
			 (op == SX_OBS_RENAME ? OBS_CREATED : 0) | denied);
	}
}

/* A UNIX socket path: abstract names (a leading NUL) shown with '@', as ss(8) does. */
static void on_unix(struct events *ev, const struct sx_event *e)
{
	char path[SX_UNIX_PATH_MAX + 1];
	struct observed o = { .kind = OBS_UNIX, .path = path, .count = 1 };

	memcpy(path, e->data, SX_UNIX_PATH_MAX);
	path[SX_UNIX_PATH_MAX] = 0;
	if (!path[0])
		path[0] = '@';
	if (e->verdict != SX_V_ALLOW)
		o.flags |= OBS_DENIED;
	learn_rec_add(ev->learn, &o);
}

/*
 * A destination, with the name the run's resolver learnt it from when
 * that name was live at the connect: a host rule would allow it again.
 */
static void on_net(struct events *ev, const struct sx_event *e)
{
	struct observed o = { .kind = OBS_NET, .family = e->family, .port = e->port, .count = 1 };
	struct dns_name_hit hit;

	if (e->family == AF_UNIX) {
		on_unix(ev, e);
		return;
	}
	if (e->family != AF_INET && e->family != AF_INET6)
		return;
	memcpy(o.addr, e->addr, e->family == AF_INET ? 4 : 16);
	if (ev->names && dns_names_find(ev->names, e->family, e->addr, -1, e->ts_boot_ns, &hit) &&
	    hit.live)
		o.name = hit.name;
	learn_normalize(&o.family, o.addr);
	if (e->kind == SX_EV_SENDMSG || e->sock_type == SOCK_DGRAM)
		o.flags |= OBS_UDP;
	if (e->verdict != SX_V_ALLOW)
		o.flags |= OBS_DENIED;
	learn_rec_add(ev->learn, &o);
}

/*
 * A program started, and each file the kernel loaded to run it: an exec
 * rule each, and read and exec of it as a file (with exec alone, execve
 * of an ELF program fails with EACCES under the run's layers).
 */
static void add_exec(struct events *ev, char *path, unsigned int flags)
{
	struct observed o = { .kind = OBS_EXEC, .path = path, .flags = flags, .count = 1 };

	learn_rec_add(ev->learn, &o);
	add_file(ev, path, SX_ACCESS_READ | SX_ACCESS_EXEC, 0);
}

/*
 * The file a relative exec name meant: from the directory of the process
 * (or, gone already, of its parent, which started it) as /proc shows it
 * now. The kernel's record names it as the agent wrote it.
 */
static bool resolve(struct events *ev, const struct sx_event *e, const char *path, char *real)
{
	int pids[2] = { e->pid, events_ppid(ev, e->pid) };
	char name[SX_EVENT_DATA + 64];

	if (path[0] == '/')
		return realpath(path, real) != NULL;
	for (int i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "/proc/%d/cwd/%s", pids[i], path);
		if (pids[i] > 0 && realpath(name, real))
			return true;
	}
	return false;
}

/* A program started: its canonical path, and what the kernel loaded to run it. */
static void on_exec(struct events *ev, const struct sx_event *e)
{
	size_t len = e->data_len < SX_EVENT_DATA ? e->data_len : SX_EVENT_DATA;
	char path[SX_EVENT_DATA + 1], real[PATH_MAX], loaded[LOADED_MAX][4096];
	int n;

	memcpy(path, e->data, len);
	path[len] = 0;
	if (!resolve(ev, e, path, real))
		return; /* gone already: nothing a rule could name */
	add_exec(ev, real, 0);
	n = learn_loaded_by(NULL, real, loaded, LOADED_MAX);
	for (int i = 0; i < n; i++)
		add_exec(ev, loaded[i], OBS_INTERP);
}

void events_learn(struct events *ev, const struct sx_obs_event *o)
{
	const struct sx_event *e = &o->e;

	if (e->kind == SX_EV_OBSERVED)
		on_file(ev, o);
	else if (e->kind == SX_EV_CONNECT || e->kind == SX_EV_SENDMSG)
		on_net(ev, e);
	else if (e->kind == SX_EV_EXEC && e->verdict == SX_V_NONE)
		on_exec(ev, e);
}
