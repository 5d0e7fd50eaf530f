// SPDX-License-Identifier: GPL-2.0-only
/*
 * The BPF LSM layer's exec hooks (lsm/lsm.bpf.h): an exec, and an
 * executable mapping, of a denied file or one the hold did not approve.
 */
#include "lsm/lsm.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define PROT_EXEC 4

/* The identity the exec maps use: the kernel's dev_t (major << 20 | minor) and inode number. */
static __always_inline struct sx_exec_key lsm_file_key(struct file *f)
{
	struct inode *ino = BPF_CORE_READ(f, f_inode);
	struct sx_exec_key k = { .dev = BPF_CORE_READ(ino, i_sb, s_dev),
				 .ino = BPF_CORE_READ(ino, i_ino) };

	return k;
}

/* True when the calling thread holds a one-shot approval naming this file among those it loads. */
static __always_inline int approved(struct file *f, struct sx_exec_key k)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sx_approval *a = bpf_map_lookup_elem(&sx_approved, &tid);
	__s64 sec, nsec;

	if (!a)
		return 0;
	inode_ctime(BPF_CORE_READ(f, f_inode), &sec, &nsec);
	for (int i = 0; i < SX_CHAIN_MAX; i++) {
		const struct sx_exec_file *x = &a->file[i];

		if (i < a->n && x->dev == k.dev && x->ino == k.ino && x->ctime_sec == sec &&
		    x->ctime_nsec == nsec)
			return 1;
	}
	return 0;
}

/*
 * Why an exec or executable mapping of f is refused (enum sx_exec_reason),
 * with the rule in *rule. A deny rule always refuses; a review rule, or
 * any exec while execs are held, needs the approval the supervisor stored
 * (the approval is consumed at sched_process_exec by bpf/exec.bpf.c, not here).
 */
static __always_inline int exec_refused(struct file *f, int need_approval, __u16 *rule)
{
	struct sx_exec_key k = lsm_file_key(f);
	struct sx_exec_deny *d = bpf_map_lookup_elem(&sx_exec_deny, &k);
	__u32 zero = 0;
	struct sx_config *c = bpf_map_lookup_elem(&sx_config, &zero);

	if (d) {
		*rule = d->rule_id;
		if (d->action != SX_V_REVIEW || !approved(f, k))
			return SX_EXEC_DENIED_FILE;
	}
	if (!c)
		return SX_EXEC_NOT_APPROVED; /* fail closed: no configuration */
	if (need_approval && c->exec_approval && !approved(f, k))
		return SX_EXEC_NOT_APPROVED;
	return SX_EXEC_OK;
}

/* Logs a refused exec or mapping; returns the hook's answer. */
static __always_inline int exec_report(__u8 kind, int why, __u16 rule, const void *name)
{
	struct decision d = { SX_V_DENY, rule };
	struct sx_event *e;
	int allow;

	e = sx_decided_in(d, kind, SX_LAYER_BPF_LSM, SX_SEC_EXEC, 1, &allow);
	if (e) {
		long m = bpf_probe_read_kernel_str(e->data, 256, name);

		e->port = why;
		e->data_len = m > 0 ? m : 0;
		sx_submit(e);
	}
	return answer(allow, EPERM);
}

/* Once per binary handler step: the script, then its interpreter. */
SEC("lsm/bprm_check_security")
int BPF_PROG(sevorix_bprm_check, struct linux_binprm *bprm, int ret)
{
	__u16 rule = SX_RULE_DEFAULT;
	struct file *f;
	int why;

	if (ret || !in_run())
		return ret;
	f = BPF_CORE_READ(bprm, file);
	why = exec_refused(f, 1, &rule);
	if (why == SX_EXEC_OK)
		return 0;
	return exec_report(SX_EV_EXEC, why, rule, BPF_CORE_READ(bprm, filename));
}

/*
 * Under W^X: f was changed since the run started (its ctime: every write
 * moves it) and is the agent's own or has no name (abi.h, sx_exec_wx).
 */
static __always_inline int written(struct file *f)
{
	struct inode *ino = BPF_CORE_READ(f, f_inode);
	__u32 zero = 0;
	struct sx_exec_wx *w = bpf_map_lookup_elem(&sx_exec_wx, &zero);
	__s64 sec, nsec;

	if (!w || !w->on)
		return 0;
	inode_ctime(ino, &sec, &nsec);
	if (sec < w->start_sec || (sec == w->start_sec && nsec < w->start_nsec))
		return 0;
	return BPF_CORE_READ(ino, i_nlink) == 0 ||
	       BPF_CORE_READ(ino, i_uid.val) == (__u32)bpf_get_current_uid_gid();
}

/*
 * PROT_EXEC mappings of a denied executable (ld.so running it, or a
 * program mapping it by hand), and under W^X of a file written in the run
 * (a library it built or copied, also mapped by hand). The kernel's own
 * mappings of an approved exec pass (the approval is still there while
 * the image loads, and the hold approves no written file under W^X).
 */
static __always_inline int judge_mapping(struct file *f)
{
	__u16 rule = SX_RULE_DEFAULT;
	int why;

	if (!f)
		return 0;
	why = exec_refused(f, 0, &rule);
	if (why == SX_EXEC_OK && written(f))
		why = SX_EXEC_WRITTEN;
	if (why == SX_EXEC_OK)
		return 0;
	return exec_report(SX_EV_MMAP, why, rule, BPF_CORE_READ(f, f_path.dentry, d_name.name));
}

SEC("lsm/mmap_file")
int BPF_PROG(sevorix_mmap_file, struct file *file, unsigned long reqprot, unsigned long prot,
	     unsigned long flags, int ret)
{
	if (ret || !(prot & PROT_EXEC) || !in_run())
		return ret;
	return judge_mapping(file);
}

SEC("lsm/file_mprotect")
int BPF_PROG(sevorix_file_mprotect, struct vm_area_struct *vma, unsigned long reqprot,
	     unsigned long prot, int ret)
{
	if (ret || !(prot & PROT_EXEC) || !in_run())
		return ret;
	return judge_mapping(BPF_CORE_READ(vma, vm_file));
}
