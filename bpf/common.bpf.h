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

/*
 * A global function (not static, never inlined): the verifier checks it
 * once per program, on its own, with its arguments unknown, where a static
 * one is checked again on every path that reaches each of its call sites.
 * The event machinery below is made of them (docs/perf.md: "Verification
 * cost"). What every kernel we support (6.1 and later) requires of one: at
 * most five arguments, each a scalar or a pointer to memory of a known size
 * that the function checks for NULL, and a scalar result. __weak: the BPF
 * LSM object, linked from several files that each include this header,
 * keeps one copy, as for the maps.
 */
#define SX_GLOBAL __attribute__((noinline)) __weak

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

/*
 * Decisions without an event of their own, by what they were (abi.h:
 * struct sx_quiet_key). Entries are allocated when first counted: a run
 * sees a few dozen kinds, and preallocating 4096 per-CPU entries was the
 * dearest map of a run's start.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct sx_quiet_key);
	__type(value, __u64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
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

/*
 * Fills the header of a record and clears its data: nothing of an earlier
 * record stays, so identical denials hash alike. Returns 0, or -1 for NULL.
 */
SX_GLOBAL int sx_record_fill(struct sx_obs_event *o, __u32 kind, __u32 verdict, __u32 layer)
{
	if (!o)
		return -1;
	sx_event_fill(&o->e, kind, verdict, layer);
	__builtin_memset(o->e.data, 0, sizeof(o->e.data));
	return 0;
}

/* This CPU's record (sx_scratch) as it is; NULL only if the map is broken. */
static __always_inline struct sx_event *sx_record(void)
{
	__u32 zero = 0;
	struct sx_obs_event *o = bpf_map_lookup_elem(&sx_scratch, &zero);

	return o ? &o->e : NULL;
}

/*
 * A record of this CPU's scratch with its header filled; NULL only if the
 * map is broken. Every record handed to sx_submit() is the header of an
 * sx_obs_event (this scratch, or the observer's), which sx_submit_obs() reads.
 */
