// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading, filling, attaching and pinning the BPF LSM layer of one run.
 *
 * Which hooks load is decided per kernel from the running kernel's BTF:
 * a hook the kernel lacks (userns_create before 6.1) is not loaded, and
 * neither is one whose argument count differs from what its program reads
 * (CO-RE relocates fields, not arguments); lsm_describe() names both.
 *
 * The maps are the network and exec layers' when those are given
 * (netlayer_share_maps, exec_share_maps), so the rulebook is compiled
 * once; whatever was not shared (the UNIX trie before 6.7, the exec maps
 * when exec checks are off, everything when the layer stands alone) is
 * compiled here into this object's own maps. The
 * file trie is always this layer's. Links are pinned like the network
 * layer's, so enforcement outlives the supervisor (fail closed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "exec/exec.h"
#include "lsm/lsm.h"
#include "net/net.h"
#include "sevorix/abi.h"
#include "util/bpfobj.h"
#include "util/probecache.h"
#include "lsm.skel.h"
#include "lsm_probe.skel.h"

#define LSM_MAX_PROGS 32

struct lsmlayer {
	struct lsm_bpf *skel;
	struct bpf_link *links[LSM_MAX_PROGS];
	int nlinks;
	char left_out[256]; /* "hook (reason), ..." */
};

/* Hooks whose arguments the programs read, and how many the kernel must pass. */
static const struct {
	const char *hook;
	unsigned int nargs;
} hook_args[] = {
	{ "socket_connect", 3 },      { "socket_sendmsg", 3 }, { "unix_stream_connect", 3 },
	{ "unix_may_send", 2 },	      { "file_open", 1 },      { "bprm_check_security", 1 },
	{ "mmap_file", 4 },	      { "file_mprotect", 3 },  { "ptrace_access_check", 2 },
	{ "task_kill", 4 },	      { "socket_create", 4 },	{ "task_alloc", 2 },
	{ "path_link", 3 },	      { "path_rename", 5 },
};

int lsm_probe(void)
{
	static int cached = 1;
	struct lsm_probe_bpf *s;

	if (cached <= 0)
		return cached;
	s = lsm_probe_bpf__open_and_load();
	cached = s ? 0 : errno ? -errno : -EINVAL;
	lsm_probe_bpf__destroy(s);
	/* best effort: an answer not kept only costs the next run a probe */
	probecache_put("bpf_lsm", cached);
	return cached;
}

int lsm_available(void)
{
	int v;

	/* anything but a plausible answer of this boot and build: probe (fail closed) */
	if (probecache_get("bpf_lsm", &v) == 0 && v <= 0 && v >= -4095)
		return v;
	return lsm_probe();
}

static bool is_lsm(const struct bpf_program *prog)
{
	return !strncmp(bpf_program__section_name(prog), "lsm/", 4);
}

/* "file_open" of "lsm/file_open", "vfs_rename" of "fexit/vfs_rename" */
static const char *hook_of(const struct bpf_program *prog)
{
	const char *sec = bpf_program__section_name(prog), *slash = strchr(sec, '/');

	return slash ? slash + 1 : sec;
}

/*
 * The programs that keep file_open's cache honest (those that call
 * names_changed() in bpf/lsm/): without every one of them, nothing is
 * cached.
 */
static const char *const cache_keepers[] = { "vfs_rename", "vfs_unlink", "sb_umount", "sb_mount",
					     "move_mount" };

static bool is_keeper(const struct bpf_program *prog)
{
	for (size_t i = 0; i < sizeof(cache_keepers) / sizeof(cache_keepers[0]); i++)
		if (!strcmp(cache_keepers[i], hook_of(prog)))
			return true;
	return false;
}

