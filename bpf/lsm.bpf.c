// SPDX-License-Identifier: GPL-2.0-only
/*
 * K1, the BPF LSM layer: the run's network, file and exec rules, and the
 * self-protection of the supervisor, decided in LSM hooks on the kernel's
 * own copies of the arguments. LSM programs are global, so every program
 * first asks whether the current task is in the run's cgroup and returns
 * before doing anything else when it is not: a process outside the run
 * pays one helper call per hook.
 *
 * The rules come from the same maps as the other layers (abi.h): the
 * network tries of net.bpf.c, the UNIX trie of unix.bpf.c, the exec
 * identities and one-shot approvals of exec.bpf.c, the run configuration,
 * the event ring buffer and the counters. Only the file trie (with the
 * directories that hold rules below them) is this layer's own, and the
 * open cache: a decision kept on the inode so that reopening a file by
 * the same name skips bpf_d_path() and the trie, forgotten after any
 * rename, unlink or mount on the machine (the fexit programs and
 * names_changed; this layer's only programs that run for everyone).
 *
 * Hook arguments are read only where their position has not changed
 * between 6.1 and the newest kernel tested (CO-RE moves struct fields, not
 * arguments): lsm/bpf gained an argument in 6.16, so sevorix_bpf and the
 * other programs that need no argument declare none. User space does not
 * load a program whose hook the running kernel lacks (userns_create came in 6.1).
 *
 * A denial returns -EPERM (-EACCES for opens, as Landlock answers), so
 * the system call fails before anything happens. In audit mode every
 * decision is logged and nothing is blocked.
 *
 * The network hooks are in lsm_net.bpf.h, the self-protection hooks in
 * lsm_protect.bpf.h; this file holds the shared helpers, files and exec.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "sevorix/abi.h"
#include "common.bpf.h"
#include "net.bpf.h"
#include "exec.bpf.h"
#include "unix.bpf.h"
#include "lsm.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define EPERM 1
#define EACCES 13
#define AF_UNIX 1
#define AF_NETLINK 16
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_ICMPV6 58
#define PROT_EXEC 4
#define FMODE_READ 0x1
#define FMODE_WRITE 0x2
#define FMODE_EXEC_FLAG 0x20 /* __FMODE_EXEC in f_flags: opened by execve or uselib */

/* Set by user space before load (src/lsm/lsm.c). */
const volatile __u64 run_cgroup_id = 0; /* the run's cgroup: targets of kill/ptrace */
const volatile __u8 files_enforced = 0; /* the rulebook has a files section */
/* 0: the cgroup programs of the run count the allowed inet / UNIX destinations */
const volatile __u8 count_net = 1;
const volatile __u8 count_unix = 1;
/* Relaxed entries of the rulebook's hardening section */
const volatile __u8 allow_bpf = 0;
const volatile __u8 allow_ptrace = 0;
const volatile __u8 allow_signal = 0;
const volatile __u8 allow_mount = 0;
const volatile __u8 allow_userns = 0;
const volatile __u8 allow_ping = 0;
const volatile __u8 allow_any_socket = 0;
/* 1 when every program that bumps sx_names_gen loaded: file_open may cache */
const volatile __u8 cache_opens = 0;

/*
 * The hook's return value. The barrier hides that allow is 0 or 1, so the
 * compiler branches instead of computing allow - 1, a value the verifier
 * cannot prove to lie in [-4095, 0].
 */
/*
 * Whether this layer counts a network decision: always where it is the
 * only network layer; otherwise only a refusal (the cgroup program never
 * runs after one, and sees and counts every allowed destination).
 */
static __always_inline int net_counted(__u8 layer_counts, struct decision d)
{
	return layer_counts || (d.verdict != SX_V_ALLOW && !audit_mode());
}

static __always_inline int answer(int allow, int err)
{
	asm volatile("" : "+r"(allow));
	return allow ? 0 : -err;
}

#include "lsm_net.bpf.h"

/* ---- files -------------------------------------------------------------- */

