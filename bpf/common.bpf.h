/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the BPF programs of one run: the event ring buffer,
 * counters, and the run configuration. Every program of a run is loaded
 * from its own skeleton, so these maps are per run, never machine-wide.
 *
 * The maps of this and the other shared headers (net, exec, unix) are
 * __weak: an object built from several files, each of which includes
 * them (the BPF LSM layer, bpf/lsm/), gets one copy of each from the
 * linker. In an object of one file that changes nothing.
 */
#ifndef SEVORIX_COMMON_BPF_H
#define SEVORIX_COMMON_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SX_RINGBUF_SIZE);
} sx_events SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SX_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} sx_stats SEC(".maps") __weak;

static __always_inline void sx_count(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&sx_stats, &stat);

	if (v)
		*v += 1;
}

/* Fills the common header of an event of the current task. */
static __always_inline void sx_event_fill(struct sx_event *e, __u8 kind, __u8 verdict, __u8 layer)
{
	__u64 id = bpf_get_current_pid_tgid();

	e->ts_boot_ns = bpf_ktime_get_boot_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->ppid = 0;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->kind = kind;
	e->verdict = verdict;
	e->layer = layer;
	e->enforced = 1;
	e->rule_id = SX_RULE_DEFAULT;
	e->port = 0;
	e->family = 0;
	e->sock_type = 0;
	e->data_len = 0;
	e->section = SX_SEC_NETWORK;
	e->approved = 0;
	e->pad[0] = e->pad[1] = 0;
	e->exit_code = 0;
	__builtin_memset(e->addr, 0, sizeof(e->addr));
	bpf_get_current_comm(e->comm, sizeof(e->comm));
}

/* Reserves an event and fills the common header; counts a loss on failure. */
static __always_inline struct sx_event *sx_event_new(__u8 kind, __u8 verdict, __u8 layer)
{
	struct sx_event *e = bpf_ringbuf_reserve(&sx_events, sizeof(*e), 0);

	if (!e) {
		sx_count(SX_STAT_LOST);
		return NULL;
	}
	sx_event_fill(e, kind, verdict, layer);
	return e;
}

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sx_config);
} sx_config SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct sx_seen_key);
	__type(value, __u8);
} sx_seen SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SX_RULE_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} sx_rule_hits SEC(".maps") __weak;

struct decision {
	__u8 verdict;
	__u16 rule_id;
};

static __always_inline int audit_mode(void)
{
	__u32 zero = 0;
	struct sx_config *c = bpf_map_lookup_elem(&sx_config, &zero);

	return c && c->audit;
}

/*
 * run --learn: each allowed destination is logged (to the allowed events'
 * ring), not only the first of a process per rule. Asked only of an allow
 * sx_decided() did not log, so a run without --learn pays nothing new there.
 */
static __always_inline int learning(void)
{
	__u32 zero = 0;
	struct sx_config *c = bpf_map_lookup_elem(&sx_config, &zero);

	return c && c->learn;
}

/*
 * A file denial of the BPF LSM layer, by thread: the observer of system
 * call exits (observe.bpf.c) then leaves the failed call to the event the
 * LSM layer wrote, instead of reporting it a second time. A mark older
 * than SX_LSM_MARK_NS belongs to a call that ended otherwise and is ignored.
 */
#define SX_LSM_MARK_NS 50000000ULL

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} sx_lsm_marks SEC(".maps") __weak;

/* Decisions without an event of their own, by what they were (abi.h: struct sx_quiet_key). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct sx_quiet_key);
	__type(value, __u64);
} sx_quiet SEC(".maps") __weak;

static __always_inline void sx_quiet_add(__u8 layer, __u8 kind, __u8 section, __u8 verdict,
					 __u16 rule_id)
{
	struct sx_quiet_key k = { .layer = layer, .kind = kind, .section = section,
				  .verdict = verdict, .rule_id = rule_id };
	__u64 *n = bpf_map_lookup_elem(&sx_quiet, &k), one = 1;

	if (n) {
		*n += 1;
		return;
	}
	/* another CPU may have made the entry meanwhile: then count into it */
	if (!bpf_map_update_elem(&sx_quiet, &k, &one, BPF_NOEXIST))
		return;
	n = bpf_map_lookup_elem(&sx_quiet, &k);
	if (n)
		*n += 1;
	else
		sx_count(SX_STAT_QUIET_LOST);
}

