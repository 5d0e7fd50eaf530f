// SPDX-License-Identifier: GPL-2.0-only
/*
 * Denials that other layers make without telling us: Landlock answers a
 * file or exec call it refuses with EACCES (EXDEV for a rename or link
 * that would gain rights), the seccomp filters with EPERM, the run's
 * private world (src/sandbox/) with EROFS from its read-only tree, EACCES
 * from a mask and EBUSY for removing a mask's mount point. One program on
 * the raw sys_exit tracepoint sees such a call fail and records its paths;
 * user space names the rule by judging them against the policy, and the
 * events say "observed" (abi.h: struct sx_obs_event).
 *
 * A raw tracepoint attaches without tracefs, and needs none of the
 * kernel's BTF in user space (bpf/exec.bpf.c says why that matters). It runs at the exit of every system
 * call of every process of the machine, so it returns at once unless the
 * call failed with one of those errors (a compare on its return
 * value), its number is one a file or exec rule can refuse (a byte of
 * read-only data), and the task is in the run's cgroup -- in that order,
 * before any map update or ring-buffer reserve. Everything else happens
 * only for the run's own denials.
 *
 * The paths are read at exit from the agent's memory (the kernel copied
 * them at entry; an agent that changes them meanwhile only misleads its
 * own log). A relative path is completed here with the directory it was
 * relative to, walked up from the dentry to the task's root, because the
 * process may be gone by the time user space reads the record.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sevorix/abi.h"
#include "common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define EPERM 1
#define EACCES 13
#define EBUSY 16
#define EXDEV 18
#define EROFS 30
#define AT_FDCWD -100
#define WALK_DEPTH 48 /* path components and mount crossings followed */

/* Filled by user space before load (src/observe/): the calls to watch, by number. */
const volatile struct sx_obs_shape sx_obs_shapes[SX_OBS_NR_MAX];
/*
 * 1 for `run --learn` (set before load): successful calls of those shapes
 * are reported too, as allowed. Read-only data, so without it the verifier
 * removes that branch and a run without --learn pays nothing for it.
 */
const volatile __u8 sx_obs_learn;

struct scratch {
	struct sx_obs_event ev;
	char walk[2 * SX_OBS_PATH]; /* a name is built backwards from walk[SX_OBS_PATH] */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} sx_obs_scratch SEC(".maps");

#if defined(__TARGET_ARCH_x86)
static __always_inline long syscall_nr(const struct pt_regs *r)
{
	return BPF_CORE_READ(r, orig_ax);
}

static __always_inline __u64 arg(const struct pt_regs *r, int i)
{
	switch (i) {
	case 0:
		return BPF_CORE_READ(r, di);
	case 1:
		return BPF_CORE_READ(r, si);
	case 2:
		return BPF_CORE_READ(r, dx);
	case 3:
		return BPF_CORE_READ(r, r10);
	case 4:
		return BPF_CORE_READ(r, r8);
	}
	return BPF_CORE_READ(r, r9);
}
#elif defined(__TARGET_ARCH_arm64)
static __always_inline long syscall_nr(const struct pt_regs *r)
{
	return BPF_CORE_READ(r, syscallno);
}

static __always_inline __u64 arg(const struct pt_regs *r, int i)
{
	/* x0 holds the return value at exit; the first argument was saved */
	if (i == 0)
		return BPF_CORE_READ(r, orig_x0);
	return BPF_CORE_READ(r, regs[i & 7]);
}
#else
#error "observe.bpf.c: syscall arguments of this architecture are not described"
#endif

/* One step up from walk->d: a component written, a mount crossed, or the end. */
struct walk {
	__u64 d, mnt, root_d, root_mnt;
	__u32 off; /* walk[off..SX_OBS_PATH) is the name so far */
	int ok;	   /* reached the root */
};