/* 0 when the kernel has the hook with the arguments the program reads, else why not. */
static const char *hook_missing(const struct btf *vmlinux, const char *hook, bool lsm)
{
	char name[128];
	const struct btf_type *fn, *proto;
	int id;

	snprintf(name, sizeof(name), "bpf_lsm_%s", hook);
	id = btf__find_by_name_kind(vmlinux, lsm ? name : hook, BTF_KIND_FUNC);
	if (id < 0)
		return "not in this kernel";
	fn = btf__type_by_id(vmlinux, id);
	proto = fn ? btf__type_by_id(vmlinux, fn->type) : NULL;
	if (!proto)
		return "no type information";
	for (size_t i = 0; lsm && i < sizeof(hook_args) / sizeof(hook_args[0]); i++)
		if (!strcmp(hook_args[i].hook, hook) && btf_vlen(proto) != hook_args[i].nargs)
			return "its arguments changed";
	return NULL;
}

/* Leaves out the programs this kernel cannot run as written. Returns 0 or -errno. */
static int select_hooks(struct lsmlayer *l)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	struct bpf_program *prog;
	size_t off = 0;

	if (!vmlinux)
		return -errno ?: -ENOENT;
	l->skel->rodata->cache_opens = 1;
	bpf_object__for_each_program(prog, l->skel->obj) {
		const char *why = hook_missing(vmlinux, hook_of(prog), is_lsm(prog));

		if (!why)
			continue;
		if (is_keeper(prog))
			l->skel->rodata->cache_opens = 0;
		bpf_program__set_autoload(prog, false);
		if (off < sizeof(l->left_out))
			off += snprintf(l->left_out + off, sizeof(l->left_out) - off, "%s%s (%s)",
					off ? ", " : "", hook_of(prog), why);
	}
	btf__free(vmlinux);
	return 0;
}

static void set_rodata(struct lsm_bpf *s, const struct policy *p, __u64 cgid)
{
	unsigned int relax = p->hardening_allow;

	s->rodata->run_cgroup_id = cgid;
	s->rodata->files_enforced = p->files.present;
	s->rodata->allow_bpf = !!(relax & HARDEN_ALLOW_BPF);
	s->rodata->allow_ptrace = !!(relax & HARDEN_ALLOW_PTRACE);
	s->rodata->allow_signal = !!(relax & HARDEN_ALLOW_SIGNAL);
	s->rodata->allow_mount = !!(relax & HARDEN_ALLOW_MOUNT);
	s->rodata->allow_userns = !!(relax & HARDEN_ALLOW_NAMESPACES);
	s->rodata->allow_ping = !!(relax & HARDEN_ALLOW_PING);
	s->rodata->allow_any_socket = !!(relax & HARDEN_ALLOW_ANY_SOCKET);
}

/* Which maps came from the network layer: a map with an fd before load was shared. */
struct shared {
	bool net, unix_, exec;
};

static int put(struct bpf_map *m, const void *k, size_t ks, const void *v, size_t vs)
{
	return bpf_map__update_elem(m, k, ks, v, vs, 0);
}

static int fill_inet(void *ctx, int family, const unsigned char *addr, unsigned int prefix,
		     const struct sx_net_value *v)
{
	struct lsmlayer *l = ctx;
	union net_lpm_key k;
	size_t ks = net_lpm_key(family, addr, prefix, &k);

	return put(family == AF_INET ? l->skel->maps.sx_net4 : l->skel->maps.sx_net6, &k, ks, v,
		   sizeof(*v));
}

static int skip_inet(void *ctx, int family, const unsigned char *addr, unsigned int prefix,
		     const struct sx_net_value *v)
{
	(void)ctx, (void)family, (void)addr, (void)prefix, (void)v;
	return 0;
}

static int fill_unix(void *ctx, const struct sx_unix_key *k, const struct sx_unix_value *v)
{
	return put(((struct lsmlayer *)ctx)->skel->maps.sx_unix, k, sizeof(*k), v, sizeof(*v));
}