/* Counts one decision of layer, whatever happens to its event. */
static __always_inline void sx_count_decision(__u8 layer, __u8 verdict)
{
	sx_count(SX_STAT_DECIDED + (layer & 7) * 4 + (verdict & 3));
}

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SX_DENY_RINGBUF_SIZE);
} sx_denials SEC(".maps") __weak;

/* Identical denials counted, not written (abi.h: struct sx_agg_key). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct sx_agg_key);
	__type(value, struct sx_agg_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sx_agg SEC(".maps") __weak;

/* The latest denial of each rule that was not written one by one. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct sx_quiet_key);
	__type(value, struct sx_obs_event);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} sx_latest SEC(".maps") __weak;

/* Where a decision's record is composed before it is written. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sx_obs_event);
} sx_scratch SEC(".maps") __weak;

/* A record of this CPU's scratch with its header filled; NULL only if the map is broken. */
static __always_inline struct sx_event *sx_record_new(__u8 kind, __u8 verdict, __u8 layer)
{
	__u32 zero = 0;
	struct sx_obs_event *o = bpf_map_lookup_elem(&sx_scratch, &zero);

	if (!o)
		return NULL;
	sx_event_fill(&o->e, kind, verdict, layer);
	/* nothing of an earlier record: identical denials must hash alike */
	__builtin_memset(o->e.data, 0, sizeof(o->e.data));
	return &o->e;
}

/* The record of a decision, to fill and hand to sx_submit(). */
static __always_inline struct sx_event *sx_decision_new(__u8 kind, __u8 verdict, __u8 layer,
							__u8 section, __u16 rule_id)
{
	struct sx_event *e = sx_record_new(kind, verdict, layer);

	if (!e) {
		sx_quiet_add(layer, kind, section, verdict, rule_id);
		return NULL;
	}
	e->rule_id = rule_id;
	e->section = section;
	return e;
}

/* FNV-1a over the first 256 bytes of data, 8 at a time. */
static __always_inline __u64 sx_data_hash(const struct sx_event *e)
{
	const __u64 *w = (const __u64 *)e->data;
	__u64 h = 0xcbf29ce484222325ULL;

	for (int i = 0; i < 32; i++)
		h = (h ^ w[i]) * 0x100000001b3ULL;
	return h;
}

/*
 * Writes a denial (abi.h explains the bounds): identical to one written
 * less than SX_AGG_NS ago, it is only counted; with sx_denials half full
 * or full, it is counted for its rule and kept as the rule's latest.
 * size is the record's (struct sx_event, or sx_obs_event for the observer).
 */
static __always_inline void sx_deny_submit(struct sx_event *e, __u64 size)
{
	struct sx_agg_key k = { .tgid = e->pid, .kind = e->kind, .layer = e->layer,
				.section = e->section, .verdict = e->verdict,
				.rule_id = e->rule_id, .port = e->port, .family = e->family,
				.sock_type = e->sock_type };
	struct sx_quiet_key q = { .layer = e->layer, .kind = e->kind, .section = e->section,
				  .verdict = e->verdict, .rule_id = e->rule_id };
	struct sx_agg_value *a, v;
	__u64 now = bpf_ktime_get_ns();

	__builtin_memcpy(k.addr, e->addr, sizeof(k.addr));
	k.data_hash = sx_data_hash(e);
	a = bpf_map_lookup_elem(&sx_agg, &k);
	if (a && now - a->last_ns < SX_AGG_NS) {
		__sync_fetch_and_add(&a->quiet, 1);
		return;
	}
	if (bpf_ringbuf_query(&sx_denials, BPF_RB_AVAIL_DATA) < SX_DENY_RINGBUF_SIZE / 2 &&
	    !bpf_ringbuf_output(&sx_denials, e, size, 0)) {
		if (a) {
			a->last_ns = now;
			a->record_ts = e->ts_boot_ns;
		} else {
			v = (struct sx_agg_value){ .last_ns = now, .record_ts = e->ts_boot_ns };
			bpf_map_update_elem(&sx_agg, &k, &v, BPF_NOEXIST); /* full: not aggregated */
		}
		return;
	}
	/* not written one by one: counted for its rule first, then kept as its latest */
	sx_count(SX_STAT_UNRECORDED);
	sx_quiet_add(e->layer, e->kind, e->section, e->verdict, e->rule_id);
	bpf_map_update_elem(&sx_latest, &q, e, BPF_ANY);
}

