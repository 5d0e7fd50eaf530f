// SPDX-License-Identifier: GPL-2.0-only
/*
 * The maps of a protected cgroup, reached through its pinned links, and
 * the in-place rewrite of their rules (maps.h). The rewrite compiles the
 * policy with the same compilers as a fresh load (net_compile,
 * exec_compile) into sinks that write the live maps, remembering every key
 * written; the keys the new policy does not have are deleted last. The
 * maps of the approvals, events and counters are never touched, so a hold
 * that writes approvals keeps working through the change.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "apply/maps.h"
#include "lsm/lsm.h"
#include "exec/exec.h"
#include "net/net.h"
#include "events/events.h"
#include "sevorix/abi.h"

static int *slot_of(struct run_maps *m, const char *name)
{
	static const struct {
		const char *name;
		size_t off;
	} names[] = {
		{ "sx_net4", offsetof(struct run_maps, net4) },
		{ "sx_net6", offsetof(struct run_maps, net6) },
		{ "sx_unix", offsetof(struct run_maps, unix_) },
		{ "sx_exec_deny", offsetof(struct run_maps, exec_deny) },
		{ "sx_argv_rules", offsetof(struct run_maps, argv_rules) },
		{ "sx_config", offsetof(struct run_maps, config) },
		{ "sx_approved", offsetof(struct run_maps, approved) },
		{ "sx_net_approved", offsetof(struct run_maps, net_approved) },
		{ "sx_events", offsetof(struct run_maps, events) },
		{ "sx_stats", offsetof(struct run_maps, stats) },
		{ "sx_rule_hits", offsetof(struct run_maps, rule_hits) },
		{ "sx_quiet", offsetof(struct run_maps, quiet) },
		{ "sx_denials", offsetof(struct run_maps, denials) },
		{ "sx_agg", offsetof(struct run_maps, agg) },
		{ "sx_latest", offsetof(struct run_maps, latest) },
		{ "sx_files", offsetof(struct run_maps, files) },
		{ "sx_file_dirs", offsetof(struct run_maps, file_dirs) },
		{ "sx_names_gen", offsetof(struct run_maps, names_gen) },
		{ "sx_netcfg", offsetof(struct run_maps, netcfg) },
		{ "sx_bind4", offsetof(struct run_maps, bind4) },
		{ "sx_bind6", offsetof(struct run_maps, bind6) },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (!strcmp(name, names[i].name))
			return (int *)((char *)m + names[i].off);
	return NULL;
}

/* Takes the maps of the program behind one pinned link. */
static int maps_of_link(const char *path, struct run_maps *m)
{
	struct bpf_link_info li = { 0 };
	struct bpf_prog_info pi = { 0 };
	__u32 ids[64], len = sizeof(li);
	int link = bpf_obj_get(path), prog = -1, r;

	if (link < 0)
		return -errno;
	r = bpf_obj_get_info_by_fd(link, &li, &len);
	if (!r && (prog = bpf_prog_get_fd_by_id(li.prog_id)) < 0)
		r = -errno;
	len = sizeof(pi);
	pi.nr_map_ids = sizeof(ids) / sizeof(*ids);
	pi.map_ids = (__u64)(unsigned long)ids;
	r = r ?: bpf_obj_get_info_by_fd(prog, &pi, &len);
	for (__u32 i = 0; !r && i < pi.nr_map_ids && i < sizeof(ids) / sizeof(*ids); i++) {
		struct bpf_map_info mi = { 0 };
		__u32 mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]), *slot;

		if (fd < 0)
			continue;
		slot = bpf_obj_get_info_by_fd(fd, &mi, &mlen) == 0 ? slot_of(m, mi.name) : NULL;
		if (slot && *slot < 0)
			*slot = fd;
		else
			close(fd);
	}
	if (prog >= 0)
		close(prog);
	close(link);
	return r;
}

int run_maps_open(const char *pin_dir, struct run_maps *m)
{
	static const char *const links[] = { "connect4", "connect6", "connect_unix", "exec",
					      "lsm_file_open", "lsm_path_rename", "bind4" };
	char path[4200];
	int found = 0;

	memset(m, 0xff, sizeof(*m)); /* every fd -1 */
	for (size_t i = 0; i < sizeof(links) / sizeof(*links); i++) {
		snprintf(path, sizeof(path), "%s/%s", pin_dir, links[i]);
		if (maps_of_link(path, m) == 0)
			found++;
	}
	if (!found)
		return -ENOENT;
	if (m->net4 < 0 || m->config < 0 || m->events < 0 || m->stats < 0) {
		run_maps_close(m);
		return -ENOENT; /* not the programs of a Sevorix run */
	}
	return 0;
}

