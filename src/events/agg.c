// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decisions the kernel counted without an event of their own (abi.h:
 * struct sx_quiet_key) become events with a count: once a second while
 * the run lives, and a last time before its summary. The kernel only ever
 * adds to its per-CPU counts, and what was written is remembered here by
 * key, so each sweep writes exactly what was added since the last one; a
 * count read while a CPU adds to it is only short, and the next sweep
 * writes the rest. A denial counted there (no room for its record) comes
 * with the latest of its rule (of its system call, for a denial seen at
 * syscall exit, whose rule only its lost paths could name), which the
 * kernel kept whole (sx_latest):
 * that one is written as an event of its own, the others as one event
 * with "lost_records", at once when the kernel's count of them moves.
 *
 * Identical denials the kernel only counted (sx_agg) are written as one
 * "repeated" event when their identity has been quiet for two seconds,
 * said as the record they repeat said it (remembered by its kernel time,
 * repeat.c, for as long as sx_agg names it).
 *
 * Before the summary the kernel's own count of every decision, by layer
 * and verdict, is compared with the tally of what was written. What the
 * kernel decided and no event carries (a count that did not fit in
 * sx_quiet) is written as one "unrecorded" event per layer and verdict,
 * so the summary and the events agree whatever was lost on the way.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "events/internal.h"
#include "observe/observe.h"

static const char *const kinds[] = {
	[SX_EV_CONNECT] = "connect", [SX_EV_SENDMSG] = "sendmsg", [SX_EV_EXEC] = "exec",
	[SX_EV_OPEN] = "open",	     [SX_EV_MMAP] = "mmap",	  [SX_EV_BPF] = "bpf",
	[SX_EV_PTRACE] = "ptrace",   [SX_EV_KILL] = "kill",	  [SX_EV_MOUNT] = "mount",
	[SX_EV_USERNS] = "userns",   [SX_EV_SOCKET] = "socket",	  [SX_EV_CGROUP] = "cgroup",
	[SX_EV_LINK] = "link",	     [SX_EV_BIND] = "bind",	  [SX_EV_PACKET] = "packet",
};

const char *events_layer_name(int layer)
{
	switch (layer) {
	case SX_LAYER_CGROUP_BPF:
		return "cgroup-bpf";
	case SX_LAYER_EXEC_CHECK:
		return "exec-check";
	case SX_LAYER_BPF_LSM:
		return "bpf-lsm";
	case SX_LAYER_OBSERVED:
		/* calls that failed while records could not be kept: whose refusal is unknown */
		return "observed";
	}
	return NULL;
}

/* The slot of key in the table of what was written (open addressing). */
static struct quiet_written *slot_of(struct events *ev, const struct sx_quiet_key *k)
{
	unsigned int h = (k->layer * 31u + k->kind) * 31u + k->section;

