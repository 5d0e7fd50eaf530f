// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exec checks and the process tracker of one run (loaded by
 * src/exec/): at sched_process_exec the new image is checked against the
 * exec rules and the hold's one-shot approval (abi.h says how), and fork,
 * exec and exit of every task in the run's cgroup tree are logged.
 * Tracepoint programs are global, so each one first asks
 * bpf_current_task_under_cgroup() about the run's cgroup and returns
 * before anything else -- in particular before any ring-buffer reserve,
 * which would wake the reader -- for every task outside it.
 *
 * They are raw tracepoints, which read the kernel's structures through
 * bpf_probe_read_kernel at CO-RE offsets: unlike tp_btf programs, they need
 * none of the kernel's BTF in user space, so the object is relocated
 * against the small cut of it that util/corebtf.h keeps, not parsed from
 * the whole 5 MB in every run.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sevorix/abi.h"
#include "sevorix/siphash_core.h"
#include "common.bpf.h"
#include "exec.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("raw_tp/sched_process_fork")
int BPF_PROG(sevorix_fork, struct task_struct *parent, struct task_struct *child)
{
	struct sx_event *e;
	pid_t pid, tgid;

	if (!in_run())
		return 0;
	pid = BPF_CORE_READ(child, pid);
	tgid = BPF_CORE_READ(child, tgid);
	if (pid != tgid)
		return 0;
	e = sx_event_new(SX_EV_FORK, SX_V_NONE, SX_LAYER_TRACE);
	if (!e)
		return 0;
	e->ppid = e->pid;
	e->pid = tgid;
	e->tid = pid;
	bpf_ringbuf_submit(e, sx_wake());
	return 0;
}


struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SX_ARGV_RULES);
	__type(key, __u32);
	__type(value, struct sx_argv_rule);
} sx_argv_rules SEC(".maps");


/*
 * Glob matching of every argv rule, one step per bpf_loop iteration: the
 * classic matcher that remembers the last '*' and retries one byte further
 * on a mismatch, then the next rule. At most (text + 1) * (pattern + 1)
 * steps a rule; the loop's bound covers SX_ARGV_RULES such worst cases.
 */
struct glob {
	__u32 rule, n;
	__u32 ti, pi;
	__s32 star, mark;
	int matched;	/* index of the matching rule, or -1 */
};

/*
 * The argv read and the matcher's state, per CPU. The state is kept here,
 * not on the stack: the verifier knows nothing of a map value's contents,
 * so it checks glob_step() for any state once, where the values it would
 * follow on the stack (0, 1, 2, ...) made it check the step again for each.
 */
struct argv_buf {
	char text[SX_ARGV_MAX];
	__u32 len;
	struct glob g;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct argv_buf);
} sx_argv_scratch SEC(".maps");

static __always_inline long glob_next_rule(struct glob *g)
{
	g->rule++;
	g->ti = g->pi = 0;
	g->star = g->mark = -1;
	return g->rule >= g->n; /* 1 ends the loop */
}

static long glob_step(__u32 idx, void *unused)
{
	__u32 zero = 0, rule;
	struct argv_buf *b = bpf_map_lookup_elem(&sx_argv_scratch, &zero);
	struct sx_argv_rule *r;
	struct glob *g;
	char pc = 0, tc;

	if (!b)
		return 1;
	g = &b->g;
	rule = g->rule;
	r = bpf_map_lookup_elem(&sx_argv_rules, &rule);
	if (!r)
		return 1;
	if (g->pi < r->len)
		pc = r->pattern[g->pi & (SX_GLOB_MAX - 1)];
	if (g->ti >= b->len) { /* text used up: only '*'s may remain */
		if (g->pi < r->len && pc == '*') {
			g->pi++;
			return 0;
		}
		if (g->pi >= r->len) {
			g->matched = g->rule;
			return 1;
		}
		return glob_next_rule(g);
	}
	tc = b->text[g->ti & (SX_ARGV_MAX - 1)];
	if (g->pi < r->len && pc == '*') {
		g->star = g->pi++;
		g->mark = g->ti;
	} else if (g->pi < r->len && (pc == '?' || pc == tc)) {
		g->pi++;
		g->ti++;
	} else if (g->star >= 0) {
		g->pi = g->star + 1;
		g->ti = ++g->mark;
	} else {
		return glob_next_rule(g);
	}
	return 0;
}