void run_maps_close(struct run_maps *m)
{
	int *fd = (int *)m;

	for (size_t i = 0; i < sizeof(*m) / sizeof(int); i++)
		if (fd[i] >= 0) {
			close(fd[i]);
			fd[i] = -1;
		}
}

void run_maps_events(const struct run_maps *m, struct events_maps *out)
{
	*out = (struct events_maps){ .events = m->events, .stats = m->stats,
				     .rule_hits = m->rule_hits, .quiet = m->quiet,
				     .denials = m->denials, .agg = m->agg, .latest = m->latest };
}

unsigned long long run_maps_stat(const struct run_maps *m, unsigned int stat)
{
	int ncpu = libbpf_num_possible_cpus();
	unsigned long long sum = 0;
	__u64 *vals;

	if (ncpu <= 0 || m->stats < 0)
		return 0;
	vals = calloc(ncpu, sizeof(*vals));
	if (vals && bpf_map_lookup_elem(m->stats, &stat, vals) == 0)
		for (int i = 0; i < ncpu; i++)
			sum += vals[i];
	free(vals);
	return sum;
}

/*
 * The entries of one map during a rewrite: collected from the compiler
 * first, then written by keyset_write().
 */
struct keyset {
	int fd;
	size_t ksize, vsize, n;
	bool lpm;		/* keys begin with a __u32 prefix length */
	unsigned char *kv;	/* n entries of key then value */
};

static int keyset_put(struct keyset *s, const void *k, const void *v)
{
	size_t e = s->ksize + s->vsize;
	unsigned char *a;

	a = realloc(s->kv, (s->n + 1) * e);
	if (!a)
		return -ENOMEM;
	s->kv = a;
	memcpy(a + s->n * e, k, s->ksize);
	memcpy(a + s->n++ * e + s->ksize, v, s->vsize);
	return 0;
}

static int longer_first(const void *a, const void *b)
{
	__u32 pa, pb;

	memcpy(&pa, a, sizeof(pa));
	memcpy(&pb, b, sizeof(pb));
	return pa < pb ? 1 : pa > pb ? -1 : 0;
}

/*
 * Writes the collected entries, in a trie longer prefixes first. A lookup
 * then meets either the new entry of its address's longest new prefix
 * (when it is written) or only entries that still hold old values for
 * it: the old policy's longest match is one of them, as every shorter
 * shared key is still unwritten. Written shortest first, a shared short
 * prefix could already carry its new list for an address whose longer new
 * prefix (with a deny of both policies) is not there yet.
 */
static int keyset_write(struct keyset *s)
{
	size_t e = s->ksize + s->vsize;

	if (s->fd < 0)
		return s->n ? -ENOENT : 0; /* the policy needs a map this kernel did not load */
	if (s->lpm && s->n > 1)
		qsort(s->kv, s->n, e, longer_first);
	for (size_t i = 0; i < s->n; i++)
		if (bpf_map_update_elem(s->fd, s->kv + i * e, s->kv + i * e + s->ksize, BPF_ANY) < 0)
			return -errno;
	return 0;
}

/* Deletes the keys of the map that the new policy did not write. */
static int keyset_prune(struct keyset *s)
{
	unsigned char key[sizeof(struct sx_unix_key) > sizeof(struct sx_file_key) ?
			  sizeof(struct sx_unix_key) : sizeof(struct sx_file_key)],
		next[sizeof(key)], *stale = NULL;
	size_t nstale = 0;
	void *prev = NULL;
	int r = 0;

	if (s->fd < 0)
		return 0;
	while (bpf_map_get_next_key(s->fd, prev, next) == 0) {
		bool keep = false;

		for (size_t i = 0; i < s->n && !keep; i++)
			keep = !memcmp(s->kv + i * (s->ksize + s->vsize), next, s->ksize);
		if (!keep) {
			unsigned char *a = realloc(stale, (nstale + 1) * s->ksize);

			if (!a) {
				r = -ENOMEM;
				break;
			}
			stale = a;
			memcpy(stale + nstale++ * s->ksize, next, s->ksize);
		}
		memcpy(key, next, s->ksize);
		prev = key;
	}
	for (size_t i = 0; i < nstale; i++)
		bpf_map_delete_elem(s->fd, stale + i * s->ksize);
	free(stale);
	return r;
}

struct rewrite {
	struct keyset net4, net6, unix_, exec, files, dirs, bind4, bind6;
	struct sx_argv_rule argv[SX_ARGV_RULES];
	const struct run_maps *m;
};

static int put_inet(void *ctx, int family, const unsigned char *addr, unsigned int prefix,
		    const struct sx_net_value *v)
{
	struct rewrite *w = ctx;
	union net_lpm_key k;

	net_lpm_key(family, addr, prefix, &k);
	return keyset_put(family == AF_INET ? &w->net4 : &w->net6, &k, v);
}