	h = (h * 31u + k->verdict) * 65599u + k->rule_id;
	for (unsigned int i = 0; i < QUIET_SLOTS; i++) {
		struct quiet_written *q = &ev->quiet[(h + i) % QUIET_SLOTS];

		if (!q->used || !memcmp(&q->k, k, sizeof(*k)))
			return q;
	}
	return NULL;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static const char *kind_of(unsigned int kind)
{
	if (kind == SX_EV_OBSERVED)
		return "observed";
	return kind < sizeof(kinds) / sizeof(kinds[0]) && kinds[kind] ? kinds[kind] : "?";
}

/* The decisions of one key since the last sweep, as one event. */
static void write_quiet(struct events *ev, const struct sx_quiet_key *k, unsigned long long n)
{
	const struct policy *p = ev->p;
	const char *layer = events_layer_name(k->layer);
	struct rec r;

	if (!layer || rec_open(&r) < 0)
		return;
	fputs("{\"ts\":", r.f);
	json_time(r.f, now_ns());
	fprintf(r.f, ",\"run\":\"%s\",\"kind\":\"%s\",\"verdict\":\"%s\",\"enforced\":%s",
		ev->run, kind_of(k->kind), verdict_name(k->verdict),
		p->mode == SX_MODE_AUDIT ? "false" : "true");
	if (k->layer == SX_LAYER_OBSERVED) /* their paths are lost: the call, not the rule */
		fprintf(r.f, ",\"rule\":\"unknown\",\"syscall\":\"%s\"",
			observe_syscall_name(k->rule_id) ?: "?");
	else
		events_put_rule(ev, r.f, k->section, k->rule_id);
	fprintf(r.f, ",\"layer\":\"%s\",\"aggregated\":true", layer);
	/* denials are never sampled: these are records the kernel could not keep */
	if (k->verdict != SX_V_ALLOW)
		fprintf(r.f, ",\"lost_records\":%llu", n);
	rec_decision(&r, layer, verdict_name(k->verdict), n);
	rec_commit(ev, &r);
}

/*
 * The rule's latest denial that was not written one by one, written whole
 * when it is new; 1 when one was (it is among the counts of its key).
 */
static int write_latest(struct events *ev, struct quiet_written *q)
{
	struct sx_obs_event rec;

	if (ev->maps.latest < 0 || bpf_map_lookup_elem(ev->maps.latest, &q->k, &rec) < 0 ||
	    rec.e.ts_boot_ns == q->latest_ts)
		return 0;
	q->latest_ts = rec.e.ts_boot_ns;
	events_on_kernel(ev, &rec.e, sizeof(rec));
	return 1;
}

static void sweep_quiet(struct events *ev)
{
	int ncpu = libbpf_num_possible_cpus(), fd = ev->maps.quiet;
	struct sx_quiet_key k, next, *prev = NULL;
	__u64 *vals;

	if (fd < 0 || ncpu <= 0 || !(vals = calloc(ncpu, sizeof(*vals))))
		return;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		struct quiet_written *q;
		unsigned long long sum = 0;

		int whole;

		k = next;
		prev = &k;
		if (!(q = slot_of(ev, &k)))
			continue;
		if (!q->used) {
			q->used = true;
			q->k = k;
		}
		/* the latest first: the kernel counts a denial before it keeps it */
		whole = write_latest(ev, q);
		if (bpf_map_lookup_elem(fd, &k, vals) < 0)
			continue;
		for (int i = 0; i < ncpu; i++)
			sum += vals[i];
		if (sum > q->written + whole)
			write_quiet(ev, &k, sum - q->written - whole);
		if (sum >= q->written + whole)
			q->written = sum;
		else
			q->written += whole;
	}
	free(vals);
}

/*
 * n more denials identical to the record the kernel wrote at record_ts (or
 * at seen, the one the sweep saw first: a record written since may not be
 * read yet, and it says the same): said as that record said it, or, when
 * it is not known, from what the key holds (the destination of a connect;
 * the rule; the system call of a refusal seen at its exit).
 */
static void write_repeat(struct events *ev, const struct sx_agg_key *k,
			 const struct sx_agg_value *v, unsigned long long seen)
{
	const struct repeat *rep = events_recall(ev, v->record_ts) ?: events_recall(ev, seen);
	const char *layer = rep ? rep->layer : events_layer_name(k->layer);
	char a[64];
	struct rec r;

	if ((rep && !rep->frag) || !layer || rec_open(&r) < 0)
		return; /* not ours: the file system refused it, and these */
	fputs("{\"ts\":", r.f);
	json_time(r.f, now_ns());
	fprintf(r.f, ",\"run\":\"%s\",\"pid\":%u", ev->run, k->tgid);
	if (rep) {
		fputs(rep->frag, r.f);
	} else {
		fprintf(r.f, ",\"kind\":\"%s\"", kind_of(k->kind));
		if ((k->kind == SX_EV_CONNECT || k->kind == SX_EV_SENDMSG || k->kind == SX_EV_BIND ||
		     k->kind == SX_EV_PACKET) &&
		    (k->family == AF_INET || k->family == AF_INET6) &&
		    inet_ntop(k->family, k->addr, a, sizeof(a)))
			fprintf(r.f, k->family == AF_INET ? ",\"target\":\"%s:%u\""
							: ",\"target\":\"[%s]:%u\"", a, k->port);
		fprintf(r.f, ",\"verdict\":\"%s\"", verdict_name(k->verdict));
		if (k->layer == SX_LAYER_OBSERVED) /* its record, and with it its path, is lost */
			fprintf(r.f, ",\"rule\":\"unknown\",\"syscall\":\"%s\",\"lost_records\":%llu",
				observe_syscall_name(k->rule_id) ?: "?", v->quiet);
		else
			events_put_rule(ev, r.f, k->section, k->rule_id);
		fprintf(r.f, ",\"layer\":\"%s\"", layer);
	}
	fputs(",\"repeated\":true", r.f);
	rec_decision(&r, layer, rep ? rep->verdict : verdict_name(k->verdict), v->quiet);
	rec_commit(ev, &r);
}