/* NULs between arguments become spaces; *end follows the last other byte. */
static long argv_step(__u32 i, __u32 *end)
{
	__u32 zero = 0;
	struct argv_buf *b = bpf_map_lookup_elem(&sx_argv_scratch, &zero);
	char *c;

	if (!b)
		return 1;
	c = &b->text[i & (SX_ARGV_MAX - 1)];
	if (*c == 0)
		*c = ' ';
	else if (*c != ' ')
		*end = i + 1;
	return 0;
}

/* Reads the new image's argv into the scratch buffer, joined by spaces. */
static __always_inline struct argv_buf *read_argv(struct task_struct *p)
{
	unsigned long start = BPF_CORE_READ(p, mm, arg_start), end = BPF_CORE_READ(p, mm, arg_end);
	__u32 zero = 0, len = end > start ? end - start : 0, last = 0;
	struct argv_buf *b = bpf_map_lookup_elem(&sx_argv_scratch, &zero);

	if (!b)
		return NULL;
	if (len >= SX_ARGV_MAX)
		len = SX_ARGV_MAX - 1;
	asm volatile("" : "+r"(len)); /* keep the mask below on the register that is used */
	len &= SX_ARGV_MAX - 1;
	if (len == 0 || bpf_probe_read_user(b->text, len, (void *)start))
		len = 0;
	bpf_loop(len, argv_step, &last, 0);
	b->len = last;
	return b;
}

/* The first argv rule that matches (rules are in evaluation order), or -1. */
static __always_inline int match_argv(struct task_struct *p, __u8 n)
{
	struct argv_buf *b;
	long steps;

	if (!n)
		return -1;
	b = read_argv(p);
	if (!b)
		return -1;
	b->g = (struct glob){ .n = n, .star = -1, .mark = -1, .matched = -1 };
	steps = bpf_loop(1 << 23, glob_step, NULL, 0);
	if (steps >= (1 << 23))
		return 0; /* fail closed: a pattern too costly to finish counts as a match */
	return b->g.matched;
}

/*
 * SipHash-2-4 (Aumasson, Bernstein) of the bytes [start, start + len) of
 * the new image's memory, keyed by the approval, as the supervisor
 * computes it (src/util/siphash.c). The bytes are read 4 KiB at a time
 * into a per-CPU buffer, and one bpf_loop step takes one 8-byte word.
 */
#define HASH_CHUNK 4096

struct hash_buf {
	__u64 w[HASH_CHUNK / 8];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hash_buf);
} sx_hash_scratch SEC(".maps");

struct sip {
	struct sx_sip v;	/* the rounds' state (sevorix/siphash_core.h) */
	__u64 start, len;
	int err;
};

/* Word i of the bytes; a new chunk is read at every HASH_CHUNK bytes. */
static long sip_step(__u32 i, struct sip *s)
{
	__u32 zero = 0, wi = i & (HASH_CHUNK / 8 - 1);
	struct hash_buf *b = bpf_map_lookup_elem(&sx_hash_scratch, &zero);
	__u64 off = (__u64)i * 8, left;

	if (!b) {
		s->err = 1;
		return 1;
	}
	if (wi == 0) {
		left = s->len - off;
		if (left >= HASH_CHUNK)
			s->err = bpf_probe_read_user(b->w, HASH_CHUNK, (void *)(s->start + off));
		else
			s->err = bpf_probe_read_user(b->w, left & (HASH_CHUNK - 1),
						     (void *)(s->start + off));
		if (s->err)
			return 1;
	}
	sx_sip_block(&s->v, b->w[wi]);
	return 0;
}