static int put_bind(void *ctx, int family, const unsigned char *addr, unsigned int prefix,
		    const struct sx_net_value *v)
{
	struct rewrite *w = ctx;
	struct keyset *s = family == AF_INET ? &w->bind4 : &w->bind6;
	union net_lpm_key k;

	/* a run without network.bind has no bind programs: nothing to rewrite */
	if (s->fd < 0)
		return 0;
	net_lpm_key(family, addr, prefix, &k);
	return keyset_put(s, &k, v);
}

static int put_unix(void *ctx, const struct sx_unix_key *k, const struct sx_unix_value *v)
{
	struct rewrite *w = ctx;

	/* before 6.7 there are no UNIX hooks and no map: the rules are not enforced */
	return w->unix_.fd < 0 ? 0 : keyset_put(&w->unix_, k, v);
}

static int put_file(void *ctx, const struct sx_exec_key *k, const struct sx_exec_deny *d)
{
	return keyset_put(&((struct rewrite *)ctx)->exec, k, d);
}

static int put_file_rule(void *ctx, const struct sx_file_key *k, const struct sx_file_value *v)
{
	return keyset_put(&((struct rewrite *)ctx)->files, k, v);
}

static int put_dir(void *ctx, const char *path)
{
	struct rewrite *w = ctx;
	char key[SX_FILE_PATH_MAX] = { 0 }; /* zero-padded, as bpf/lsm/links.bpf.c looks it up */
	__u8 one = 1;

	strncpy(key, path, sizeof(key) - 1);
	for (size_t i = 0; i < w->dirs.n; i++) /* a directory may come more than once */
		if (!memcmp(w->dirs.kv + i * (w->dirs.ksize + 1), key, sizeof(key)))
			return 0;
	return keyset_put(&w->dirs, key, &one);
}

static int put_argv(void *ctx, unsigned int idx, const struct sx_argv_rule *r)
{
	struct rewrite *w = ctx;

	w->argv[idx] = *r; /* idx < SX_ARGV_RULES: exec_compile refuses more */
	return 0;
}

/* The configuration's argv rule count and mode; exec_approval stays. */
static int put_config(const struct run_maps *m, bool audit, int nargv)
{
	struct sx_config cfg = { 0 };
	__u32 zero = 0;

	if (bpf_map_lookup_elem(m->config, &zero, &cfg) < 0)
		return -errno;
	cfg.audit = audit;
	cfg.n_argv_rules = nargv;
	return bpf_map_update_elem(m->config, &zero, &cfg, BPF_ANY) < 0 ? -errno : 0;
}

static int write_argv(const struct run_maps *m, const struct sx_argv_rule *rules, int from,
		      int n)
{
	for (int i = 0; i < n; i++) {
		__u32 idx = from + i;

		if (bpf_map_update_elem(m->argv_rules, &idx, &rules[i], BPF_ANY) < 0)
			return -errno;
	}
	return 0;
}

/*
 * Every argv rule kills what it matches, so during the change the old and
 * the new rules are in force together: the new ones go behind the old and
 * are counted, then take the front, then the count shrinks to them.
 */
static int rewrite_argv(const struct run_maps *m, const struct rewrite *w, int old, bool audit,
			int nargv)
{
	int r = write_argv(m, w->argv, old, nargv);

	r = r ?: put_config(m, audit, old + nargv);
	r = r ?: write_argv(m, w->argv, 0, nargv);
	return r ?: put_config(m, audit, nargv);
}

/*
 * After the file trie changed: file_open's decisions cached on inodes are
 * of the old rules, and a new generation makes them stale. Read and write
 * are not one step, but a bump by the kernel in between only ever comes
 * after the trie was complete, so what was cached under it is new.
 */
static int forget_cached_opens(const struct run_maps *m)
{
	__u32 zero = 0;
	__u64 gen = 0;

	if (bpf_map_lookup_elem(m->names_gen, &zero, &gen) < 0)
		return -errno;
	gen++;
	return bpf_map_update_elem(m->names_gen, &zero, &gen, BPF_ANY) < 0 ? -errno : 0;
}

/* Compiles p into w and reads the configuration; writes nothing. Returns 0 or -errno. */
static int rewrite_compile(struct rewrite *w, const struct policy *p, struct sx_config *cfg,
			   int *nargv, char *err, size_t errlen)
{
	struct net_sink ns = { put_inet, put_unix, w, put_bind };
	struct exec_sink xs = { put_file, put_argv, w };
	struct file_sink fs = { put_file_rule, w, put_dir };
	__u32 zero = 0;
	int r = net_compile(p, &ns, err, errlen);

	if (!r && (*nargv = exec_compile(p, &xs, err, errlen)) < 0)
		r = *nargv;
	r = r ?: lsm_files_compile(p, &fs, err, errlen);
	if (!r && bpf_map_lookup_elem(w->m->config, &zero, cfg) < 0)
		r = -errno;
	return r;
}

