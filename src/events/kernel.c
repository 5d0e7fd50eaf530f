// SPDX-License-Identifier: GPL-2.0-only
/*
 * The records of the kernel's ring buffer as JSON lines: decisions of the
 * cgroup programs, the exec checks and the BPF LSM layer, and the process
 * events of the tracker. Observed denials (another layer's errno seen at
 * system call exit) are judged in observed.c.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "dns/names.h"
#include "events/internal.h"

void events_put_rule(struct events *ev, FILE *f, int section, unsigned int id)
{
	const struct policy *p = ev->p;
	const struct policy_loc *loc = NULL;

	if (section == SX_SEC_NETWORK && id < p->nnet_rules)
		loc = &p->net_rules[id].loc;
	else if (section == SX_SEC_EXEC && id < p->nexec_rules)
		loc = &p->exec_rules[id].loc;
	else if (section == SX_SEC_FILES && id < p->nfile_rules)
		loc = &p->file_rules[id].loc;
	if (!loc && section == SX_SEC_HARDENING)
		fputs(",\"rule\":\"hardening\"", f);
	else
		put_loc(f, loc);
}

static const char *exec_reason(const struct sx_event *e)
{
	if (e->layer == SX_LAYER_BPF_LSM && e->port == SX_EXEC_NOT_APPROVED)
		return "not the file that was approved; execve failed";
	switch (e->port) {
	case SX_EXEC_DENIED_FILE:
		return "denied executable (same file as a rule's path)";
	case SX_EXEC_DENIED_ARGV:
		return "argv matches a rule; killed before its first instruction";
	case SX_EXEC_NOT_APPROVED:
		return "not the file that was checked; killed before its first instruction";
	case SX_EXEC_WRITTEN:
		return "written since the run started (exec: {written: deny})";
	}
	return "";
}

static const char *kind_name(int kind)
{
	static const char *const names[] = { "?",    "connect", "sendmsg", "fork", "exec",
					     "exit", "open",	"mmap",	   "bpf",  "ptrace",
					     "kill", "mount",	"userns",  "socket", "cgroup",
					     "link", "observed", "bind", "packet" };

	return kind > 0 && kind <= SX_EV_PACKET ? names[kind] : "?";
}

/* Why the egress check dropped a packet (bpf/sock.bpf.h). */
static const char *packet_reason(int why)
{
	switch (why) {
	case SX_PKT_IP_OPTIONS:
		return "IPv4 options (source routing) on a packet of the run";
	case SX_PKT_ROUTING:
		return "an IPv6 routing header on a packet of the run";
	case SX_PKT_HEADERS:
		return "IPv6 extension headers that cannot be checked";
	case SX_PKT_NOT_JUDGED:
		return "not the destination its socket was judged on";
	}
	return "dropped on its way out";
}

static const char *layer_name(int layer)
{
	return events_layer_name(layer) ?: "cgroup-bpf";
}

/* The target of a decision of the BPF LSM layer other than connect, sendmsg and exec. */
static void put_lsm_target(FILE *f, const struct sx_event *e)
{
	size_t n = e->data_len < SX_EVENT_DATA ? e->data_len : SX_EVENT_DATA;
	char data[SX_EVENT_DATA + 1];
	unsigned int pid;

	memcpy(data, e->data, n);
	data[n] = 0;
	fputs(",\"target\":", f);
	if (e->kind == SX_EV_OPEN || e->kind == SX_EV_MMAP || e->kind == SX_EV_LINK) {
		json_str(f, data);
	} else if (e->kind == SX_EV_KILL || e->kind == SX_EV_PTRACE) {
		memcpy(&pid, e->addr, sizeof(pid));
		fprintf(f, "\"pid %u (", pid);
		json_str_body(f, data);
		fputs(")\"", f);
	} else if (e->kind == SX_EV_SOCKET) {
		fprintf(f, "\"family %u type %u protocol %u\"", e->family, e->sock_type, e->port);
	} else if (e->kind == SX_EV_CGROUP) {
		fputs(e->port ? "\"clone3(CLONE_INTO_CGROUP)\"" : "\"cgroup.procs\"", f);
	} else {
		fprintf(f, "\"%s\"", e->kind == SX_EV_BPF ? "bpf()" : e->kind == SX_EV_USERNS ?
			"user namespace" : e->port ? "move_mount()" : "mount()");
	}
	if (e->kind == SX_EV_OPEN)
		fprintf(f, ",\"access\":\"%s%s%s\"", e->port & SX_ACCESS_READ ? "r" : "",
			e->port & SX_ACCESS_WRITE ? "w" : "", e->port & SX_ACCESS_EXEC ? "x" : "");
	if (e->kind == SX_EV_KILL)
		fprintf(f, ",\"signal\":%u", e->port);
	if (e->kind == SX_EV_LINK)
		fprintf(f, ",\"op\":\"%s\"", e->port ? "rename" : "link");
}