static long walk_step(__u32 i, struct walk *w)
{
	struct mount *m = (struct mount *)(w->mnt - bpf_core_field_offset(struct mount, mnt));
	struct vfsmount *vm = (struct vfsmount *)w->mnt;
	struct dentry *d = (struct dentry *)w->d, *parent;
	struct scratch *sc;
	struct qstr q;
	__u32 zero = 0, len;

	if (w->d == w->root_d && w->mnt == w->root_mnt) {
		w->ok = 1;
		return 1;
	}
	if (w->d == (__u64)BPF_CORE_READ(vm, mnt_root)) {
		struct mount *up = BPF_CORE_READ(m, mnt_parent);

		if (up == m) { /* the top of the mount tree */
			w->ok = 1;
			return 1;
		}
		w->d = (__u64)BPF_CORE_READ(m, mnt_mountpoint);
		w->mnt = (__u64)up + bpf_core_field_offset(struct mount, mnt);
		return 0;
	}
	parent = BPF_CORE_READ(d, d_parent);
	q = BPF_CORE_READ(d, d_name);
	sc = bpf_map_lookup_elem(&sx_obs_scratch, &zero);
	if (!sc || parent == d || q.len + 1 >= w->off) {
		w->ok = parent == d;
		return 1;
	}
	len = q.len & (SX_OBS_PATH - 1);
	w->off = (w->off - len) & (SX_OBS_PATH - 1);
	bpf_probe_read_kernel(&sc->walk[w->off], len, q.name);
	w->off = (w->off - 1) & (SX_OBS_PATH - 1);
	sc->walk[w->off] = '/';
	w->d = (__u64)parent;
	return 0;
}

/* The struct path of fd in task t (AT_FDCWD: its working directory). */
static __always_inline int fd_path(struct task_struct *t, int fd, struct path *p)
{
	struct fdtable *fdt;
	struct file *f = NULL;
	struct file **fds;
	struct fs_struct *fs;

	/* t->fs by a read, not by a pointer the verifier follows: it looks up, per
	 * path, whether a pointer loaded from a kernel struct can be trusted, a
	 * search through the kernel's BTF by name */
	if (fd == AT_FDCWD) {
		fs = BPF_CORE_READ(t, fs);
		return bpf_core_read(p, sizeof(*p), &fs->pwd);
	}
	fdt = BPF_CORE_READ(t, files, fdt);
	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return -1;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_core_read(&f, sizeof(f), &fds[fd]) || !f)
		return -1;
	return bpf_core_read(p, sizeof(*p), &f->f_path);
}

/* Writes the absolute name of fd (seen from the task's root) to out[SX_OBS_PATH]. */
static __always_inline void name_of_fd(struct scratch *sc, int fd, char *out)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct walk w = { .off = SX_OBS_PATH };
	struct fs_struct *fs = BPF_CORE_READ(t, fs); /* a read: see fd_path() */
	struct path p, root;
	__u32 len;

	out[0] = 0;
	if (fd_path(t, fd, &p) || bpf_core_read(&root, sizeof(root), &fs->root))
		return;
	w.d = (__u64)p.dentry;
	w.mnt = (__u64)p.mnt;
	w.root_d = (__u64)root.dentry;
	w.root_mnt = (__u64)root.mnt;
	bpf_loop(WALK_DEPTH, walk_step, &w, 0);
	if (!w.ok)
		return; /* too deep or too long: the name stays relative, and names no rule */
	if (w.off >= SX_OBS_PATH) { /* the root itself */
		out[0] = '/';
		out[1] = 0;
		return;
	}
	len = (SX_OBS_PATH - w.off) & (SX_OBS_PATH - 1);
	bpf_probe_read_kernel(out, len, &sc->walk[w.off & (SX_OBS_PATH - 1)]);
	out[len & (SX_OBS_PATH - 1)] = 0;
}

/*
 * One name of the call: the path argument into out[0..SX_OBS_PATH), and
 * the directory it is relative to into out[SX_OBS_PATH..). No path (or an
 * empty one) names the file dirfd refers to.
 */
static __always_inline void read_name(struct scratch *sc, const struct pt_regs *regs, __u8 path_arg,
				      __u8 dirfd_arg, char *out)
{
	const char *upath = path_arg < 6 ? (const char *)arg(regs, path_arg) : NULL;
	int dirfd = dirfd_arg < 6 ? (int)arg(regs, dirfd_arg) : AT_FDCWD;

	out[0] = out[SX_OBS_PATH] = 0;
	if (upath && bpf_probe_read_user_str(out, SX_OBS_PATH, upath) < 0)
		out[0] = 0;
	if (!out[0])
		name_of_fd(sc, dirfd, out);
	else if (out[0] != '/')
		name_of_fd(sc, dirfd, out + SX_OBS_PATH);
}

