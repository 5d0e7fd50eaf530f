// SPDX-License-Identifier: GPL-2.0-only
/*
 * Turns kernel events into JSON lines. The ring buffer is read by the
 * supervisor; each record is formatted and written at once, so a denial is
 * on disk (flushed per batch) before the supervisor sleeps again. Records
 * lost in the kernel (full buffer) are counted there and reported in the
 * summary; decisions are enforced whether or not their event is written.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "events/events.h"
#include "net/net.h"
#include "sevorix/abi.h"

#define PID_SLOTS 4096

struct events {
	FILE *out;
	bool own;
	char run[64];
	const struct policy *p;
	struct ring_buffer *rb;
	struct netlayer *nl;
	long long boot_to_real; /* CLOCK_REALTIME - CLOCK_BOOTTIME, ns */
	struct {
		int pid, ppid;
	} pids[PID_SLOTS];	/* ppid of processes seen forking */
};

static long long now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int events_open(const char *path, const char *run, const struct policy *p, struct events **ret)
{
	struct events *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return -ENOMEM;
	if (!strcmp(path, "-")) {
		ev->out = stderr;
	} else {
		int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);

		ev->out = fd >= 0 ? fdopen(fd, "a") : NULL;
		if (!ev->out) {
			int r = -errno;

			if (fd >= 0)
				close(fd);
			free(ev);
			return r;
		}
		ev->own = true;
	}
	snprintf(ev->run, sizeof(ev->run), "%s", run);
	ev->p = p;
	ev->boot_to_real = now_ns(CLOCK_REALTIME) - now_ns(CLOCK_BOOTTIME);
	*ret = ev;
	return 0;
}

static int ppid_of(struct events *ev, int pid)
{
	char path[64], buf[512], *c;
	int ppid = 0, fd, n;

	if (ev->pids[pid % PID_SLOTS].pid == pid)
		return ev->pids[pid % PID_SLOTS].ppid;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	c = strrchr(buf, ')'); /* comm may hold anything, even ") " */
	if (c)
		sscanf(c + 1, " %*c %d", &ppid);
	return ppid;
}

static void put_rule(struct events *ev, unsigned int id, int section)
{
	const struct policy *p = ev->p;
	const struct policy_loc *loc = NULL;

	if (section == SX_SEC_NETWORK && id < p->nnet_rules)
		loc = &p->net_rules[id].loc;
	else if (section == SX_SEC_EXEC && id < p->nexec_rules)
		loc = &p->exec_rules[id].loc;
	else if (section == SX_SEC_FILES && id < p->nfile_rules)
		loc = &p->file_rules[id].loc;
	if (loc)
		fprintf(ev->out, ",\"rule\":\"%s:%u\"", p->file, loc->line);
	else if (section == SX_SEC_HARDENING)
		fputs(",\"rule\":\"hardening\"", ev->out);
	else
		fputs(",\"rule\":\"default\"", ev->out);
}

static const char *exec_reason(int why)
{
	switch (why) {
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
					     "link" };

	return kind > 0 && kind <= SX_EV_LINK ? names[kind] : "?";
}

static const char *layer_name(int layer)
{
	return layer == SX_LAYER_BPF_LSM ? "bpf-lsm" : layer == SX_LAYER_EXEC_CHECK ? "exec-check"
						     : "cgroup-bpf";
}

static const char *verdict_name(int v);

/* Decisions of the BPF LSM layer other than connect, sendmsg and exec. */
static void put_lsm(struct events *ev, FILE *f, const struct sx_event *e)
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
	fprintf(f, ",\"verdict\":\"%s\",\"enforced\":%s", verdict_name(e->verdict),
		e->enforced ? "true" : "false");
	put_rule(ev, e->rule_id, e->section);
	fputs(",\"layer\":\"bpf-lsm\"", f);
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

static const char *verdict_name(int v)
{
	return v == SX_V_ALLOW ? "allow" : v == SX_V_REVIEW ? "review" : "deny";
}

/* Where an observed relative path led, seen from the process (best effort). */
static void observed_path(const struct sx_event *e, char *out, size_t len)
{
	char path[SX_OBS_PATH + 1], base[64], dir[4096];
	ssize_t n;

	memcpy(path, e->data, SX_OBS_PATH);
	path[SX_OBS_PATH] = 0;
	if (path[0] == '/') {
		snprintf(out, len, "%s", path);
		return;
	}
	if ((__s16)e->rule_id == -100 /* AT_FDCWD */)
		snprintf(base, sizeof(base), "/proc/%u/cwd", e->tid);
	else
		snprintf(base, sizeof(base), "/proc/%u/fd/%d", e->tid, (__s16)e->rule_id);
	n = readlink(base, dir, sizeof(dir) - 1);
	if (n < 0) {
		snprintf(out, len, "%s", path);
		return;
	}
	dir[n] = 0;
	snprintf(out, len, "%s/%s", dir, path);
}