/* The keyed hash of len bytes at start; 0 when they cannot be read (never equal). */
static __always_inline __u64 sip_hash(const __u64 key[2], __u64 start, __u64 len)
{
	struct sip s = { .start = start, .len = len };
	__u64 tail = 0, rem = len & 7;

	sx_sip_init(&s.v, key[0], key[1]);
	bpf_loop(len / 8, sip_step, &s, 0);
	if (s.err || (rem && bpf_probe_read_user(&tail, rem, (void *)(start + len - rem))))
		return 0;
	return sx_sip_final(&s.v, tail | (len << 56));
}

static __always_inline int same_file(const struct sx_exec_file *f, struct inode *ino)
{
	__s64 csec, cnsec;

	inode_ctime(ino, &csec, &cnsec);
	return f->dev == kdev(ino) && f->ino == BPF_CORE_READ(ino, i_ino) &&
	       f->ctime_sec == csec && f->ctime_nsec == cnsec;
}

struct entry_ctx {
	const struct sx_exec_file *want;
	int ok;
};

static long entry_file(struct task_struct *task, struct vm_area_struct *vma, void *ctx)
{
	struct file *f = BPF_CORE_READ(vma, vm_file);
	struct entry_ctx *c = ctx;

	c->ok = f && same_file(c->want, BPF_CORE_READ(f, f_inode));
	return 0;
}

/*
 * True when the first instruction is in the file the approval names as
 * entry. The task is the current one (the exec tracepoint runs in it), taken
 * as a pointer the helpers trust.
 */
static __always_inline int entry_is(const struct sx_exec_file *want)
{
	struct task_struct *p = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(p);
	struct entry_ctx c = { .want = want };

	if (!regs)
		return 0;
	/* fail closed: no mapping there, or the mm lock busy, counts as another file */
	if (bpf_find_vma(p, PT_REGS_IP_CORE(regs), entry_file, &c, 0))
		return 0;
	return c.ok;
}

/*
 * The approval the hold stored for the calling thread must name the image
 * being loaded, and, where it says so, the ELF interpreter that runs first
 * and every byte of argv and the environment. One-shot: consumed either way.
 */
static __always_inline int check_approval(struct task_struct *p, struct inode *ino, __u32 tid)
{
	struct sx_approval *a = bpf_map_lookup_elem(&sx_approved, &tid);
	__u32 last;
	int ok;

	if (!a)
		return SX_EXEC_NOT_APPROVED; /* fail closed: nothing checked this exec */
	last = a->n - 1;
	ok = a->n >= 1 && last < SX_CHAIN_MAX && same_file(&a->file[last], ino);
	if (ok && a->entry.dev)
		ok = entry_is(&a->entry);
	if (ok && a->argv_hash)
		ok = a->argv_hash == sip_hash(a->key, BPF_CORE_READ(p, mm, arg_start),
					      BPF_CORE_READ(p, mm, arg_end) -
						      BPF_CORE_READ(p, mm, arg_start));
	if (ok && a->env_hash)
		ok = a->env_hash == sip_hash(a->key, BPF_CORE_READ(p, mm, env_start),
					     BPF_CORE_READ(p, mm, env_end) -
						     BPF_CORE_READ(p, mm, env_start));
	bpf_map_delete_elem(&sx_approved, &tid);
	return ok ? SX_EXEC_OK : SX_EXEC_NOT_APPROVED;
}