static void put_target_net(FILE *f, const struct sx_event *e)
{
	char a[INET6_ADDRSTRLEN + 16], path[SX_UNIX_PATH_MAX + 2];

	if (e->family == AF_UNIX) {
		/* an abstract name starts with NUL; show it as '@' like ss(8) */
		if (e->data[0] == 0) {
			path[0] = '@';
			memcpy(path + 1, e->data + 1, SX_UNIX_PATH_MAX - 1);
			path[SX_UNIX_PATH_MAX] = 0;
		} else {
			memcpy(path, e->data, SX_UNIX_PATH_MAX);
			path[SX_UNIX_PATH_MAX] = 0;
		}
		fputs(",\"target\":", f);
		json_str(f, path);
		return;
	}
	if (e->family == AF_INET)
		inet_ntop(AF_INET, e->addr, a, sizeof(a));
	else
		inet_ntop(AF_INET6, e->addr, a + 1, sizeof(a) - 1), a[0] = '[', strcat(a, "]");
	fprintf(f, ",\"target\":\"%s:%u\",\"protocol\":\"%s\"", a, e->port,
		e->sock_type == SOCK_DGRAM ? "udp" : "tcp");
}

/* "host": the name an address was learnt from (docs/dns.md), when it was. */
static void put_host(struct events *ev, FILE *f, const struct sx_event *e)
{
	struct dns_name_hit hit;
	int rule = e->section == SX_SEC_NETWORK && e->rule_id < ev->p->nnet_rules ? e->rule_id : -1;

	if (!ev->names || (e->family != AF_INET && e->family != AF_INET6) ||
	    !dns_names_find(ev->names, e->family, e->addr, rule, e->ts_boot_ns, &hit))
		return;
	fputs(",\"host\":", f);
	json_str(f, hit.name);
	if (!hit.live)
		fputs(",\"host_expired\":true", f);
}

/* data = exe path NUL argv0 NUL argv1 ... (truncated by the kernel at 512 bytes) */
static void put_exec(FILE *f, const struct sx_event *e)
{
	size_t len = e->data_len < SX_EVENT_DATA ? e->data_len : SX_EVENT_DATA;
	char buf[SX_EVENT_DATA + 1], joined[SX_EVENT_DATA + 1] = "";
	const char *args[SX_EVENT_DATA / 2 + 1];
	size_t nargs = 0, j = 0;

	memcpy(buf, e->data, len);
	buf[len] = 0;
	for (size_t i = strnlen(buf, len) + 1; i < len; i += strlen(buf + i) + 1)
		args[nargs++] = buf + i;
	for (size_t i = 0; i < nargs; i++)
		j += snprintf(joined + j, sizeof(joined) - j, "%s%s", i ? " " : "", args[i]);
	fputs(",\"path\":", f);
	json_str(f, buf);
	fputs(",\"target\":", f);
	json_str(f, joined);
	fputs(",\"argv\":[", f);
	for (size_t i = 0; i < nargs; i++) {
		fputs(i ? "," : "", f);
		json_str(f, args[i]);
	}
	fputc(']', f);
}