static int skip_unix(void *ctx, const struct sx_unix_key *k, const struct sx_unix_value *v)
{
	(void)ctx, (void)k, (void)v;
	return 0;
}

static int fill_exec(void *ctx, const struct sx_exec_key *k, const struct sx_exec_deny *d)
{
	return put(((struct lsmlayer *)ctx)->skel->maps.sx_exec_deny, k, sizeof(*k), d, sizeof(*d));
}

static int skip_argv(void *ctx, unsigned int idx, const struct sx_argv_rule *r)
{
	(void)ctx, (void)idx, (void)r;
	return 0; /* argv rules stay with the exec checks at sched_process_exec */
}

static int fill_file(void *ctx, const struct sx_file_key *k, const struct sx_file_value *v)
{
	return put(((struct lsmlayer *)ctx)->skel->maps.sx_files, k, sizeof(*k), v, sizeof(*v));
}

static int fill_dir(void *ctx, const char *path)
{
	char key[SX_FILE_PATH_MAX] = { 0 }; /* zero-padded, as bpf/lsm/links.bpf.c looks it up */
	__u8 one = 1;

	strncpy(key, path, sizeof(key) - 1);
	return put(((struct lsmlayer *)ctx)->skel->maps.sx_file_dirs, key, sizeof(key), &one,
		   sizeof(one));
}

/* Compiles the rulebook into every map that was not shared. Returns 0 or -errno. */
static int fill_maps(struct lsmlayer *l, const struct policy *p, struct shared sh, int cgroup_fd,
		     char *err, size_t errlen)
{
	struct sx_config cfg = { .audit = p->mode == SX_MODE_AUDIT };
	struct net_sink ns = { sh.net ? skip_inet : fill_inet, sh.unix_ ? skip_unix : fill_unix, l,
				NULL };
	struct exec_sink es = { fill_exec, skip_argv, l };
	struct file_sink fs = { fill_file, l, fill_dir };
	__u32 zero = 0;
	int r = 0;

	if (!sh.net || !sh.unix_)
		r = net_compile(p, &ns, err, errlen);
	if (!r && !sh.net)
		r = put(l->skel->maps.sx_config, &zero, sizeof(zero), &cfg, sizeof(cfg));
	if (!r && !sh.exec) {
		r = exec_compile(p, &es, err, errlen);
		r = r < 0 ? r : exec_fill_wx(p, bpf_map__fd(l->skel->maps.sx_exec_wx));
	}
	if (!r)
		r = lsm_files_compile(p, &fs, err, errlen);
	/* the cgroup array the programs filter on (the tracker's, when shared) */
	if (!r)
		r = put(l->skel->maps.sx_cgroup, &zero, sizeof(zero), &cgroup_fd, sizeof(cgroup_fd));
	if (r < 0 && !err[0])
		snprintf(err, errlen, "cannot fill the BPF LSM maps: %s", strerror(-r));
	return r;
}

int lsm_open(const struct policy *p, const struct netlayer *nl, const struct execlayer *x,
	     int cgroup_fd, struct lsmlayer **ret, char *err, size_t errlen)
{
	struct lsmlayer *l = calloc(1, sizeof(*l));
	struct shared sh = { false, false, false };
	struct stat st;
	int r;

	*ret = NULL;
	err[0] = 0;
	if (!l)
		return -ENOMEM;
	l->skel = lsm_bpf__open();
	r = l->skel ? 0 : -errno;
	r = r ?: select_hooks(l);
	r = r ?: fstat(cgroup_fd, &st) ? -errno : 0; /* a cgroup's inode number is its id */
	if (!r)
		set_rodata(l->skel, p, st.st_ino);
	if (!r && nl)
		r = netlayer_share_maps(nl, l->skel->obj);
	if (!r && x)
		r = exec_share_maps(x, l->skel->obj);
	if (!r) {
		sh.net = bpf_map__fd(l->skel->maps.sx_net4) >= 0;
		sh.unix_ = bpf_map__fd(l->skel->maps.sx_unix) >= 0;
		sh.exec = bpf_map__fd(l->skel->maps.sx_exec_deny) >= 0;
		/* shared maps: the cgroup programs count what they see */
		l->skel->rodata->count_net = !sh.net;
		l->skel->rodata->count_unix = !sh.unix_;
		r = lsm_bpf__load(l->skel);
		if (r)
			snprintf(err, errlen, "cannot load the BPF LSM programs: %s", strerror(-r));
	}
	r = r ?: fill_maps(l, p, sh, cgroup_fd, err, errlen);
	if (r) {
		if (!err[0])
			snprintf(err, errlen, "BPF LSM layer: %s", strerror(-r));
		lsm_close(l, NULL);
		return r;
	}
	*ret = l;
	return 0;
}