/*
 * How a record of sx_events wakes its reader. Each wake-up of the
 * supervisor costs the agent's fork, exec and exit a context switch on a
 * small machine, so a record waits while the ring is less than a quarter
 * full: the reader takes it with the next denial, signal or its
 * one-second poll (the log's times are the kernel's). When learning, the
 * reader looks at each exec's process while it lives: at once, as before.
 */
static __always_inline __u64 sx_wake(void)
{
	if (learning())
		return 0;
	return bpf_ringbuf_query(&sx_events, BPF_RB_AVAIL_DATA) < SX_RINGBUF_SIZE / 4 ?
		       BPF_RB_NO_WAKEUP : BPF_RB_FORCE_WAKEUP;
}

/*
 * Writes a record of sx_record_new(): a denial as above, an allow or a
 * process event to sx_events (an allow with no room is counted in sx_quiet,
 * a process event in SX_STAT_LOST).
 */
static __always_inline void sx_submit(struct sx_event *e)
{
	__u64 n = e->data_len;

	if (n > SX_EVENT_DATA)
		n = SX_EVENT_DATA;
	/* for verifiers that lose the bound above (6.1): the record's scratch is larger */
	asm volatile("" : "+r"(n));
	n &= 2 * SX_EVENT_DATA - 1;
	if (e->verdict == SX_V_DENY || e->verdict == SX_V_REVIEW) {
		/* only what the record holds: a connect's is its header alone */
		sx_deny_submit(e, offsetof(struct sx_event, data) + n);
		return;
	}
	if (!bpf_ringbuf_output(&sx_events, e, sizeof(*e), sx_wake()))
		return;
	if (e->verdict == SX_V_ALLOW)
		sx_quiet_add(e->layer, e->kind, e->section, e->verdict, e->rule_id);
	else
		sx_count(SX_STAT_LOST);
}

/*
 * Counts a decision and reserves its event, or returns NULL when nothing is
 * to be logged (a repeated allow, or a full ring buffer). *allow is the
 * program's answer: review is enforced as deny until a jury can approve it
 * (fail closed); audit mode allows everything and only logs. The first
 * allow of a process per (section, rule) is logged, later ones only
 * counted. count = 0 logs without counting (a decision another layer of
 * the run counts too); per-rule hits are kept for the network section.
 */
static __always_inline struct sx_event *sx_decided_in(struct decision d, __u8 kind, __u8 layer,
						      __u8 section, int count, int *allow)
{
	__u32 slot = d.rule_id < SX_RULE_SLOTS ? d.rule_id : SX_RULE_SLOTS - 1;
	int audit = audit_mode();
	struct sx_event *e;
	__u64 *hits;

	*allow = d.verdict == SX_V_ALLOW || audit;
	sx_count_decision(layer, d.verdict);
	if (count && section == SX_SEC_NETWORK) {
		hits = bpf_map_lookup_elem(&sx_rule_hits, &slot);
		if (hits)
			*hits += 1;
	}
	if (d.verdict == SX_V_ALLOW) {
		struct sx_seen_key k = { .tgid = bpf_get_current_pid_tgid() >> 32,
					 .rule_id = d.rule_id, .section = section };
		__u8 one = 1;

		if (count)
			sx_count(SX_STAT_ALLOW);
		if (bpf_map_lookup_elem(&sx_seen, &k)) {
			sx_quiet_add(layer, kind, section, SX_V_ALLOW, d.rule_id);
			return NULL;
		}
		bpf_map_update_elem(&sx_seen, &k, &one, BPF_ANY);
	} else if (count) {
		sx_count(SX_STAT_DENY);
	}
	if (layer == SX_LAYER_BPF_LSM && section == SX_SEC_FILES && d.verdict != SX_V_ALLOW &&
	    !audit) {
		__u32 tid = (__u32)bpf_get_current_pid_tgid();
		__u64 now = bpf_ktime_get_ns();

		bpf_map_update_elem(&sx_lsm_marks, &tid, &now, BPF_ANY);
	}
	e = sx_decision_new(kind, d.verdict, layer, section, d.rule_id);
	if (e)
		e->enforced = !audit;
	return e;
}

static __always_inline struct sx_event *sx_decided(struct decision d, __u8 kind, int *allow)
{
	return sx_decided_in(d, kind, SX_LAYER_CGROUP_BPF, SX_SEC_NETWORK, 1, allow);
}

/* The run's cgroup: index 0 of a cgroup array, filled by user space. */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} sx_cgroup SEC(".maps") __weak;

static __always_inline int in_run(void)
{
	return bpf_current_task_under_cgroup(&sx_cgroup, 0) == 1;
}

#endif