/* enum sx_access bits (1 << SX_FA_*) of an open; exec opens count as exec only. */
static __always_inline unsigned int open_access(struct file *f)
{
	unsigned int mode = f->f_mode, flags = f->f_flags, a = 0; /* BTF pointer: direct reads */

	if (flags & FMODE_EXEC_FLAG)
		return 1 << SX_FA_EXEC;
	if (mode & FMODE_READ)
		a |= 1 << SX_FA_READ;
	if (mode & FMODE_WRITE)
		a |= 1 << SX_FA_WRITE;
	return a;
}

/* The stricter decision over the requested accesses, as policy_decide_file(). */
static __always_inline struct decision file_decide(const struct sx_file_value *v,
						   unsigned int access)
{
	struct decision d = { SX_V_ALLOW, SX_RULE_DEFAULT };

	for (int i = 0; i < SX_FA_MAX; i++) {
		__u8 a = v->action[i];

		if (!(access & (1 << i)))
			continue;
		if (a > d.verdict || (a == d.verdict && d.rule_id == SX_RULE_DEFAULT)) {
			d.verdict = a;
			d.rule_id = v->rule_id[i];
		}
	}
	return d;
}

static __always_inline int protect(__u8 kind, struct task_struct *target, __u16 port);

#define CGROUP2_SUPER_MAGIC 0x63677270
#define FMODE_WRITE 0x2

/* True when name (16 bytes, NUL-padded) is s exactly. */
static __always_inline int name_is(const char name[16], const char *s)
{
	for (int i = 0; i < 16; i++) {
		if (name[i] != s[i])
			return 0;
		if (!s[i])
			return 1;
	}
	return 0;
}

/*
 * Opening cgroup.procs or cgroup.threads of any cgroup for writing would
 * let the agent move itself (or another task) out of its run. Never
 * relaxable: it is what every other hook's targeting rests on.
 */
static __always_inline int cgroup_escape(struct file *f)
{
	char name[16] = { 0 };
	const unsigned char *n;

	/* BTF pointers: direct reads, no helper call on every open */
	if (!(f->f_mode & FMODE_WRITE) || f->f_inode->i_sb->s_magic != CGROUP2_SUPER_MAGIC)
		return 0;
	n = BPF_CORE_READ(f, f_path.dentry, d_name.name);
	bpf_probe_read_kernel_str(name, sizeof(name), n);
	return name_is(name, "cgroup.procs") || name_is(name, "cgroup.threads");
}

/*
 * An exec of a file that has no name in any directory: a memfd (its
 * "/memfd:..." path is on an internal mount no rule can name), an
 * O_TMPFILE never linked, a file deleted while open. Reached by
 * execveat(fd, "", AT_EMPTY_PATH), fexecve() or /proc/self/fd/N, it is
 * judged by the files default, not by whatever rule covers "/".
 */
static __always_inline int nameless_exec(struct file *f, unsigned int access)
{
	return (access & (1 << SX_FA_EXEC)) && BPF_CORE_READ(f, f_inode, i_nlink) == 0;
}

/* ---- the open cache ----------------------------------------------------- */

static __always_inline __u64 names_gen(void)
{
	__u32 zero = 0;
	__u64 *g = bpf_map_lookup_elem(&sx_names_gen, &zero);

	return g ? *g : 0;
}

static __always_inline void names_changed(void)
{
	__u32 zero = 0;
	__u64 *g = bpf_map_lookup_elem(&sx_names_gen, &zero);

	if (g)
		__sync_fetch_and_add(g, 1);
}

/*
 * Every change that can give an existing dentry another path, or free a
 * dentry whose address a new one may reuse, bumps the generation: after
 * the change for renames and unlinks (an open that read the generation
 * before the bump and the path before the change stores an entry that
 * is stale at once), before it for mounts, which only root can make.
 * These run for every process on the machine, not only the run's. Not
 * seen: a rename a network filesystem learns of from its server; such a
 * file keeps its cached decision until the next local rename, unlink or
 * mount anywhere.
 */