/*
 * True when v's identity had no record for ns. Now is read after v: a
 * record the kernel wrote after an earlier reading of the clock is not
 * "a very long time ago" (the difference, unsigned, would wrap), which
 * swept a process's repeats in the middle of its flood, before the
 * record they repeat was read.
 */
static bool quiet_for(const struct sx_agg_value *v, unsigned long long ns)
{
	struct timespec mono;
	unsigned long long now;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	now = mono.tv_sec * 1000000000ULL + mono.tv_nsec;
	return now > v->last_ns && now - v->last_ns >= ns;
}

/*
 * Identical denials the kernel only counted, written once their identity
 * has been quiet for two windows (then no CPU adds to it: a new one would
 * be written as a record), or all of them at the end.
 */
static void sweep_agg(struct events *ev, bool last)
{
	struct sx_agg_key *keys = NULL, *prev = NULL, *grown;
	size_t n = 0, cap = 0;
	struct sx_agg_value v;
	unsigned long long seen;
	int fd = ev->maps.agg;

	/* the keys first: deleting while walking would restart the walk from the
	 * first bucket each time (quadratic in the map's size) */
	while (fd >= 0) {
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			grown = realloc(keys, cap * sizeof(*keys));
			if (!grown)
				break;
			keys = grown;
		}
		if (bpf_map_get_next_key(fd, prev, &keys[n]) < 0)
			break;
		prev = &keys[n++];
	}
	ev->repeat_gen++;
	for (size_t i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(fd, &keys[i], &v) < 0)
			continue;
		seen = v.record_ts;
		events_repeat_pin(ev, seen);
		if (!last && !quiet_for(&v, 2 * SX_AGG_NS))
			continue;
		if (bpf_map_lookup_and_delete_elem(fd, &keys[i], &v) < 0)
			continue;
		if (v.quiet)
			write_repeat(ev, &keys[i], &v, seen);
		events_forget(ev, v.record_ts);
		events_forget(ev, seen);
	}
	events_forget_stale(ev);
	free(keys);
}

/* The kernel's count of the decisions of one layer and verdict. */
static unsigned long long decided(const struct events *ev, int layer, int verdict)
{
	return events_stat(ev, SX_STAT_DECIDED + layer * 4 + verdict);
}

/* What the kernel decided and no event carries, per layer and verdict. */
static void reconcile(struct events *ev)
{
	static const int layers[] = { SX_LAYER_CGROUP_BPF, SX_LAYER_EXEC_CHECK, SX_LAYER_BPF_LSM };

	for (size_t i = 0; i < sizeof(layers) / sizeof(layers[0]); i++)
		for (int v = SX_V_ALLOW; v <= SX_V_DENY; v++) {
			const char *layer = events_layer_name(layers[i]);
			unsigned long long k = decided(ev, layers[i], v), t;
			struct rec r;

			pthread_mutex_lock(&ev->lock);
			t = events_tallied(ev, layer, verdict_name(v));
			pthread_mutex_unlock(&ev->lock);
			if (k <= t || rec_open(&r) < 0)
				continue;
			fputs("{\"ts\":", r.f);
			json_time(r.f, now_ns());
			fprintf(r.f, ",\"run\":\"%s\",\"kind\":\"unrecorded\",\"verdict\":\"%s\","
				"\"rule\":\"unknown\",\"layer\":\"%s\",\"lost_records\":%llu",
				ev->run, verdict_name(v), layer, k - t);
			rec_decision(&r, layer, verdict_name(v), k - t);
			rec_commit(ev, &r);
		}
}

void events_sweep(struct events *ev, bool last)
{
	time_t now = time(NULL);
	unsigned long long unrecorded = events_stat(ev, SX_STAT_UNRECORDED);

	/* denials went unrecorded since the last look: say which rule lost how many now */
	if (!last && unrecorded != ev->unrecorded) {
		ev->unrecorded = unrecorded;
		sweep_quiet(ev);
	}
	if (!last && now == ev->swept)
		return;
	ev->swept = now;
	sweep_agg(ev, last);
	sweep_quiet(ev);
	if (last)
		reconcile(ev);
}