/*
 * Prints an observed denial when the policy itself denies the path: then
 * it is ours (Landlock says EACCES), and the rule is named. Other failures
 * (file permissions) and the hold's own refusals (already logged) are not.
 */
static bool put_observed(struct events *ev, FILE *f, const struct sx_event *e)
{
	static const char *const acc[] = { "read", "write", "read-write", "read" };
	bool exec = e->port == 59 || e->port == 322; /* execve, execveat */
	unsigned int access = exec ? SX_ACCESS_EXEC
				   : (e->family == 0 ? SX_ACCESS_READ
				      : e->family == 1 ? SX_ACCESS_WRITE
						       : SX_ACCESS_READ | SX_ACCESS_WRITE);
	const struct file_rule *fr = NULL;
	char path[4096 + SX_OBS_PATH + 2];

	if (!ev->p->files.present || (exec && e->exit_code == -1))
		return false;
	observed_path(e, path, sizeof(path));
	if (policy_decide_file(ev->p, path, access, &fr) == SX_ALLOW)
		return false;
	fprintf(f, ",\"kind\":\"%s\",\"target\":", exec ? "exec" : "open");
	json_str(f, path);
	fprintf(f, ",\"access\":\"%s\",\"verdict\":\"deny\",\"enforced\":true",
		exec ? "exec" : acc[e->family & 3]);
	if (fr)
		fprintf(f, ",\"rule\":\"%s:%u\"", ev->p->file, fr->loc.line);
	else
		fputs(",\"rule\":\"default\"", f);
	fprintf(f, ",\"layer\":\"%s\",\"observed\":true,\"errno\":\"%s\"",
		e->exit_code == -13 ? "landlock" : "seccomp",
		e->exit_code == -13 ? "EACCES" : "EPERM");
	return true;
}

static void remember_fork(struct events *ev, const struct sx_event *e)
{
	ev->pids[e->pid % PID_SLOTS].pid = e->pid;
	ev->pids[e->pid % PID_SLOTS].ppid = e->ppid;
}

static void put_head(struct events *ev, const struct sx_event *e, const char *comm)
{
	FILE *f = ev->out;

	fputs("{\"ts\":", f);
	json_time(f, e->ts_boot_ns + ev->boot_to_real);
	fprintf(f, ",\"run\":\"%s\",\"pid\":%u,\"ppid\":%d,\"uid\":%u,\"comm\":", ev->run,
		e->pid, e->ppid ? (int)e->ppid : ppid_of(ev, e->pid), e->uid);
	json_str(f, comm);
}

/* Observed denials are judged first and written whole, or not at all. */
static int on_observed(struct events *ev, const struct sx_event *e, const char *comm)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	FILE *out = ev->out;
	bool keep;

	if (!mem)
		return 0;
	ev->out = mem;
	put_head(ev, e, comm);
	keep = put_observed(ev, mem, e);
	fputs("}\n", mem);
	ev->out = out;
	fclose(mem);
	if (keep) {
		flockfile(out);
		fwrite(buf, 1, len, out);
		funlockfile(out);
	}
	free(buf);
	return 0;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct events *ev = ctx;
	const struct sx_event *e = data;
	char comm[sizeof(e->comm) + 1];
	FILE *f = ev->out;

	if (size < sizeof(*e))
		return 0; /* not ours: the ABI has one record type */
	if (e->kind == SX_EV_FORK)
		remember_fork(ev, e);
	memcpy(comm, e->comm, sizeof(e->comm));
	comm[sizeof(e->comm)] = 0;
	if (e->kind == SX_EV_OPEN && e->layer != SX_LAYER_BPF_LSM)
		return on_observed(ev, e, comm);
	flockfile(f); /* the hold writes from another thread */
	put_head(ev, e, comm);
	fprintf(f, ",\"kind\":\"%s\"", kind_name(e->kind));
	if (e->kind == SX_EV_CONNECT || e->kind == SX_EV_SENDMSG) {
		put_target_net(f, e);
		fprintf(f, ",\"verdict\":\"%s\",\"enforced\":%s", verdict_name(e->verdict),
			e->enforced ? "true" : "false");
		put_rule(ev, e->rule_id, SX_SEC_NETWORK);
		fprintf(f, ",\"layer\":\"%s\"", layer_name(e->layer));
	} else if (e->kind == SX_EV_EXEC && e->verdict == SX_V_DENY) {
		put_exec(f, e);
		fprintf(f, ",\"verdict\":\"deny\",\"enforced\":%s", e->enforced ? "true" : "false");
		put_rule(ev, e->rule_id, e->section);
		fprintf(f, ",\"reason\":\"%s\",\"layer\":\"%s\"",
			e->layer == SX_LAYER_BPF_LSM && e->port == SX_EXEC_NOT_APPROVED
				? "not the file that was approved; execve failed"
				: exec_reason(e->port),
			layer_name(e->layer));
	} else if (e->kind == SX_EV_EXEC) {
		put_exec(f, e);
		fputs(",\"layer\":\"trace\"", f);
	} else if (e->kind == SX_EV_EXIT) {
		/* task->exit_code holds a wait(2) status */
		if (e->exit_code & 0x7f)
			fprintf(f, ",\"signal\":%d", e->exit_code & 0x7f);
		else
			fprintf(f, ",\"exit_code\":%d", (e->exit_code >> 8) & 0xff);
		fputs(",\"layer\":\"trace\"", f);
	} else if (e->layer == SX_LAYER_BPF_LSM) {
		put_lsm(ev, f, e);
	} else {
		fputs(",\"layer\":\"trace\"", f);
	}
	fputs("}\n", f);
	funlockfile(f);
	return 0;
}