/* What the decision was about, then verdict, rule and layer. */
static void put_decision(struct events *ev, struct rec *r, const struct sx_event *e)
{
	FILE *f = r->f;

	bool net = e->kind == SX_EV_CONNECT || e->kind == SX_EV_SENDMSG || e->kind == SX_EV_BIND;

	if (net || e->kind == SX_EV_PACKET)
		put_target_net(f, e);
	else if (e->kind == SX_EV_EXEC)
		put_exec(f, e);
	else
		put_lsm_target(f, e);
	if (net)
		put_host(ev, f, e);
	fprintf(f, ",\"verdict\":\"%s\",\"enforced\":%s", verdict_name(e->verdict),
		e->enforced ? "true" : "false");
	events_put_rule(ev, f, net ? SX_SEC_NETWORK : e->section, e->rule_id);
	if (e->kind == SX_EV_EXEC && exec_reason(e)[0])
		fprintf(f, ",\"reason\":\"%s\"", exec_reason(e));
	if (e->kind == SX_EV_PACKET)
		fprintf(f, ",\"reason\":\"%s\"", packet_reason(e->exit_code));
	fprintf(f, ",\"layer\":\"%s\"", layer_name(e->layer));
	rec_decision(r, layer_name(e->layer), verdict_name(e->verdict), 1);
}

/* Process events: fork, an exec that was let through, exit. */
static void put_process(FILE *f, const struct sx_event *e)
{
	if (e->kind == SX_EV_EXEC) {
		put_exec(f, e);
	} else if (e->kind == SX_EV_EXIT) {
		/* task->exit_code holds a wait(2) status */
		if (e->exit_code & 0x7f)
			fprintf(f, ",\"signal\":%d", e->exit_code & 0x7f);
		else
			fprintf(f, ",\"exit_code\":%d", (e->exit_code >> 8) & 0xff);
	}
	fputs(",\"layer\":\"trace\"", f);
}

int events_on_kernel(struct events *ev, const struct sx_event *rec, size_t size)
{
	struct sx_obs_event whole = { 0 }; /* records shorter than their struct end in zeros */
	const struct sx_event *e = &whole.e;
	char comm[sizeof(e->comm) + 1];
	struct rec r;

	if (size < offsetof(struct sx_event, data))
		return 0; /* not ours: every record starts with an sx_event */
	memcpy(&whole, rec, size < sizeof(whole) ? size : sizeof(whole));
	if (e->kind == SX_EV_FORK) {
		ev->pids[e->pid % PID_SLOTS].pid = e->pid;
		ev->pids[e->pid % PID_SLOTS].ppid = e->ppid;
	}
	if (ev->learn)
		events_learn(ev, &whole);
	if (e->kind == SX_EV_OBSERVED && e->verdict == SX_V_ALLOW)
		return 0; /* run --learn's successful calls: for the learnt policy only */
	if (e->kind == SX_EV_OBSERVED) {
		events_on_observed(ev, &whole);
		return 0;
	}
	if (rec_open(&r) < 0)
		return 0;
	memcpy(comm, e->comm, sizeof(e->comm));
	comm[sizeof(e->comm)] = 0;
	put_head(ev, r.f, e->ts_boot_ns + ev->boot_to_real, e->pid,
		 e->ppid ? (int)e->ppid : events_ppid(ev, e->pid), e->uid, comm);
	r.frag = ftell(r.f);
	if (e->verdict == SX_V_DENY || e->verdict == SX_V_REVIEW)
		r.cache_ts = e->ts_boot_ns;
	fprintf(r.f, ",\"kind\":\"%s\"", kind_name(e->kind));
	if (e->verdict == SX_V_NONE)
		put_process(r.f, e);
	else
		put_decision(ev, &r, e);
	rec_commit(ev, &r);
	return 0;
}