/* Returns enum sx_exec_reason; *rule set for the denials that have one. */
static __always_inline int exec_check(struct task_struct *p, struct linux_binprm *bprm,
				      struct sx_config *c, __u16 *rule, __u32 tid)
{
	struct inode *ino = BPF_CORE_READ(bprm, file, f_inode);
	struct sx_exec_key k = { .dev = kdev(ino), .ino = BPF_CORE_READ(ino, i_ino) };
	struct sx_exec_deny *d = bpf_map_lookup_elem(&sx_exec_deny, &k);
	int m, review = 0;

	if (d && d->action != SX_V_REVIEW) {
		*rule = d->rule_id;
		return SX_EXEC_DENIED_FILE;
	}
	if (d) {
		*rule = d->rule_id;
		review = 1;
	}
	m = match_argv(p, c->n_argv_rules);
	if (m >= 0) {
		__u32 i = m;
		struct sx_argv_rule *r = bpf_map_lookup_elem(&sx_argv_rules, &i);

		*rule = r ? r->rule_id : SX_RULE_DEFAULT;
		if (!r || r->action != SX_V_REVIEW)
			return SX_EXEC_DENIED_ARGV;
		review = 1;
	}
	if (!c->exec_approval && !review)
		return SX_EXEC_OK;
	if (!c->exec_approval) /* review without a hold to ask the jury: denied */
		return d && m < 0 ? SX_EXEC_DENIED_FILE : SX_EXEC_DENIED_ARGV;
	return check_approval(p, ino, tid);
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(sevorix_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u16 rule = SX_RULE_DEFAULT;
	unsigned long start, end, len;
	struct sx_config *c;
	struct sx_event *e;
	__u32 zero = 0, off;
	int why = SX_EXEC_OK;
	long n;

	if (!in_run())
		return 0;
	c = bpf_map_lookup_elem(&sx_config, &zero);
	if (c)
		why = exec_check(p, bprm, c, &rule, old_pid);
	else
		why = SX_EXEC_NOT_APPROVED; /* fail closed: no configuration */
	if (why != SX_EXEC_OK && !(c && c->audit))
		bpf_send_signal(9 /* SIGKILL, before the first instruction */);
	if (why == SX_EXEC_OK) {
		e = sx_record_new(SX_EV_EXEC, SX_V_NONE, SX_LAYER_TRACE);
	} else {
		sx_count_decision(SX_LAYER_EXEC_CHECK, SX_V_DENY);
		e = sx_decision_new(SX_EV_EXEC, SX_V_DENY, SX_LAYER_EXEC_CHECK, SX_SEC_EXEC, rule);
	}
	if (!e)
		return 0;
	e->ppid = BPF_CORE_READ(p, real_parent, tgid);
	e->rule_id = rule;
	e->section = SX_SEC_EXEC;
	e->port = why;
	e->enforced = !(c && c->audit);
	/* data: the executable's path, NUL, then argv as the kernel copied it */
	n = bpf_probe_read_kernel_str(e->data, 256, BPF_CORE_READ(bprm, filename));
	if (n < 0)
		n = 0;
	start = BPF_CORE_READ(p, mm, arg_start);
	end = BPF_CORE_READ(p, mm, arg_end);
	len = end > start ? end - start : 0;
	if (len > SX_EVENT_DATA - 257)
		len = SX_EVENT_DATA - 257;
	off = n > 256 ? 256 : n;
	if (len > 0 && bpf_probe_read_user(e->data + off, len, (void *)start) == 0)
		off += len;
	e->data_len = off;
	sx_submit(e);
	return 0;
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(sevorix_exit, struct task_struct *p)
{
	struct sx_event *e;

	if (!in_run() || BPF_CORE_READ(p, pid) != BPF_CORE_READ(p, tgid))
		return 0;
	e = sx_event_new(SX_EV_EXIT, SX_V_NONE, SX_LAYER_TRACE);
	if (!e)
		return 0;
	e->ppid = BPF_CORE_READ(p, real_parent, tgid);
	e->exit_code = BPF_CORE_READ(p, exit_code);
	bpf_ringbuf_submit(e, sx_wake());
	return 0;
}