/* Every new entry first, then the old ones go (see run_maps_rewrite). Returns 0 or -errno. */
static int rewrite_write(struct rewrite *w, const struct sx_config *cfg, bool audit, int nargv)
{
	const struct run_maps *m = w->m;
	bool lsm = m->files >= 0 && m->file_dirs >= 0 && m->names_gen >= 0;
	int r;

	r = keyset_write(&w->net4);
	r = r ?: keyset_write(&w->net6);
	r = r ?: keyset_write(&w->bind4);
	r = r ?: keyset_write(&w->bind6);
	r = r ?: keyset_write(&w->unix_);
	/* the exec checks exist only where exec rules were loaded at start */
	if (m->exec_deny >= 0) {
		r = r ?: keyset_write(&w->exec);
		r = r ?: rewrite_argv(m, w, cfg->n_argv_rules, audit, nargv);
	} else {
		r = r ?: put_config(m, audit, 0);
	}
	/* the file trie exists only where the BPF LSM layer loaded */
	if (lsm) {
		r = r ?: keyset_write(&w->files);
		r = r ?: keyset_write(&w->dirs);
	}
	/* only once everything new is in place do the old entries go */
	r = r ?: keyset_prune(&w->net4);
	r = r ?: keyset_prune(&w->net6);
	r = r ?: keyset_prune(&w->bind4);
	r = r ?: keyset_prune(&w->bind6);
	r = r ?: keyset_prune(&w->unix_);
	r = r ?: keyset_prune(&w->exec);
	r = r ?: keyset_prune(&w->files);
	r = r ?: keyset_prune(&w->dirs);
	if (lsm)
		r = r ?: forget_cached_opens(m);
	return r;
}

int run_maps_rewrite(const struct run_maps *m, const struct policy *p, char *err, size_t errlen)
{
	struct rewrite w = {
		.net4 = { m->net4, sizeof(struct sx_lpm4_key), sizeof(struct sx_net_value), 0, true },
		.net6 = { m->net6, sizeof(struct sx_lpm6_key), sizeof(struct sx_net_value), 0, true },
		.unix_ = { m->unix_, sizeof(struct sx_unix_key), sizeof(struct sx_unix_value), 0, true },
		.exec = { m->exec_deny, sizeof(struct sx_exec_key), sizeof(struct sx_exec_deny), 0 },
		.files = { m->files, sizeof(struct sx_file_key), sizeof(struct sx_file_value), 0, true },
		.dirs = { m->file_dirs, SX_FILE_PATH_MAX, 1, 0 },
		.bind4 = { m->bind4, sizeof(struct sx_lpm4_key), sizeof(struct sx_net_value), 0, true },
		.bind6 = { m->bind6, sizeof(struct sx_lpm6_key), sizeof(struct sx_net_value), 0, true },
		.m = m,
	};
	struct sx_config cfg = { 0 };
	struct sx_netcfg nc = { 0 };
	__u32 zero = 0;
	int r, nargv = 0;

	/* the names a run learns are its resolver's, which the policy set up at start */
	if (m->netcfg >= 0)
		bpf_map_lookup_elem(m->netcfg, &zero, &nc);
	if (nc.dns || policy_names_hosts(p)) {
		snprintf(err, errlen, "host rules and network.dns are set when the agent starts: "
				      "restart it to change or add them (docs/dns.md)");
		return -EOPNOTSUPP;
	}
	if (m->bind4 < 0 && p->bind.present) {
		snprintf(err, errlen, "network.bind is set up when the agent starts: restart it to "
				      "add bind rules");
		return -EOPNOTSUPP;
	}
	/* all is compiled before the first write: what the compilers refuse changes nothing */
	r = rewrite_compile(&w, p, &cfg, &nargv, err, errlen);
	if (!r && m->exec_deny >= 0 && cfg.n_argv_rules + nargv > SX_ARGV_RULES)
		r = -E2BIG; /* nothing written yet: the running rules stay */
	r = r ?: rewrite_write(&w, &cfg, p->mode == SX_MODE_AUDIT, nargv);
	if (r == -E2BIG && !err[0])
		snprintf(err, errlen, "the old and the new argv rules together exceed %d: "
			 "restart the run to change them", SX_ARGV_RULES);
	if (r < 0 && !err[0])
		snprintf(err, errlen, "cannot rewrite the kernel maps: %s", strerror(-r));
	free(w.net4.kv);
	free(w.net6.kv);
	free(w.unix_.kv);
	free(w.exec.kv);
	free(w.files.kv);
	free(w.dirs.kv);
	free(w.bind4.kv);
	free(w.bind6.kv);
	return r;
}
