// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decisions the kernel counted without an event of their own (abi.h:
 * struct sx_quiet_key) become events with a count: once a second while
 * the run lives, and a last time before its summary. The kernel only ever
 * adds to its per-CPU counts, and what was written is remembered here by
 * key, so each sweep writes exactly what was added since the last one; a
 * count read while a CPU adds to it is only short, and the next sweep
 * writes the rest.
 *
 * Before the summary the kernel's own count of every decision, by layer
 * and verdict, is compared with the tally of what was written. What the
 * kernel decided and no event carries (a count that did not fit in
 * sx_quiet) is written as one "unrecorded" event per layer and verdict,
 * so the summary and the events agree whatever was lost on the way.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "events/internal.h"

static const char *const kinds[] = {
	[SX_EV_CONNECT] = "connect", [SX_EV_SENDMSG] = "sendmsg", [SX_EV_EXEC] = "exec",
	[SX_EV_OPEN] = "open",	     [SX_EV_MMAP] = "mmap",	  [SX_EV_BPF] = "bpf",
	[SX_EV_PTRACE] = "ptrace",   [SX_EV_KILL] = "kill",	  [SX_EV_MOUNT] = "mount",
	[SX_EV_USERNS] = "userns",   [SX_EV_SOCKET] = "socket",	  [SX_EV_CGROUP] = "cgroup",
	[SX_EV_LINK] = "link",
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

/* The decisions of one key since the last sweep, as one event. */
static void write_quiet(struct events *ev, const struct sx_quiet_key *k, unsigned long long n)
{
	const struct policy *p = ev->p;
	const struct policy_loc *loc = NULL;
	const char *layer = events_layer_name(k->layer);
	struct rec r;

	if (!layer || rec_open(&r) < 0)
		return;
	if (k->section == SX_SEC_NETWORK && k->rule_id < p->nnet_rules)
		loc = &p->net_rules[k->rule_id].loc;
	else if (k->section == SX_SEC_FILES && k->rule_id < p->nfile_rules)
		loc = &p->file_rules[k->rule_id].loc;
	else if (k->section == SX_SEC_EXEC && k->rule_id < p->nexec_rules)
		loc = &p->exec_rules[k->rule_id].loc;
	fputs("{\"ts\":", r.f);
	json_time(r.f, now_ns());
	fprintf(r.f, ",\"run\":\"%s\",\"kind\":\"%s\",\"verdict\":\"%s\",\"enforced\":%s",
		ev->run, k->kind < sizeof(kinds) / sizeof(kinds[0]) && kinds[k->kind]
				 ? kinds[k->kind] : "?",
		verdict_name(k->verdict), p->mode == SX_MODE_AUDIT ? "false" : "true");
	if (!loc && k->section == SX_SEC_HARDENING)
		fputs(",\"rule\":\"hardening\"", r.f);
	else
		put_loc(ev, r.f, loc);
	fprintf(r.f, ",\"layer\":\"%s\",\"aggregated\":true", layer);
	rec_decision(&r, layer, verdict_name(k->verdict), n);
	rec_commit(ev, &r);
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

		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, vals) < 0 || !(q = slot_of(ev, &k)))
			continue;
		for (int i = 0; i < ncpu; i++)
			sum += vals[i];
		if (!q->used) {
			q->used = true;
			q->k = k;
		}
		if (sum > q->written) {
			write_quiet(ev, &k, sum - q->written);
			q->written = sum;
		}
	}
	free(vals);
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

	if (!last && now == ev->swept)
		return;
	ev->swept = now;
	sweep_quiet(ev);
	if (last)
		reconcile(ev);
}
