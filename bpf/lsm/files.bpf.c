// SPDX-License-Identifier: GPL-2.0-only
/*
 * The BPF LSM layer's open hook (lsm/lsm.bpf.h): every open of the run
 * judged by its path against the files rules, the decisions kept on the
 * inode while nothing can have renamed it (the open cache), and the
 * writes to cgroup.procs that would leave the run.
 */
#include "lsm/lsm.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define FMODE_READ 0x1
#define FMODE_WRITE 0x2
#define FMODE_EXEC_FLAG 0x20 /* __FMODE_EXEC in f_flags: opened by execve or uselib */

/*
 * bpf_d_path() writes here. The first SX_FILE_PATH_MAX bytes of path,
 * after prefixlen, are a struct sx_file_key, so the buffer is its own
 * lookup key: no copy on the hot path.
 */
#define SX_LSM_PATH_BUF 4096

struct sx_path_buf {
	__u32 prefixlen;
	char path[SX_LSM_PATH_BUF];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sx_path_buf);
} sx_lsm_path SEC(".maps");

/*
 * Decisions of file_open kept on the inode, so that the next open of the
 * same file by the same name skips bpf_d_path() and the trie. An entry
 * holds only while nothing could have changed the name it was decided
 * for (cached_value() below): the same dentry and mount, the same
 * root, one link, and no rename, unlink or mount since (sx_names_gen).
 * Whatever rewrites sx_files must bump sx_names_gen too (src/lsm/lsm.c
 * does at every attach: forget_cache).
 */
struct sx_open_cache {
	__u64 gen;
	__u64 dentry, mnt, root;
	struct sx_file_value v;
};

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sx_open_cache);
} sx_open_cache SEC(".maps");

/* The last (process, rule) whose allowed open this CPU served from the cache. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sx_seen_key);
} sx_lsm_seen_last SEC(".maps");

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

#define CGROUP2_SUPER_MAGIC 0x63677270

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
		sx_count_decision(SX_LAYER_BPF_LSM, SX_V_ALLOW);
		sx_quiet_add(SX_LAYER_BPF_LSM, SX_EV_OPEN, SX_SEC_FILES, SX_V_ALLOW, rule);
		return 1;
	}
	last->tgid = tgid;
	last->rule_id = rule;
	last->section = SX_SEC_FILES;
	return 0;
}

/* ---- open ------------------------------------------------------------- */

/*
 * An allowed open decided from the cache, or 0 when it was not (nothing
 * cached, or a refusal: refusals are logged with their path, by the
 * caller). The first allow of a rule for a process is logged by name.
 */
static __always_inline int cached_allow(struct file *file, unsigned int access, __u64 gen,
					__u64 root)
{
	struct sx_file_value *v = cached_value(file, gen, root);
	struct sx_event *e;
	struct decision d;
	int allow;
	long n;

	if (!v)
		return 0;
	d = file_decide(v, access);
	if (d.verdict != SX_V_ALLOW)
		return 0;
	if (seen_last(d.rule_id))
		return 1;
	e = sx_decided_in(d, SX_EV_OPEN, SX_LAYER_BPF_LSM, SX_SEC_FILES, 1, &allow);
	if (!e)
		return 1;
	/* the name only for the event: the decision is the cached one */
	n = bpf_d_path((struct path *)&file->f_path, e->data, SX_EVENT_DATA);
	e->data_len = n > 0 ? n : 0;
	e->port = access;
	sx_submit(e);
	return 1;
}

/*
 * The trie's entry for the path of file, n bytes in b (bpf_d_path), kept
 * in the cache when found; the default's for a nameless exec; NULL when
 * there is none (broken maps).
 */
static __always_inline struct sx_file_value *trie_value(struct file *file, int nameless,
							struct sx_path_buf *b, long n,
							__u64 gen, __u64 root)
{
	struct sx_file_value *v;
	__u32 len = n - 1;

	if (nameless) {
		b->prefixlen = 0; /* the zero-length entry: the files default */
		return bpf_map_lookup_elem(&sx_files, b);
	}
	/* look up "PATH/": whole components only; paths are compared up to the key size */
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
	return v;
}

SEC("lsm/file_open")
int BPF_PROG(sevorix_file_open, struct file *file, int ret)
{
	struct decision d = { SX_V_DENY, SX_RULE_DEFAULT }; /* fail closed */
	struct sx_file_value *v = NULL;
	struct sx_path_buf *b;
	unsigned int access;
	struct sx_event *e;
	__u32 zero = 0;
	__u64 gen, root;
	int allow, nameless;
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
	if (cached_allow(file, access, gen, root))
		return 0;
	b = bpf_map_lookup_elem(&sx_lsm_path, &zero);
	if (!b)
		return -EACCES; /* fail closed */
	n = bpf_d_path((struct path *)&file->f_path, b->path, sizeof(b->path));
	nameless = n > 0 && nameless_exec(file, access);
	if (n > 0 && b->path[0] != '/' && !nameless)
		return 0; /* pipe:[..], socket:[..], anon_inode:..: no path a rule can name */
	if (n > 0)
		v = trie_value(file, nameless, b, n, gen, root);
	/* no entry (broken maps) or no path (longer than PATH_MAX): deny */
	if (v)
		d = file_decide(v, access);
	e = sx_decided_in(d, SX_EV_OPEN, SX_LAYER_BPF_LSM, SX_SEC_FILES, 1, &allow);
	if (e && n > 0) {
		long m = bpf_probe_read_kernel_str(e->data, SX_EVENT_DATA, b->path);

		e->data_len = m > 0 ? m : 0;
	}
	if (e) {
		e->port = access;
		sx_submit(e);
	}
	return answer(allow, EACCES);
}