/* Attaches prog and pins its link under pin_dir (NULL: no pin). Returns 0 or -errno. */
static int attach_one(struct lsmlayer *l, struct bpf_program *prog, const char *pin_dir)
{
	struct bpf_link *link;
	char name[128];

	if (l->nlinks >= LSM_MAX_PROGS)
		return -E2BIG;
	link = bpf_program__attach(prog);
	if (!link)
		return -errno;
	l->links[l->nlinks++] = link;
	if (!pin_dir)
		return 0;
	snprintf(name, sizeof(name), "lsm_%s", hook_of(prog));
	return bpfobj_pin(link, pin_dir, name);
}

/*
 * Forgets every decision file_open cached: after a detach, names may have
 * changed while nothing counted. Only the cache's keepers run meanwhile,
 * and they only ever add, so a lost increment still leaves every older
 * entry behind.
 */
static int forget_cache(struct lsmlayer *l)
{
	__u32 zero = 0;
	__u64 gen = 0;
	int r;

	r = bpf_map__lookup_elem(l->skel->maps.sx_names_gen, &zero, sizeof(zero), &gen,
				 sizeof(gen), 0);
	gen++;
	return r ?: bpf_map__update_elem(l->skel->maps.sx_names_gen, &zero, sizeof(zero), &gen,
					 sizeof(gen), 0);
}

int lsm_attach(struct lsmlayer *l, const char *pin_dir)
{
	struct bpf_program *prog;
	int r = 0;

	/* first the programs that invalidate file_open's cache, then the hooks that use it */
	for (int pass = 0; pass < 2 && !r; pass++) {
		bpf_object__for_each_program(prog, l->skel->obj)
			if (!r && bpf_program__autoload(prog) && is_keeper(prog) == !pass)
				r = attach_one(l, prog, pin_dir);
		if (!r && !pass)
			r = forget_cache(l);
	}
	return r;
}

void lsm_detach(struct lsmlayer *l)
{
	bpfobj_links_close(l->links, l->nlinks, false);
	l->nlinks = 0;
}

void lsm_close(struct lsmlayer *l, const char *pin_dir)
{
	if (!l)
		return;
	bpfobj_links_close(l->links, l->nlinks, pin_dir != NULL);
	lsm_bpf__destroy(l->skel);
	free(l);
}

void lsm_describe(const struct lsmlayer *l, char *buf, size_t len)
{
	struct bpf_program *prog;
	size_t off = snprintf(buf, len, "bpf-lsm: hooks");

	bpf_object__for_each_program(prog, l->skel->obj)
		if (bpf_program__autoload(prog) && off < len)
			off += snprintf(buf + off, len - off, " %s", hook_of(prog));
	if (l->left_out[0] && off < len)
		snprintf(buf + off, len - off, "; left out: %s", l->left_out);
}

int lsm_events_fd(const struct lsmlayer *l)
{
	return bpf_map__fd(l->skel->maps.sx_events);
}

int lsm_denials_fd(const struct lsmlayer *l)
{
	return bpf_map__fd(l->skel->maps.sx_denials);
}
