// SPDX-License-Identifier: GPL-2.0-only
/*
 * The event log of a run: one JSON object per line (schema in sevorix(1)).
 * Decision and process events come from the kernel's ring buffers
 * (kernel.c, observed.c); start, summary and the hold's and the jury's
 * decisions are written by the supervisor (supervisor.c). The ring buffer
 * is read by the supervisor; each record is formatted and written at once,
 * so a denial is on disk (flushed per batch) before the supervisor sleeps
 * again. Decisions are enforced whether or not their event is written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "events/internal.h"
#include "net/net.h"

static long long now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int events_open(const char *dest, const char *run, const struct policy *p, struct events **ret)
{
	struct events *ev = calloc(1, sizeof(*ev));
	int r = -ENOMEM;

	if (ev) {
		ev->quiet = calloc(QUIET_SLOTS, sizeof(*ev->quiet));
		ev->repeats = calloc(REPEAT_SLOTS, sizeof(*ev->repeats));
	}
	if (ev && ev->quiet && ev->repeats)
		r = events_sink_open(dest, &ev->sink);
	if (r < 0) {
		if (ev) {
			free(ev->quiet);
			free(ev->repeats);
		}
		free(ev);
		return r;
	}
	snprintf(ev->run, sizeof(ev->run), "%s", run);
	ev->p = p;
	ev->maps = (struct events_maps){ -1, -1, -1, -1, -1, -1, -1 };
	ev->boot_to_real = now_ns(CLOCK_REALTIME) - now_ns(CLOCK_BOOTTIME);
	ev->started = time(NULL);
	pthread_mutex_init(&ev->lock, NULL);
	*ret = ev;
	return 0;
}

int rec_open(struct rec *r)
{
	memset(r, 0, sizeof(*r));
	r->f = open_memstream(&r->buf, &r->len);
	return r->f ? 0 : -ENOMEM;
}

void rec_decision(struct rec *r, const char *layer, const char *verdict, unsigned long long n)
{
	r->layer = layer;
	r->verdict = verdict;
	r->count = n;
}

void rec_drop(struct rec *r)
{
	if (r->f)
		fclose(r->f);
	free(r->buf);
	r->f = NULL;
	r->buf = NULL;
}

static void tally_add(struct events *ev, const char *layer, const char *verdict,
		      unsigned long long n)
{
	for (int i = 0; i < TALLY_MAX; i++) {
		struct tally *t = &ev->tally[i];

		if (!t->layer[0]) {
			snprintf(t->layer, sizeof(t->layer), "%s", layer);
			snprintf(t->verdict, sizeof(t->verdict), "%s", verdict);
		}
		if (!strcmp(t->layer, layer) && !strcmp(t->verdict, verdict)) {
			t->n += n;
			return;
		}
	}
}

void rec_commit(struct events *ev, struct rec *r)
{
	if (r->cache_ts && fflush(r->f) == 0 && r->len >= (size_t)r->frag)
		events_remember(ev, r->cache_ts, r->buf + r->frag, r->len - r->frag, r->layer,
				r->verdict);
	if (r->layer)
		fprintf(r->f, ",\"count\":%llu", r->count);
	fputs("}\n", r->f);
	if (fflush(r->f) == 0) {
		pthread_mutex_lock(&ev->lock);
		if (r->layer)
			tally_add(ev, r->layer, r->verdict, r->count);
		events_sink_write(ev->sink, r->buf, r->len);
		pthread_mutex_unlock(&ev->lock);
	}
	rec_drop(r);
}

int events_ppid(struct events *ev, int pid)
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
	/* remembered: a flood of one process's denials reads /proc once */
	ev->pids[pid % PID_SLOTS].pid = pid;
	ev->pids[pid % PID_SLOTS].ppid = ppid;
	return ppid;
}