static __always_inline struct sx_event *sx_record_new(__u8 kind, __u8 verdict, __u8 layer)
{
	__u32 zero = 0;
	struct sx_obs_event *o = bpf_map_lookup_elem(&sx_scratch, &zero);

	if (!o)
		return NULL;
	sx_record_fill(o, kind, verdict, layer);
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
 * or full, it is counted for its rule and returns 1: the caller keeps it
 * as the rule's latest (sx_keep_latest()), as 6.1 takes a map's value only
 * from a map value or the stack, never from a global function's argument.
 * size is the record's (struct sx_event, or sx_obs_event for the observer).
 */
SX_GLOBAL int sx_deny_submit_obs(struct sx_obs_event *o, __u64 size)
{
	struct sx_event *e;
	struct sx_agg_key k;
	struct sx_agg_value *a, v;
	__u64 now = bpf_ktime_get_ns();

	if (!o)
		return 0;
	e = &o->e;
	if (size > sizeof(*o))
		size = sizeof(*o);
	k = (struct sx_agg_key){ .tgid = e->pid, .kind = e->kind, .layer = e->layer,
				 .section = e->section, .verdict = e->verdict,
				 .rule_id = e->rule_id, .port = e->port, .family = e->family,
				 .sock_type = e->sock_type };
	__builtin_memcpy(k.addr, e->addr, sizeof(k.addr));
	k.data_hash = sx_data_hash(e);
	a = bpf_map_lookup_elem(&sx_agg, &k);
	if (a && now - a->last_ns < SX_AGG_NS) {
		__sync_fetch_and_add(&a->quiet, 1);
		return 0;
	}
	if (bpf_ringbuf_query(&sx_denials, BPF_RB_AVAIL_DATA) < SX_DENY_RINGBUF_SIZE / 2 &&
	    !bpf_ringbuf_output(&sx_denials, o, size, 0)) {
		if (a) {
			a->last_ns = now;
			a->record_ts = e->ts_boot_ns;
		} else {
			v = (struct sx_agg_value){ .last_ns = now, .record_ts = e->ts_boot_ns };
			bpf_map_update_elem(&sx_agg, &k, &v, BPF_NOEXIST); /* full: not aggregated */
		}
		return 0;
	}
	/* not written one by one: counted for its rule first, then kept as its latest */
	sx_count(SX_STAT_UNRECORDED);
	sx_quiet_add(e->layer, e->kind, e->section, e->verdict, e->rule_id);
	return 1;
}

/* Keeps a record (e: the header of an sx_obs_event in a map) as its rule's latest. */
static __always_inline void sx_keep_latest(struct sx_event *e)
{
	struct sx_quiet_key q = { .layer = e->layer, .kind = e->kind, .section = e->section,
				  .verdict = e->verdict, .rule_id = e->rule_id };

	bpf_map_update_elem(&sx_latest, &q, e, BPF_ANY);
}

/* e: the header of an sx_obs_event (see sx_record_new()). */
static __always_inline void sx_deny_submit(struct sx_event *e, __u64 size)
{
	if (sx_deny_submit_obs((struct sx_obs_event *)e, size))
		sx_keep_latest(e);
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
 * Writes a record of sx_record_new(): a denial as above (returns 1 for one
 * the caller keeps as its rule's latest), an allow or a process event to
 * sx_events (an allow with no room is counted in sx_quiet, a process event
 * in SX_STAT_LOST).
 */
SX_GLOBAL int sx_submit_obs(struct sx_obs_event *o)
{
	struct sx_event *e;
	__u64 n;

	if (!o)
		return 0;
	e = &o->e;
	n = e->data_len;
	if (n > SX_EVENT_DATA)
		n = SX_EVENT_DATA;
	/* for verifiers that lose the bound above (6.1): the record's scratch is larger */
	asm volatile("" : "+r"(n));
	n &= 2 * SX_EVENT_DATA - 1;
	if (e->verdict == SX_V_DENY || e->verdict == SX_V_REVIEW) {
		/* only what the record holds: a connect's is its header alone */
		return sx_deny_submit_obs(o, offsetof(struct sx_event, data) + n);
	}
	if (!bpf_ringbuf_output(&sx_events, e, sizeof(*e), sx_wake()))
		return 0;
	if (e->verdict == SX_V_ALLOW)
		sx_quiet_add(e->layer, e->kind, e->section, e->verdict, e->rule_id);
	else
		sx_count(SX_STAT_LOST);
	return 0;
}

static __always_inline void sx_submit(struct sx_event *e)
{
	if (sx_submit_obs((struct sx_obs_event *)e))
		sx_keep_latest(e);
}

#define SX_DECIDED_ALLOW 1	/* sx_decide(): the program's answer */
#define SX_DECIDED_RECORD 2	/* sx_decide(): this CPU's record holds the decision */
#define SX_DECIDED_COUNT (1 << 16) /* in sx_decide()'s where: count the decision */

/*
 * Counts a decision and prepares its record, unless nothing is to be logged
 * (a repeated allow, or no record). Allowed is the program's answer: review
 * is enforced as deny until a jury can approve it (fail closed); audit mode
 * allows everything and only logs. The first allow of a process per
 * (section, rule) is logged, later ones only counted. where: layer, section
 * << 8, and SX_DECIDED_COUNT unless another layer of the run counts the
 * decision too (then it is logged without counting); per-rule hits are kept
 * for the network section. Returns SX_DECIDED_* bits.
 */
SX_GLOBAL int sx_decide(__u32 verdict, __u32 rule_id, __u32 kind, __u32 where)
{
	__u8 layer = where, section = where >> 8;
	int count = !!(where & SX_DECIDED_COUNT), audit = audit_mode(), r;
	__u16 rule = rule_id;
	__u32 slot = rule < SX_RULE_SLOTS ? rule : SX_RULE_SLOTS - 1;
	struct sx_event *e;
	__u64 *hits;

	r = verdict == SX_V_ALLOW || audit ? SX_DECIDED_ALLOW : 0;
	sx_count_decision(layer, verdict);
	if (count && section == SX_SEC_NETWORK) {
		hits = bpf_map_lookup_elem(&sx_rule_hits, &slot);
		if (hits)
			*hits += 1;
	}
	if (verdict == SX_V_ALLOW) {
		struct sx_seen_key k = { .tgid = bpf_get_current_pid_tgid() >> 32,
					 .rule_id = rule, .section = section };
		__u8 one = 1;

		if (count)
			sx_count(SX_STAT_ALLOW);
		if (bpf_map_lookup_elem(&sx_seen, &k)) {
			sx_quiet_add(layer, kind, section, SX_V_ALLOW, rule);
			return r;
		}
		bpf_map_update_elem(&sx_seen, &k, &one, BPF_ANY);
	} else if (count) {
		sx_count(SX_STAT_DENY);
	}
	if (layer == SX_LAYER_BPF_LSM && section == SX_SEC_FILES && verdict != SX_V_ALLOW &&
	    !audit) {
		__u32 tid = (__u32)bpf_get_current_pid_tgid();
		__u64 now = bpf_ktime_get_ns();

		bpf_map_update_elem(&sx_lsm_marks, &tid, &now, BPF_ANY);
	}
	e = sx_decision_new(kind, verdict, layer, section, rule);
	if (!e)
		return r;
	e->enforced = !audit;
	return r | SX_DECIDED_RECORD;
}

/*
 * sx_decide() for a decision d: its record (this CPU's, to fill and hand
 * to sx_submit()) or NULL when nothing is to be logged; *allow is the
 * program's answer. count = 0 logs without counting.
 */
static __always_inline struct sx_event *sx_decided_in(struct decision d, __u8 kind, __u8 layer,
						      __u8 section, int count, int *allow)
{
	int r = sx_decide(d.verdict, d.rule_id, kind,
			  layer | (__u32)section << 8 | (count ? SX_DECIDED_COUNT : 0));

	*allow = r & SX_DECIDED_ALLOW;
	return r & SX_DECIDED_RECORD ? sx_record() : NULL;
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