SEC("fexit/vfs_rename")
int BPF_PROG(sevorix_renamed)
{
	names_changed();
	return 0;
}

SEC("fexit/vfs_unlink")
int BPF_PROG(sevorix_unlinked)
{
	names_changed();
	return 0;
}

SEC("lsm/sb_umount")
int BPF_PROG(sevorix_sb_umount)
{
	names_changed();
	return 0;
}

/*
 * The cached decision for f opened by this task, or NULL. Only a file
 * with exactly one name is cached (another name may have other rules),
 * and only for the dentry, mount and root it was decided for.
 */
static __always_inline struct sx_file_value *cached_value(struct file *f, __u64 gen, __u64 root)
{
	struct inode *ino = f->f_inode;
	struct sx_open_cache *c;

	if (!cache_opens || ino->i_nlink != 1)
		return NULL;
	c = bpf_inode_storage_get(&sx_open_cache, ino, 0, 0);
	if (!c || c->gen != gen || c->dentry != (__u64)f->f_path.dentry ||
	    c->mnt != (__u64)f->f_path.mnt || c->root != root)
		return NULL;
	return &c->v;
}

/* Keeps v for f when the name it was decided for is its only one and still there. */
static __always_inline void cache_value(struct file *f, const struct sx_file_value *v, __u64 gen,
					__u64 root)
{
	struct inode *ino = f->f_inode;
	struct dentry *d = f->f_path.dentry;
	struct sx_open_cache *c;

	/* gen changed while the path was built, or unlinked ("... (deleted)"): do not keep */
	if (!cache_opens || ino->i_nlink != 1 || !d->d_hash.pprev || names_gen() != gen)
		return;
	c = bpf_inode_storage_get(&sx_open_cache, ino, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!c)
		return; /* no memory: the next open builds the path again */
	c->gen = gen;
	c->dentry = (__u64)d;
	c->mnt = (__u64)f->f_path.mnt;
	c->root = root;
	c->v = *v;
}

/*
 * True when this CPU's last allowed open from the cache was by the same
 * process under the same rule: that allow was logged or counted as seen
 * already (sx_seen), so this one is only counted, without the hash look-up.
 */
static __always_inline int seen_last(__u16 rule)
{
	__u32 zero = 0;
	struct sx_seen_key *last = bpf_map_lookup_elem(&sx_lsm_seen_last, &zero);
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (!last)
		return 0;
	if (last->tgid == tgid && last->rule_id == rule && last->section == SX_SEC_FILES) {
		sx_count(SX_STAT_ALLOW);
		return 1;
	}
	last->tgid = tgid;
	last->rule_id = rule;
	last->section = SX_SEC_FILES;
	return 0;
}

/* ---- files, continued ---------------------------------------------------- */