int events_attach_fd(struct events *ev, int ringbuf_fd)
{
	ev->rb = ring_buffer__new(ringbuf_fd, on_event, ev, NULL);
	return ev->rb ? 0 : -errno;
}

int events_attach(struct events *ev, struct netlayer *nl)
{
	int r = events_attach_fd(ev, netlayer_events_fd(nl));

	if (!r)
		ev->nl = nl;
	return r;
}

void events_set_policy(struct events *ev, const struct policy *p)
{
	__atomic_store_n(&ev->p, p, __ATOMIC_SEQ_CST);
}

int events_fd(const struct events *ev)
{
	return ev->rb ? ring_buffer__epoll_fd(ev->rb) : -1;
}

int events_drain(struct events *ev)
{
	int n = ev->rb ? ring_buffer__consume(ev->rb) : 0;

	fflush(ev->out);
	return n;
}

void events_start(struct events *ev, const char *layers, char *const argv[], int pid)
{
	FILE *f = ev->out;

	fputs("{\"ts\":", f);
	json_time(f, now_ns(CLOCK_REALTIME));
	fprintf(f, ",\"run\":\"%s\",\"pid\":%d,\"kind\":\"start\",\"policy\":", ev->run, pid);
	json_str(f, ev->p->file);
	fprintf(f, ",\"mode\":\"%s\",\"layers\":[%s],\"argv\":[",
		ev->p->mode == SX_MODE_AUDIT ? "audit" : "enforce", layers);
	for (int i = 0; argv[i]; i++) {
		fputs(i ? "," : "", f);
		json_str(f, argv[i]);
	}
	fputs("]}\n", f);
	fflush(f);
}

/* The closing record: totals, per-rule hits (allows after the first are only counted here). */
void events_summary(struct events *ev, int status)
{
	FILE *f = ev->out;
	bool first = true;

	events_drain(ev);
	fputs("{\"ts\":", f);
	json_time(f, now_ns(CLOCK_REALTIME));
	fprintf(f, ",\"run\":\"%s\",\"kind\":\"summary\",\"exit_status\":%d", ev->run, status);
	if (ev->nl) {
		fprintf(f, ",\"allowed\":%llu,\"denied\":%llu,\"lost_events\":%llu,\"rules\":{",
			netlayer_stat(ev->nl, SX_STAT_ALLOW), netlayer_stat(ev->nl, SX_STAT_DENY),
			netlayer_stat(ev->nl, SX_STAT_LOST));
		for (unsigned int i = 0; i <= ev->p->nnet_rules && i < SX_RULE_SLOTS; i++) {
			unsigned int slot = i < ev->p->nnet_rules ? i : SX_RULE_SLOTS - 1;
			unsigned long long n = netlayer_rule_hits(ev->nl, slot);

			if (!n)
				continue;
			if (i < ev->p->nnet_rules)
				fprintf(f, "%s\"%s:%u\":%llu", first ? "" : ",", ev->p->file,
					ev->p->net_rules[i].loc.line, n);
			else
				fprintf(f, "%s\"default\":%llu", first ? "" : ",", n);
			first = false;
		}
		fputc('}', f);
	}
	fputs("}\n", f);
	fflush(f);
}