/* True when the BPF LSM layer refused this call and wrote its own event. */
static __always_inline int lsm_refused(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *at = bpf_map_lookup_elem(&sx_lsm_marks, &tid);
	int recent;

	if (!at)
		return 0;
	recent = bpf_ktime_get_ns() - *at < SX_LSM_MARK_NS;
	bpf_map_delete_elem(&sx_lsm_marks, &tid);
	return recent;
}

static __always_inline int report(const struct pt_regs *regs, long nr, long ret,
				  const volatile struct sx_obs_shape *s, __u8 verdict)
{
	struct sx_event *e;
	struct scratch *sc;
	__u32 zero = 0;
	__u64 flags = 0;

	if (verdict != SX_V_ALLOW && lsm_refused())
		return 0;
	sc = bpf_map_lookup_elem(&sx_obs_scratch, &zero);
	if (!sc)
		return 0;
	e = &sc->ev.e;
	sx_record_fill(&sc->ev, SX_EV_OBSERVED, verdict, SX_LAYER_OBSERVED); /* data cleared */
	/* no rule is known here (user space names it from the paths): the
	 * system call stands in, so that what a flood could not keep is
	 * counted per call, and the latest of each call is kept whole */
	e->rule_id = nr;
	e->port = nr;
	e->family = s->op;
	e->exit_code = ret;
	e->data_len = SX_EVENT_DATA;
	if (s->flags < 6)
		flags = arg(regs, s->flags);
	if (s->flags < 6 && s->flags_in_struct &&
	    bpf_probe_read_user(&flags, sizeof(flags), (void *)flags))
		flags = 0;
	__builtin_memcpy(e->addr, &flags, sizeof(flags));
	sc->ev.more[0] = sc->ev.more[SX_OBS_PATH] = 0;
	if (s->sockaddr < 5) {
		__u64 len = arg(regs, s->sockaddr + 1);

		__builtin_memset(e->data, 0, 128);
		if (len > 128)
			len = 128;
		bpf_probe_read_user(e->data, len, (void *)arg(regs, s->sockaddr));
		sx_deny_submit(e, offsetof(struct sx_event, data) + 128); /* the address alone */
		return 0;
	}
	if (s->path < 6 || s->dirfd < 6) /* a call of the hardening filter names no file */
		read_name(sc, regs, s->path, s->dirfd, e->data);
	if (s->path2 < 6)
		read_name(sc, regs, s->path2, s->dirfd2, sc->ev.more);
	if (verdict == SX_V_ALLOW) {
		/* learning: the allowed events' ring, never the denials' */
		if (bpf_ringbuf_output(&sx_events, &sc->ev, sizeof(sc->ev), 0))
			sx_count(SX_STAT_LOST);
		return 0;
	}
	sx_deny_submit(e, sizeof(sc->ev));
	return 0;
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sevorix_sys_exit, struct pt_regs *regs, long ret)
{
	const volatile struct sx_obs_shape *s;
	long nr;

	if (sx_obs_learn && ret >= 0) {
		nr = syscall_nr(regs);
		if (nr < 0 || nr >= SX_OBS_NR_MAX)
			return 0;
		s = &sx_obs_shapes[nr];
		/* execs come from the exec tracker, connects from the network layer */
		if (!s->op || s->op == SX_OBS_EXEC || s->sockaddr < 6 || !in_run())
			return 0;
		return report(regs, nr, ret, s, SX_V_ALLOW);
	}
	if (ret != -EACCES && ret != -EPERM && ret != -EXDEV && ret != -EROFS && ret != -EBUSY)
		return 0;
	nr = syscall_nr(regs);
	if (nr < 0 || nr >= SX_OBS_NR_MAX)
		return 0;
	s = &sx_obs_shapes[nr];
	/* a connect the cgroup program refused (EPERM) was logged by it */
	if (!s->op || (s->sockaddr < 6 && ret != -EACCES) || !in_run())
		return 0;
	return report(regs, nr, ret, s, SX_V_DENY);
}