SEC("lsm/file_open")
int BPF_PROG(sevorix_file_open, struct file *file, int ret)
{
	struct decision d = { SX_V_DENY, SX_RULE_DEFAULT }; /* fail closed */
	struct sx_file_value *v = NULL;
	struct sx_path_buf *b;
	unsigned int access;
	struct sx_event *e;
	__u32 zero = 0, len = 0;
	__u64 gen, root;
	int allow;
	long n;

	if (ret || !in_run())
		return ret;
	if (cgroup_escape(file))
		return protect(SX_EV_CGROUP, NULL, 0);
	if (!files_enforced)
		return 0;
	access = open_access(file);
	if (!access)
		return 0; /* neither read, write nor exec (e.g. open mode 3 for ioctls) */
	gen = names_gen(); /* before the path is built: see cache_value() */
	root = (__u64)bpf_get_current_task_btf()->fs->root.dentry;
	v = cached_value(file, gen, root);
	if (v) {
		d = file_decide(v, access);
		if (d.verdict == SX_V_ALLOW) { /* a refusal is logged with its path, below */
			if (seen_last(d.rule_id))
				return 0;
			e = sx_decided_in(d, SX_EV_OPEN, SX_LAYER_BPF_LSM, SX_SEC_FILES, 1, &allow);
			if (e) /* the first allow of this rule for this process: name the file */
				goto log;
			return 0;
		}
		v = NULL;
	}
	b = bpf_map_lookup_elem(&sx_lsm_path, &zero);
	if (!b)
		return -EACCES; /* fail closed */
	n = bpf_d_path((struct path *)&file->f_path, b->path, sizeof(b->path));
	if (n > 0 && nameless_exec(file, access)) {
		b->prefixlen = 0; /* the zero-length entry: the files default */
		v = bpf_map_lookup_elem(&sx_files, b);
	} else if (n > 0 && b->path[0] != '/') {
		return 0; /* pipe:[..], socket:[..], anon_inode:..: no path a rule can name */
	} else if (n > 0) {
		/* look up "PATH/": whole components only; paths are compared up to the key size */
		len = n - 1;
		if (len < SX_FILE_PATH_MAX) {
			b->path[len & (SX_FILE_PATH_MAX - 1)] = '/';
			b->prefixlen = (len + 1) * 8;
		} else {
			b->prefixlen = SX_FILE_PATH_MAX * 8;
		}
		v = bpf_map_lookup_elem(&sx_files, b);
		if (len < SX_FILE_PATH_MAX)
			b->path[len & (SX_FILE_PATH_MAX - 1)] = 0;
		if (v)
			cache_value(file, v, gen, root);
	}
	/* no entry (broken maps) or no path (longer than PATH_MAX): deny */
	d = (struct decision){ SX_V_DENY, SX_RULE_DEFAULT };
	if (v)
		d = file_decide(v, access);
	e = sx_decided_in(d, SX_EV_OPEN, SX_LAYER_BPF_LSM, SX_SEC_FILES, 1, &allow);
	if (e && n > 0) {
		long m = bpf_probe_read_kernel_str(e->data, SX_EVENT_DATA, b->path);

		e->data_len = m > 0 ? m : 0;
	}
	if (e) {
		e->port = access;
		bpf_ringbuf_submit(e, 0);
	}
	return answer(allow, EACCES);
log:
	/* the name only for the event: the decision is the cached one */
	n = bpf_d_path((struct path *)&file->f_path, e->data, SX_EVENT_DATA);
	e->data_len = n > 0 ? n : 0;
	e->port = access;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* ---- links and renames -------------------------------------------------- */

/*
 * A hard link or a rename gives a file a name; the file rules judge names,
 * so a new name must not grant read or write that the old one did not
 * (`ln ~/.ssh/id_rsa /workspace/k`, `mv ~/.ssh /workspace/s`), and making
 * or removing a name is a write to it: both names must allow write, and
 * the new one read only where the old one does. Exec is not compared: a
 * file the agent may read it may copy and run anyway, and exec rules by
 * identity follow the inode to every name. A directory that holds rules
 * below it is never renamed: its files would carry no rule to their new
 * name.
 * Decided for files created after the rules loaded as for any other: by
 * name, from the dentries, as file_open does.
 */

/*
 * Builds "NAME/" of dentry seen through mount vfs, up to the task's
 * root as d_path() does, into k (the first SX_FILE_PATH_MAX bytes; longer
 * names are cut there, as in file_open). Returns 0, or -1 when the name is
 * deeper than SX_WALK_DEPTH components (the caller refuses: fail closed).
 */
static __always_inline int path_of(struct dentry *dentry, struct vfsmount *vfs,
				   struct sx_walk *w, struct sx_walk_key *k)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 mnt_off = bpf_core_field_offset(struct mount, mnt);
	__u64 root = (__u64)BPF_CORE_READ(task, fs, root.dentry);
	__u64 root_mnt = (__u64)BPF_CORE_READ(task, fs, root.mnt);
	__u64 d = (__u64)dentry, m = (__u64)vfs - mnt_off;
	/*
	 * The counters live in the map value and are read back through
	 * volatile: the verifier then sees unknown values it can prune on,
	 * instead of one state per count (which it would explore to its limit).
	 */
	volatile __u32 *n = &w->n, *off = &w->off;
	int done = 0;

	__builtin_memset(k->path, 0, SX_FILE_PATH_MAX);
	*n = 0;
	*off = 0;
	for (int i = 0; i < SX_WALK_STEPS; i++) {
		__u64 up;
		__u32 c;

		if (d == root && m + mnt_off == root_mnt) {
			done = 1;
			break;
		}
		if (d == (__u64)BPF_CORE_READ((struct mount *)m, mnt.mnt_root)) {
			up = (__u64)BPF_CORE_READ((struct mount *)m, mnt_parent);
			if (up == m) { /* the namespace's root: d_path() stops here too */
				done = 1;
				break;
			}
			d = (__u64)BPF_CORE_READ((struct mount *)m, mnt_mountpoint);
			m = up;
			continue;
		}
		up = (__u64)BPF_CORE_READ((struct dentry *)d, d_parent);
		if (up == d) { /* a disconnected dentry: its top is the name's start */
			done = 1;
			break;
		}
		c = *n;
		if (c >= SX_WALK_DEPTH)
			return -1;
		w->dentry[c] = d;
		*n = c + 1;
		d = up;
	}
	if (!done)
		return -1;
	for (int j = SX_WALK_DEPTH - 1; j >= 0; j--) {
		struct dentry *c = (struct dentry *)w->dentry[j]; /* outside the CO-RE read */
		const unsigned char *name;
		__u32 o = *off;
		long len;

		if (j >= *n)
			continue;
		if (o >= SX_FILE_PATH_MAX)
			break;
		k->path[o] = '/';
		name = BPF_CORE_READ(c, d_name.name);
		len = bpf_probe_read_kernel_str(&k->path[o + 1], SX_FILE_PATH_MAX, name);
		if (len < 1)
			return -1;
		*off = o + len; /* the '/' and the name without its NUL */
	}
	if (*off < SX_FILE_PATH_MAX) {
		__u32 o = *off;

		if (o < SX_FILE_PATH_MAX)
			k->path[o] = '/';
		*off = o + 1;
	} else {
		*off = SX_FILE_PATH_MAX;
	}
	k->prefixlen = *off * 8;
	return 0;
}

