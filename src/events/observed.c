// SPDX-License-Identifier: GPL-2.0-only
/*
 * Observed denials: a file or exec call of the agent that failed with
 * EACCES, EPERM, EXDEV, EROFS or EBUSY (bpf/observe.bpf.c). The kernel
 * does not say which layer refused, nor whether it was a layer at all
 * (file modes and read-only file systems refuse with the same errors), so
 * each is judged here against the policy (attribute.c): a call the policy
 * refuses, directly or through the way Landlock carries it out, was ours
 * and becomes an event naming the rule; any other failure is the file
 * system's own answer and is not logged. execve refused with EPERM is the
 * hold's refusal, which the hold logged itself. A call the hardening
 * filter refuses whatever its arguments (ptrace, mount, unshare, ...) is
 * the filter's when its entry is not relaxed (on_harden()).
 *
 * The layer follows from the error and the rule. EPERM is seccomp's.
 * With the run's private world (src/sandbox/), the mounts refuse before
 * Landlock is asked: EROFS is its read-only tree (every path the policy
 * does not let the agent write), EBUSY the mount point of a mask, EACCES
 * inside a mask (the denied path it hides), and EXDEV a rename or link
 * between a writable path and one that is not, which lie on different
 * mounts; "namespaces" names them all, as the run's first event does.
 * Where Landlock grants a directory entry by entry, or without a world,
 * EACCES and EXDEV are Landlock's. Without a world, EROFS and EBUSY are
 * never ours.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/stat.h>

#include "events/internal.h"
#include "observe/observe.h"
#include "seccomp/hardening.h"

#define NAME_MAX_LEN (2 * SX_OBS_PATH + 2)

/* Removes ".", ".." and repeated slashes of an absolute path (lexically), in place. */
static void normalize(char *path)
{
	char copy[NAME_MAX_LEN], buf[NAME_MAX_LEN] = "", *save, *name;
	size_t n = 0;

	snprintf(copy, sizeof(copy), "%s", path);
	for (name = strtok_r(copy, "/", &save); name; name = strtok_r(NULL, "/", &save)) {
		char *up = strrchr(buf, '/');

		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			if (up) {
				*up = 0;
				n = up - buf;
			}
			continue;
		}
		if (n + strlen(name) + 2 > sizeof(buf))
			break;
		n += snprintf(buf + n, sizeof(buf) - n, "/%s", name);
	}
	snprintf(path, NAME_MAX_LEN, "%s", n ? buf : "/");
}

/* The name the agent gave (name[0..]), completed with its directory (name[SX_OBS_PATH..]). */
static void complete(const char *name, char *out, size_t len)
{
	char path[SX_OBS_PATH + 1], dir[SX_OBS_PATH + 1];

	memcpy(path, name, SX_OBS_PATH);
	path[SX_OBS_PATH] = 0;
	memcpy(dir, name + SX_OBS_PATH, SX_OBS_PATH);
	dir[SX_OBS_PATH] = 0;
	if (path[0] == '/' || !dir[0])
		snprintf(out, len, "%s", path);
	else
		snprintf(out, len, "%s/%s", strcmp(dir, "/") ? dir : "", path);
	if (out[0] == '/')
		normalize(out);
}

static const char *errno_name(int ret)
{
	switch (-ret) {
	case EACCES:
		return "EACCES";
	case EXDEV:
		return "EXDEV";
	case EROFS:
		return "EROFS";
	case EBUSY:
		return "EBUSY";
	}
	return "EPERM";
}

/* Can error ret of call op be a layer's refusal at all (see the top)? */
static bool layer_error(const struct events *ev, enum sx_obs_op op, int ret)
{
	if (ret == -EROFS)
		return ev->world;
	if (ret == -EBUSY) /* only removing or renaming a mask's mount point */
		return ev->world && (op == SX_OBS_UNLINK || op == SX_OBS_RMDIR || op == SX_OBS_RENAME);
	return true;
}

/* Which layer refused, with what the event says of a mount's refusal (NULL: nothing). */
static const char *layer_of(const struct events *ev, int ret, const struct blame *b,
			    const char **why)
{
	*why = NULL;
	if (ret == -EPERM)
		return "seccomp";
	if (!ev->world || b->expanded[0] || (ret == -EACCES && !b->hidden))
		return "landlock";
	if (ret == -EROFS)
		*why = "the run sees this path read-only: the policy does not let the agent write it";
	else if (ret == -EBUSY || ret == -EACCES)
		*why = "a mask hides this denied path in the run's view";
	else
		*why = "a path the agent may not write lies on another, read-only mount of the run";
	return "namespaces";
}

static const char *access_name(unsigned int access)
{
	if (access == SX_ACCESS_EXEC)
		return "exec";
	if (access == (SX_ACCESS_READ | SX_ACCESS_WRITE))
		return "read-write";
	return access == SX_ACCESS_WRITE ? "write" : "read";
}