void events_close(struct events *ev)
{
	if (!ev)
		return;
	ring_buffer__free(ev->rb);
	if (ev->own)
		fclose(ev->out);
	free(ev);
}

/* pid (tgid), ppid, uid and comm of a live thread, from /proc. */
static void proc_identity(int tid, int *tgid, int *ppid, int *uid, char comm[17])
{
	char path[64], line[256];
	FILE *f;
	ssize_t n;
	int fd;

	*tgid = tid, *ppid = 0, *uid = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		sscanf(line, "Tgid: %d", tgid);
		sscanf(line, "PPid: %d", ppid);
		sscanf(line, "Uid: %d", uid);
	}
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/comm", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, comm, 16) : 0;
	if (fd >= 0)
		close(fd);
	comm[n > 0 ? n : 0] = 0;
	comm[strcspn(comm, "\n")] = 0;
}

/* The common fields of an event the supervisor writes about a live thread. */
static void put_live_head(struct events *ev, int tid)
{
	int tgid, ppid, uid;
	char comm[17];

	proc_identity(tid, &tgid, &ppid, &uid, comm);
	fputs("{\"ts\":", ev->out);
	json_time(ev->out, now_ns(CLOCK_REALTIME));
	fprintf(ev->out, ",\"run\":\"%s\",\"pid\":%d,\"ppid\":%d,\"uid\":%d,\"comm\":",
		ev->run, tgid, ppid, uid);
	json_str(ev->out, comm);
}

void events_hold_exec(struct events *ev, int tid, const char *path, char *const argv[],
		      enum sx_action verdict, unsigned int rule_line, const char *reason)
{
	FILE *f = ev->out;

	flockfile(f);
	put_live_head(ev, tid);
	fputs(",\"kind\":\"exec\",\"path\":", f);
	json_str(f, path);
	fputs(",\"target\":\"", f);
	for (int i = 0; argv[i]; i++) {
		if (i)
			fputc(' ', f);
		json_str_body(f, argv[i]);
	}
	fputs("\",\"argv\":[", f);
	for (int i = 0; argv[i]; i++) {
		fputs(i ? "," : "", f);
		json_str(f, argv[i]);
	}
	fprintf(f, "],\"verdict\":\"%s\",\"enforced\":%s", sx_action_name(verdict),
		ev->p->mode == SX_MODE_AUDIT ? "false" : "true");
	if (rule_line)
		fprintf(f, ",\"rule\":\"%s:%u\"", ev->p->file, rule_line);
	else
		fputs(",\"rule\":\"default\"", f);
	fputs(",\"reason\":", f);
	json_str(f, reason);
	fputs(",\"layer\":\"seccomp\"}\n", f);
	fflush(f);
	funlockfile(f);
}

/* The jury's answer as one JSON line of our own making (never its raw bytes). */
static void put_answer(FILE *f, const char *answer)
{
	json_object *o = answer ? json_tokener_parse(answer) : NULL;

	if (o && json_object_is_type(o, json_type_object)) {
		fputs(",\"review\":", f);
		fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), f);
	}
	json_object_put(o);
}

void events_review(struct events *ev, int tid, const char *kind, const char *target,
		   char *const argv[], bool allowed, unsigned int rule_line, const char *answer,
		   const char *error, long held_us)
{
	FILE *f = ev->out;

	flockfile(f);
	put_live_head(ev, tid);
	fprintf(f, ",\"kind\":\"%s\",\"target\":", kind);
	json_str(f, target);
	for (int i = 0; argv && argv[i]; i++) {
		fputs(i ? "," : ",\"argv\":[", f);
		json_str(f, argv[i]);
	}
	if (argv && argv[0])
		fputc(']', f);
	fprintf(f, ",\"verdict\":\"%s\",\"enforced\":true", allowed ? "allow" : "deny");
	if (rule_line)
		fprintf(f, ",\"rule\":\"%s:%u\"", ev->p->file, rule_line);
	else
		fputs(",\"rule\":\"default\"", f);
	fprintf(f, ",\"layer\":\"jury\",\"held_us\":%ld", held_us);
	put_answer(f, answer);
	if (error) {
		fputs(",\"error\":", f);
		json_str(f, error);
	}
	fputs("}\n", f);
	fflush(f);
	funlockfile(f);
}