void put_head(struct events *ev, FILE *f, unsigned long long realtime_ns, int pid, int ppid,
	      int uid, const char *comm)
{
	fputs("{\"ts\":", f);
	json_time(f, realtime_ns);
	fprintf(f, ",\"run\":\"%s\",\"pid\":%d,\"ppid\":%d,\"uid\":%d,\"comm\":", ev->run, pid,
		ppid, uid);
	json_str(f, comm);
}

void put_loc(FILE *f, const struct policy_loc *loc)
{
	if (loc)
		fprintf(f, ",\"rule\":\"%s:%u\"", loc->file, loc->line);
	else
		fputs(",\"rule\":\"default\"", f);
}

const char *verdict_name(int v)
{
	return v == SX_V_ALLOW ? "allow" : v == SX_V_REVIEW ? "review" : "deny";
}

static int on_ring(void *ctx, void *data, size_t size)
{
	return events_on_kernel(ctx, data, size);
}

int events_attach_maps(struct events *ev, const struct events_maps *m)
{
	ev->rb = ring_buffer__new(m->events, on_ring, ev, NULL);
	if (!ev->rb)
		return -errno;
	if (m->denials >= 0 && ring_buffer__add(ev->rb, m->denials, on_ring, ev) < 0) {
		int r = -errno;

		ring_buffer__free(ev->rb);
		ev->rb = NULL;
		return r;
	}
	ev->maps = *m;
	return 0;
}

int events_attach_fd(struct events *ev, int ringbuf_fd)
{
	struct events_maps m = { ringbuf_fd, -1, -1, -1, -1, -1, -1 };

	return events_attach_maps(ev, &m);
}

int events_attach(struct events *ev, struct netlayer *nl)
{
	struct events_maps m = {
		.events = netlayer_map_fd(nl, "sx_events"),
		.stats = netlayer_map_fd(nl, "sx_stats"),
		.rule_hits = netlayer_map_fd(nl, "sx_rule_hits"),
		.quiet = netlayer_map_fd(nl, "sx_quiet"),
		.denials = netlayer_map_fd(nl, "sx_denials"),
		.agg = netlayer_map_fd(nl, "sx_agg"),
		.latest = netlayer_map_fd(nl, "sx_latest"),
	};

	return events_attach_maps(ev, &m);
}

void events_set_names(struct events *ev, struct dns_names *t)
{
	ev->names = t;
}

void events_set_policy(struct events *ev, const struct policy *p)
{
	__atomic_store_n(&ev->p, p, __ATOMIC_SEQ_CST);
}

int events_set_world(struct events *ev, const char *const *hidden)
{
	size_t n = 0;

	while (hidden && hidden[n])
		n++;
	ev->hidden = calloc(n + 1, sizeof(*ev->hidden));
	if (!ev->hidden)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(ev->hidden[i] = strdup(hidden[i])))
			return -ENOMEM; /* freed by events_close() */
	ev->world = true;
	return 0;
}

void events_set_filtered(struct events *ev, unsigned int relaxed)
{
	ev->filtered = true;
	ev->relaxed = relaxed;
}

int events_fd(const struct events *ev)
{
	return ev->rb ? ring_buffer__epoll_fd(ev->rb) : -1;
}

void events_flush(struct events *ev)
{
	pthread_mutex_lock(&ev->lock);
	events_sink_flush(ev->sink);
	pthread_mutex_unlock(&ev->lock);
}

int events_drain(struct events *ev)
{
	int n = ev->rb ? ring_buffer__consume(ev->rb) : 0;

	events_sweep(ev, false);
	events_flush(ev);
	return n;
}

