// SPDX-License-Identifier: GPL-2.0-only
/*
 * The BPF LSM layer's link and rename hooks (lsm/lsm.bpf.h): a new name
 * for a file must not grant what its old name did not.
 */
#include "lsm/lsm.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * A link's or rename's two names, built by walking the dentries up to the
 * task's root (path_of() below). path has room for one more name of
 * SX_FILE_PATH_MAX bytes after the key's end, so every copy is in bounds.
 */
#define SX_WALK_DEPTH 32 /* components of a name, deeper is refused */
#define SX_WALK_STEPS 48 /* components plus mount crossings */

struct sx_walk_key {
	__u32 prefixlen;
	char path[2 * SX_FILE_PATH_MAX + 8];
};

struct sx_walk {
	__u64 dentry[SX_WALK_DEPTH];
	__u32 n, off; /* path_of()'s counters */
	struct sx_walk_key key[2]; /* the existing name, the new name */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sx_walk);
} sx_lsm_walk SEC(".maps");

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
 * Collects the dentries from dentry, seen through mount vfs, up to the
 * task's root as d_path() walks them, into w->dentry (w->n of them,
 * the deepest first). Returns 0, or -1 when the name is deeper than
 * SX_WALK_DEPTH components.
 *
 * The counters live in the map value and are read back through volatile:
 * the verifier then sees unknown values it can prune on, instead of one
 * state per count (which it would explore to its limit).
 */
static __always_inline int walk_up(struct dentry *dentry, struct vfsmount *vfs, struct sx_walk *w)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 mnt_off = bpf_core_field_offset(struct mount, mnt);
	__u64 root = (__u64)BPF_CORE_READ(task, fs, root.dentry);
	__u64 root_mnt = (__u64)BPF_CORE_READ(task, fs, root.mnt);
	__u64 d = (__u64)dentry, m = (__u64)vfs - mnt_off;
	volatile __u32 *n = &w->n;

	*n = 0;
	for (int i = 0; i < SX_WALK_STEPS; i++) {
		__u64 up;
		__u32 c;

		if (d == root && m + mnt_off == root_mnt)
			return 0;
		if (d == (__u64)BPF_CORE_READ((struct mount *)m, mnt.mnt_root)) {
			up = (__u64)BPF_CORE_READ((struct mount *)m, mnt_parent);
			if (up == m) /* the namespace's root: d_path() stops here too */
				return 0;
			d = (__u64)BPF_CORE_READ((struct mount *)m, mnt_mountpoint);
			m = up;
			continue;
		}
		up = (__u64)BPF_CORE_READ((struct dentry *)d, d_parent);
		if (up == d) /* a disconnected dentry: its top is the name's start */
			return 0;
		c = *n;
		if (c >= SX_WALK_DEPTH)
			return -1;
		w->dentry[c] = d;
		*n = c + 1;
		d = up;
	}
	return -1;
}

/*
 * Builds "NAME/" of dentry seen through mount vfs, up to the task's
 * root as d_path() does, into k (the first SX_FILE_PATH_MAX bytes; longer
 * names are cut there, as in file_open). Returns 0, or -1 when the name is
 * deeper than SX_WALK_DEPTH components (the caller refuses: fail closed).
 */
static __always_inline int path_of(struct dentry *dentry, struct vfsmount *vfs,
				   struct sx_walk *w, struct sx_walk_key *k)
{
	volatile __u32 *n = &w->n, *off = &w->off; /* as in walk_up() */

	__builtin_memset(k->path, 0, SX_FILE_PATH_MAX);
	*off = 0;
	if (walk_up(dentry, vfs, w))
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
		sx_submit(e);
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