static __always_inline int may(const struct sx_file_value *v, int a)
{
	return v->action[a] == SX_V_ALLOW;
}

/*
 * 0 when a name to may be made for the file named from (and, for a
 * rename, from removed), else 1 with the rule that refuses it in *rule:
 * write must be allowed at both names, and read at to only if at from.
 */
static __always_inline int name_refused(struct sx_walk_key *from, struct sx_walk_key *to,
					int rename, __u16 *rule)
{
	struct sx_file_value *o = bpf_map_lookup_elem(&sx_files, from);
	struct sx_file_value *n = bpf_map_lookup_elem(&sx_files, to);

	if (!o || !n)
		return 1; /* fail closed: no entry means broken maps */
	/* a name is made where writing is allowed, and gains write only where it had it */
	*rule = n->rule_id[SX_FA_WRITE];
	if (!may(n, SX_FA_WRITE))
		return 1;
	*rule = o->rule_id[SX_FA_WRITE];
	if (!may(o, SX_FA_WRITE))
		return 1;
	*rule = o->rule_id[SX_FA_READ];
	if (may(n, SX_FA_READ) && !may(o, SX_FA_READ))
		return 1;
	/* a rule below from would not follow its files (the key is zero-padded past "NAME/") */
	*rule = SX_RULE_DEFAULT;
	return rename && bpf_map_lookup_elem(&sx_file_dirs, from->path) != NULL;
}