/* The call's names, as the event shows them: rename from/to, link from/to, symlink's text. */
static void put_names(FILE *f, enum sx_obs_op op, const char *p1, const char *p2, const char *text)
{
	if (op == SX_OBS_RENAME || op == SX_OBS_LINK) {
		fputs(",\"from\":", f);
		json_str(f, op == SX_OBS_RENAME ? p1 : p2);
		fputs(",\"to\":", f);
		json_str(f, op == SX_OBS_RENAME ? p2 : p1);
	} else if (op == SX_OBS_SYMLINK) {
		fputs(",\"link\":", f);
		json_str(f, text);
	}
}

static void put_observed(const struct events *ev, struct rec *r, const struct sx_obs_event *o,
			 const char *target, unsigned int access, const struct blame *b)
{
	const struct sx_event *e = &o->e;
	const char *why, *layer = layer_of(ev, e->exit_code, b, &why);
	const char *sys = observe_syscall_name(e->port);
	FILE *f = r->f;

	fputs(",\"target\":", f);
	json_str(f, target);
	fprintf(f, ",\"access\":\"%s\",\"verdict\":\"deny\",\"enforced\":true",
		access_name(access));
	put_loc(f, b->loc);
	fprintf(f, ",\"section\":\"%s\",\"layer\":\"%s\",\"observed\":true,\"errno\":\"%s\"",
		b->section, layer, errno_name(e->exit_code));
	if (sys)
		fprintf(f, ",\"syscall\":\"%s\"", sys);
	if (b->expanded[0]) {
		fputs(",\"reason\":\"", f);
		json_str_body(f, b->expanded);
		fputs(" is granted entry by entry (Landlock only allows) because of this rule; "
		      "this entry is not one of them\"",
		      f);
	} else if (why) {
		fprintf(f, ",\"reason\":\"%s\"", why);
	}
	rec_decision(r, layer, "deny", 1);
}

/* Creating or removing a name needs rights on its parent, not on the name. */
static bool blame(struct events *ev, enum sx_obs_op op, const char *path, unsigned int access,
		  struct blame *b)
{
	struct file_op f = { .path = path,
			     .access = access,
			     .started = ev->started,
			     .hidden = (const char *const *)ev->hidden };
	struct stat st;

	f.entry = op == SX_OBS_MKDIR || op == SX_OBS_UNLINK || op == SX_OBS_RMDIR ||
		  op == SX_OBS_RENAME || op == SX_OBS_LINK || op == SX_OBS_SYMLINK ||
		  op == SX_OBS_MKNOD || (op == SX_OBS_OPEN && lstat(path, &st) < 0);
	return events_blame_file(ev->p, &f, b);
}

/*
 * A connect Landlock refused (its TCP rules allow only the ports of the
 * network section's allow and review rules): ours when the policy does
 * not allow the destination.
 */
static void on_connect(struct events *ev, const struct sx_obs_event *o, const char *comm)
{
	const struct sx_event *e = &o->e;
	const struct net_rule *rule;
	struct sockaddr_in6 in6;
	struct sockaddr_in in;
	char a[INET6_ADDRSTRLEN];
	const void *addr;
	int family;
	uint16_t port;
	struct rec r;

	memcpy(&in, e->data, sizeof(in));
	memcpy(&in6, e->data, sizeof(in6));
	family = in.sin_family;
	if (family != AF_INET && family != AF_INET6)
		return;
	addr = family == AF_INET ? (const void *)&in.sin_addr : (const void *)&in6.sin6_addr;
	port = ntohs(family == AF_INET ? in.sin_port : in6.sin6_port);
	if (policy_decide_net(ev->p, family, addr, port, &rule) == SX_ALLOW || rec_open(&r) < 0) {
		events_remember(ev, e->ts_boot_ns, NULL, 0, NULL, NULL); /* its repeats are not ours either */
		return;
	}
	inet_ntop(family, addr, a, sizeof(a));
	put_head(ev, r.f, e->ts_boot_ns + ev->boot_to_real, e->pid, events_ppid(ev, e->pid), e->uid,
		 comm);
	r.frag = ftell(r.f);
	r.cache_ts = e->ts_boot_ns;
	fprintf(r.f, family == AF_INET ? ",\"kind\":\"connect\",\"target\":\"%s:%u\""
				      : ",\"kind\":\"connect\",\"target\":\"[%s]:%u\"",
		a, port);
	fputs(",\"protocol\":\"tcp\",\"verdict\":\"deny\",\"enforced\":true", r.f);
	put_loc(r.f, rule ? &rule->loc : NULL);
	fputs(",\"section\":\"network\",\"layer\":\"landlock\",\"observed\":true,"
	      "\"errno\":\"EACCES\",\"syscall\":\"connect\"", r.f);
	rec_decision(&r, "landlock", "deny", 1);
	rec_commit(ev, &r);
}