void events_start(struct events *ev, const char *layers, char *const argv[], int pid)
{
	struct rec r;

	snprintf(ev->layers, sizeof(ev->layers), "%s", layers);
	if (rec_open(&r) < 0)
		return;
	fputs("{\"ts\":", r.f);
	json_time(r.f, now_ns(CLOCK_REALTIME));
	fprintf(r.f, ",\"run\":\"%s\",\"pid\":%d,\"kind\":\"start\",\"policy\":", ev->run, pid);
	json_str(r.f, ev->p->file);
	fprintf(r.f, ",\"mode\":\"%s\",\"layers\":[%s],\"argv\":[",
		ev->p->mode == SX_MODE_AUDIT ? "audit" : "enforce", layers);
	for (int i = 0; argv[i]; i++) {
		fputs(i ? "," : "", r.f);
		json_str(r.f, argv[i]);
	}
	/* the built-ins as this run resolved them: `sevorix explain` loads the same policy */
	fputs("],\"vars\":{", r.f);
	for (int i = 0, n = 0; i < POLICY_NBUILTIN; i++) {
		if (!ev->p->builtin[i].value)
			continue;
		fprintf(r.f, "%s\"%s\":", n++ ? "," : "", ev->p->builtin[i].name);
		json_str(r.f, ev->p->builtin[i].value);
	}
	fputc('}', r.f);
	rec_commit(ev, &r);
	events_drain(ev);
}

/* The sum over CPUs of one per-CPU counter of map fd. */
static unsigned long long percpu_sum(int fd, __u32 key)
{
	int ncpu = libbpf_num_possible_cpus();
	unsigned long long sum = 0;
	__u64 *vals;

	if (ncpu <= 0 || fd < 0)
		return 0;
	vals = calloc(ncpu, sizeof(*vals));
	if (vals && bpf_map_lookup_elem(fd, &key, vals) == 0)
		for (int i = 0; i < ncpu; i++)
			sum += vals[i];
	free(vals);
	return sum;
}

unsigned long long events_stat(const struct events *ev, unsigned int stat)
{
	return percpu_sum(ev->maps.stats, stat);
}

/* Decisions per network rule, as the kernel counted them. */
static void put_rule_hits(struct events *ev, FILE *f)
{
	const struct policy *p = ev->p;
	bool first = true;

	fputs(",\"rules\":{", f);
	for (unsigned int i = 0; i <= p->nnet_rules && i < SX_RULE_SLOTS; i++) {
		unsigned int slot = i < p->nnet_rules ? i : SX_RULE_SLOTS - 1;
		unsigned long long n = percpu_sum(ev->maps.rule_hits, slot);

		if (!n)
			continue;
		if (i < p->nnet_rules)
			fprintf(f, "%s\"%s:%u\":%llu", first ? "" : ",",
				p->net_rules[i].loc.file, p->net_rules[i].loc.line, n);
		else
			fprintf(f, "%s\"default\":%llu", first ? "" : ",", n);
		first = false;
	}
	fputc('}', f);
}

/* The closing record: every decision written, by layer and verdict, and the losses. */
void events_summary(struct events *ev, int status)
{
	struct rec r;

	events_drain(ev);
	events_sweep(ev, true);
	if (rec_open(&r) < 0)
		return;
	fputs("{\"ts\":", r.f);
	json_time(r.f, now_ns(CLOCK_REALTIME));
	fprintf(r.f, ",\"run\":\"%s\",\"kind\":\"summary\",\"exit_status\":%d", ev->run, status);
	pthread_mutex_lock(&ev->lock);
	events_put_decisions(ev, r.f);
	pthread_mutex_unlock(&ev->lock);
	if (ev->maps.stats >= 0)
		fprintf(r.f, ",\"lost_events\":%llu", events_stat(ev, SX_STAT_LOST));
	if (ev->maps.rule_hits >= 0)
		put_rule_hits(ev, r.f);
	rec_commit(ev, &r);
	events_drain(ev);
}

void events_close(struct events *ev)
{
	if (!ev)
		return;
	ring_buffer__free(ev->rb);
	events_sink_close(ev->sink);
	pthread_mutex_destroy(&ev->lock);
	events_forget_all(ev);
	free(ev->repeats);
	free(ev->quiet);
	for (size_t i = 0; ev->hidden && ev->hidden[i]; i++)
		free(ev->hidden[i]);
	free(ev->hidden);
	free(ev);
}