/* Judges the name new for the file old (a rename also removes old): kind SX_EV_LINK. */
static __always_inline int judge_name(struct dentry *old, struct vfsmount *old_mnt,
				      struct dentry *new, struct vfsmount *new_mnt, int rename,
				      int exchange)
{
	struct decision d = { SX_V_DENY, SX_RULE_DEFAULT };
	struct sx_event *e;
	struct sx_walk *w;
	__u32 zero = 0;
	int allow, refused;

	w = bpf_map_lookup_elem(&sx_lsm_walk, &zero);
	if (!w)
		return -EPERM; /* fail closed */
	if (path_of(old, old_mnt, w, &w->key[0]) || path_of(new, new_mnt, w, &w->key[1]))
		refused = 1; /* fail closed: a name too deep to judge */
	else
		refused = name_refused(&w->key[0], &w->key[1], rename, &d.rule_id);
	/* RENAME_EXCHANGE: the file at new gets old's name too */
	if (!refused && exchange)
		refused = name_refused(&w->key[1], &w->key[0], rename, &d.rule_id);
	if (!refused)
		return 0; /* nothing logged: only refusals are */
	e = sx_decided_in(d, SX_EV_LINK, SX_LAYER_BPF_LSM, SX_SEC_FILES, 1, &allow);
	if (e) {
		long m = bpf_probe_read_kernel_str(e->data, SX_FILE_PATH_MAX, w->key[0].path);

		if (m > 2 && e->data[(m - 2) & (SX_FILE_PATH_MAX - 1)] == '/')
			e->data[(m - 2) & (SX_FILE_PATH_MAX - 1)] = 0; /* "NAME/" as NAME */
		e->port = rename;
		e->data_len = m > 0 ? m : 0;
		bpf_ringbuf_submit(e, 0);
	}
	return answer(allow, EPERM);
}

/* link(2), linkat(2), also of an O_PATH descriptor with AT_EMPTY_PATH: one mount. */
SEC("lsm/path_link")
int BPF_PROG(sevorix_path_link, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	struct vfsmount *mnt;

	if (ret || !files_enforced || !in_run())
		return ret;
	mnt = BPF_CORE_READ(new_dir, mnt);
	return judge_name(old_dentry, mnt, new_dentry, mnt, 0, 0);
}

#define RENAME_EXCHANGE 2

SEC("lsm/path_rename")
int BPF_PROG(sevorix_path_rename, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, unsigned int flags, int ret)
{
	if (ret || !files_enforced || !in_run())
		return ret;
	return judge_name(old_dentry, BPF_CORE_READ(old_dir, mnt), new_dentry,
			  BPF_CORE_READ(new_dir, mnt), 1, flags & RENAME_EXCHANGE);
}

/* ---- exec --------------------------------------------------------------- */

/* True when the thread group holds a one-shot approval naming this file. */
static __always_inline int approved(struct file *f, struct sx_exec_key k)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct sx_approval *a = bpf_map_lookup_elem(&sx_approved, &tgid);
	__s64 sec, nsec;

	if (!a)
		return 0;
	if (a->alt_dev == k.dev && a->alt_ino == k.ino)
		return 1;
	inode_ctime(BPF_CORE_READ(f, f_inode), &sec, &nsec);
	return a->dev == k.dev && a->ino == k.ino && a->ctime_sec == sec && a->ctime_nsec == nsec;
}

/*
 * Why an exec or executable mapping of f is refused (enum sx_exec_reason),
 * with the rule in *rule. A deny rule always refuses; a review rule, or
 * any exec while execs are held, needs the approval the supervisor stored
 * (the approval is consumed at sched_process_exec by exec.bpf.c, not here).
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
		bpf_ringbuf_submit(e, 0);
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
 * PROT_EXEC mappings of a denied executable: ld.so running it, or a
 * program mapping it by hand. The kernel's own mappings of an approved
 * exec pass (the approval is still there while the image loads).
 */
static __always_inline int judge_mapping(struct file *f)
{
	__u16 rule = SX_RULE_DEFAULT;
	int why;

	if (!f)
		return 0;
	why = exec_refused(f, 0, &rule);
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

#include "lsm_protect.bpf.h"