/* The hardening entry that refuses system call sys whatever its arguments (EPERM), or NULL. */
static const char *harden_entry(const char *sys, unsigned int *relax)
{
	const char *name;
	int err;

	for (size_t i = 0; sys && (name = hardening_plain_name(i, relax, &err)); i++)
		if (!strcmp(name, sys))
			return err == EPERM ? name : NULL;
	return NULL;
}

/*
 * A call of the hardening filter's that failed with EPERM: the filter's
 * refusal where the run has the filter and did not relax its entry (else
 * the kernel or another filter refused, and it is not ours). The filter
 * runs at system call entry, before any other layer could refuse.
 */
static void on_harden(struct events *ev, const struct sx_obs_event *o, const char *comm)
{
	const struct sx_event *e = &o->e;
	const char *sys = observe_syscall_name(e->port), *const *names = hardening_allow_names();
	unsigned int relax = 0;
	struct rec r;

	if (!ev->filtered || e->exit_code != -EPERM || !harden_entry(sys, &relax) ||
	    (ev->relaxed & relax) || rec_open(&r) < 0) {
		events_remember(ev, e->ts_boot_ns, NULL, 0, NULL, NULL);
		return;
	}
	put_head(ev, r.f, e->ts_boot_ns + ev->boot_to_real, e->pid, events_ppid(ev, e->pid), e->uid,
		 comm);
	r.frag = ftell(r.f);
	r.cache_ts = e->ts_boot_ns;
	fputs(",\"kind\":\"hardening\",\"target\":", r.f);
	json_str(r.f, sys);
	/* the entry that `hardening: {allow: [...]}` would relax (none: never relaxable) */
	for (unsigned int i = 0; relax && names[i]; i++)
		if (relax == 1u << i)
			fprintf(r.f, ",\"entry\":\"%s\"", names[i]);
	fputs(",\"verdict\":\"deny\",\"enforced\":true,\"rule\":\"hardening\",\"section\":"
	      "\"hardening\",\"layer\":\"seccomp\",\"observed\":true,\"errno\":\"EPERM\"",
	      r.f);
	fprintf(r.f, ",\"syscall\":\"%s\"", sys);
	rec_decision(&r, "seccomp", "deny", 1);
	rec_commit(ev, &r);
}

void events_on_observed(struct events *ev, const struct sx_obs_event *o)
{
	const struct sx_event *e = &o->e;
	enum sx_obs_op op = e->family;
	unsigned long long flags;
	char p1[NAME_MAX_LEN], p2[NAME_MAX_LEN] = "", text[SX_OBS_PATH + 1] = "";
	char comm[sizeof(e->comm) + 1];
	const char *kind, *target = p1;
	unsigned int access;
	struct blame b;
	struct rec r;

	memcpy(comm, e->comm, sizeof(e->comm));
	comm[sizeof(e->comm)] = 0;
	if (op == SX_OBS_CONNECT || op == SX_OBS_HARDEN) {
		(op == SX_OBS_CONNECT ? on_connect : on_harden)(ev, o, comm);
		return;
	}
	memcpy(&flags, e->addr, sizeof(flags));
	kind = observe_op_name(op, flags);
	access = observe_op_access(op, e->port, flags);
	if (!kind || (op == SX_OBS_EXEC && e->exit_code == -EPERM) ||
	    !layer_error(ev, op, e->exit_code)) {
		/* the hold's, or the file system's own: not here */
		events_remember(ev, e->ts_boot_ns, NULL, 0, NULL, NULL);
		return;
	}
	complete(e->data, p1, sizeof(p1));
	if (op == SX_OBS_RENAME || op == SX_OBS_LINK)
		complete(o->more, p2, sizeof(p2));
	else if (op == SX_OBS_SYMLINK)
		memcpy(text, o->more, SX_OBS_PATH);
	/* a rename or link is refused for either name */
	if (!blame(ev, op, p1, access, &b)) {
		if (!p2[0] || !blame(ev, op, p2, SX_ACCESS_WRITE, &b)) {
			/* the policy allows it: the file system's own refusal, and its repeats */
			events_remember(ev, e->ts_boot_ns, NULL, 0, NULL, NULL);
			return;
		}
		target = p2;
	}
	if (rec_open(&r) < 0)
		return;
	put_head(ev, r.f, e->ts_boot_ns + ev->boot_to_real, e->pid, events_ppid(ev, e->pid), e->uid,
		 comm);
	r.frag = ftell(r.f);
	r.cache_ts = e->ts_boot_ns;
	fprintf(r.f, ",\"kind\":\"%s\"", kind);
	put_names(r.f, op, p1, p2, text);
	put_observed(ev, &r, o, target, access, &b);
	rec_commit(ev, &r);
}

void events_obs_complete(const char *name, char *out, size_t len)
{
	complete(name, out, len);
}
