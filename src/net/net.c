// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading, attaching and pinning the network layer of one run.
 *
 * Two skeletons share one set of maps: net (inet connect/sendmsg, owns
 * the maps, among them the run's configuration, event ring buffer and
 * counters that every later layer is handed) and unix
 * (connect_unix/sendmsg_unix, kernel 6.7+). The cgroup links are pinned
 * under /sys/fs/bpf/sevorix/RUN, so that enforcement outlives the
 * supervisor: if it is killed, the agent stays confined (fail closed)
 * until `sevorix cleanup` finds its cgroup empty.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "net/internal.h"
#include "sevorix/abi.h"
#include "util/bpfobj.h"

/* Not in the uapi headers of libbpf 1.1 / Linux 6.1 */
#define SX_ATTACH_CGROUP_UNIX_CONNECT 49
#define SX_ATTACH_CGROUP_UNIX_SENDMSG 50

int netlayer_probe(void)
{
	struct net_bpf *s;
	int r;

	s = net_bpf__open_and_load();
	r = s ? 0 : -errno;
	net_bpf__destroy(s);
	return r;
}

static int add_inet(void *ctx, int family, const unsigned char *addr, unsigned int prefix,
		    const struct sx_net_value *v)
{
	struct net_bpf *s = ctx;
	union net_lpm_key k;
	size_t ks = net_lpm_key(family, addr, prefix, &k);

	return bpf_map__update_elem(family == AF_INET ? s->maps.sx_net4 : s->maps.sx_net6, &k, ks,
				    v, sizeof(*v), 0);
}

struct sink_ctx {
	struct net_bpf *net;
	struct unix_bpf *unix_; /* NULL: no UNIX hooks (before 6.7), nothing to store */
};

static int sink_inet(void *ctx, int family, const unsigned char *addr, unsigned int prefix,
		     const struct sx_net_value *v)
{
	return add_inet(((struct sink_ctx *)ctx)->net, family, addr, prefix, v);
}

static int sink_unix(void *ctx, const struct sx_unix_key *k, const struct sx_unix_value *v)
{
	struct unix_bpf *u = ((struct sink_ctx *)ctx)->unix_;

	return u ? bpf_map__update_elem(u->maps.sx_unix, k, sizeof(*k), v, sizeof(*v), 0) : 0;
}

static int sink_bind(void *ctx, int family, const unsigned char *addr, unsigned int prefix,
		     const struct sx_net_value *v)
{
	struct net_bpf *s = ((struct sink_ctx *)ctx)->net;
	union net_lpm_key k;
	size_t ks = net_lpm_key(family, addr, prefix, &k);

	return bpf_map__update_elem(family == AF_INET ? s->maps.sx_bind4 : s->maps.sx_bind6, &k,
				    ks, v, sizeof(*v), 0);
}

int netlayer_share_maps(const struct netlayer *nl, struct bpf_object *obj)
{
	int r = bpfobj_share_maps(obj, nl->maps->obj);

	/* the UNIX object's own maps exist once it is loaded (netlayer_finish) */
	if (!r && nl->unix_ && !nl->unix_load.started)
		r = bpfobj_share_maps(obj, nl->unix_->obj);
	return r;
}

void netlayer_unix_attach_types(struct bpf_object *obj)
{
	bpf_program__set_expected_attach_type(
		bpf_object__find_program_by_name(obj, "sevorix_connect_unix"),
		SX_ATTACH_CGROUP_UNIX_CONNECT);
	bpf_program__set_expected_attach_type(
		bpf_object__find_program_by_name(obj, "sevorix_sendmsg_unix"),
		SX_ATTACH_CGROUP_UNIX_SENDMSG);
}

/* The UNIX programs, opened on the maps of m (not loaded). NULL with errno. */
static struct unix_bpf *open_unix(const struct net_bpf *m)
{
	LIBBPF_OPTS(bpf_object_open_opts, o);
	char btf[PATH_MAX];
	size_t size;
	const void *elf = unix_bpf__elf_bytes(&size);
	struct unix_bpf *u;
	int r;

	bpfobj_core_btf(&o, "unix", elf, size, btf, sizeof(btf));
	u = unix_bpf__open_opts(&o);
	if (!u)
		return NULL;
	netlayer_unix_attach_types(u->obj);
	r = bpfobj_share_maps(u->obj, m->obj);
	if (r) {
		unix_bpf__destroy(u);
		errno = -r;
		return NULL;
	}
	return u;
}

/*
 * The network programs the policy needs, opened on the maps of m (not
 * loaded): the names' and bind rules' programs are not even verified for a
 * policy without them (their verification is most of a run's start-up
 * cost here). NULL with errno.
 */
static struct net_bpf *open_net(const struct policy *p, const struct net_bpf *m)
{
	struct net_bpf *s = net_bpf__open();
	bool names = policy_names_hosts(p), bind = p->bind.present;
	int r;

	if (!s)
		return NULL;
	bpf_program__set_autoload(s->progs.sevorix_recvmsg4, names);
	bpf_program__set_autoload(s->progs.sevorix_recvmsg6, names);
	bpf_program__set_autoload(s->progs.sevorix_getpeername4, names);
	bpf_program__set_autoload(s->progs.sevorix_getpeername6, names);
	bpf_program__set_autoload(s->progs.sevorix_bind4, bind);
	bpf_program__set_autoload(s->progs.sevorix_bind6, bind);
	bpf_program__set_autoload(s->progs.sevorix_ingress, bind);
	r = bpfobj_share_maps(s->obj, m->obj);
	if (r) {
		net_bpf__destroy(s);
		errno = -r;
		return NULL;
	}
	return s;
}

/*
 * The maps of the run, made by loading the network object without any
 * program: the inet and the UNIX objects are then both opened on them and
 * verified at the same time, on two CPUs, instead of one after the other.
 * A policy without host rules learns no address and redirects no lookup:
 * those two tables (65,536 and 16,384 entries) are made with one entry.
 * NULL with errno.
 */
static struct net_bpf *make_maps(const struct policy *p)
{
	struct net_bpf *m = net_bpf__open();
	int r;

	if (!m)
		return NULL;
	if (!policy_names_hosts(p)) {
		bpf_map__set_max_entries(m->maps.sx_learnt, 1);
		bpf_map__set_max_entries(m->maps.sx_dns_orig, 1);
	}
	r = bpfobj_load_maps(m->obj);
	if (r) {
		net_bpf__destroy(m);
		errno = -r;
		return NULL;
	}
	return m;
}

int netlayer_begin(const struct policy *p, struct netlayer **ret, char *err, size_t errlen)
{
	struct netlayer *nl = calloc(1, sizeof(*nl));
	int r;

	*ret = NULL;
	if (!nl)
		return -ENOMEM;
	nl->maps = make_maps(p);
	nl->net = nl->maps ? open_net(p, nl->maps) : NULL;
	/* fail closed: a failure that left errno 0 is a failure still */
	r = nl->net ? bpfobj_load_start(&nl->inet_load, nl->net->obj) : -(errno ?: EINVAL);
	/* without the UNIX hooks (before 6.7) UNIX rules are not enforced here */
	nl->unix_ = r ? NULL : open_unix(nl->maps);
	if (nl->unix_ && bpfobj_load_start(&nl->unix_load, nl->unix_->obj) < 0) {
		unix_bpf__destroy(nl->unix_);
		nl->unix_ = NULL;
	}
	if (r < 0) {
		snprintf(err, errlen, "cannot load the cgroup network programs: %s", strerror(-r));
		netlayer_close(nl, NULL);
		return r;
	}
	*ret = nl;
	return 0;
}

/* Waits for the programs' loads; the UNIX ones may fail (no hooks before 6.7). */
static int wait_loads(struct netlayer *nl)
{
	int r = bpfobj_load_wait(&nl->inet_load);

	if (nl->unix_ && bpfobj_load_wait(&nl->unix_load) < 0) {
		unix_bpf__destroy(nl->unix_);
		nl->unix_ = NULL;
	}
	return r;
}

int netlayer_finish(struct netlayer *nl, const struct policy *p, char *err, size_t errlen)
{
	struct sink_ctx sc;
	struct net_sink sink = { sink_inet, sink_unix, &sc, sink_bind };
	struct sx_config cfg = { .audit = p->mode == SX_MODE_AUDIT };
	__u32 zero = 0;
	int r = wait_loads(nl);

	if (r < 0) {
		snprintf(err, errlen, "cannot load the cgroup network programs: %s", strerror(-r));
		return r;
	}
	sc = (struct sink_ctx){ nl->net, nl->unix_ };
	r = net_compile(p, &sink, err, errlen);
	if (r < 0)
		return r;
	r = bpf_map__update_elem(nl->net->maps.sx_config, &zero, sizeof(zero), &cfg, sizeof(cfg), 0);
	if (r < 0) {
		snprintf(err, errlen, "cannot store the run configuration: %s", strerror(-r));
		return r;
	}
	nl->names = policy_names_hosts(p);
	r = nl->names ? netlayer_compile_hosts(nl, p, err, errlen) : 0;
	if (r < 0)
		return r;
	/* without network.bind, binding is not restricted: no program is attached for it */
	nl->cfg.bind = p->bind.present;
	r = netlayer_write_cfg(nl);
	if (r < 0)
		snprintf(err, errlen, "cannot store the network settings: %s", strerror(-r));
	return r;
}

int netlayer_open(const struct policy *p, struct netlayer **ret, char *err, size_t errlen)
{
	int r = netlayer_begin(p, ret, err, errlen);

	r = r ?: netlayer_finish(*ret, p, err, errlen);
	if (r < 0 && *ret) {
		netlayer_close(*ret, NULL);
		*ret = NULL;
	}
	return r;
}

static int attach_one(struct netlayer *nl, struct bpf_program *prog, int cgroup_fd,
		      const char *name, const char *pin_dir)
{
	struct bpf_link *l = bpf_program__attach_cgroup(prog, cgroup_fd);

	if (!l)
		return -errno;
	nl->links[nl->nlinks++] = l;
	return bpfobj_pin(l, pin_dir, name);
}

int netlayer_attach(struct netlayer *nl, int cgroup_fd, const char *pin_dir)
{
	int r;

	r = attach_one(nl, nl->net->progs.sevorix_connect4, cgroup_fd, "connect4", pin_dir);
	r = r ?: attach_one(nl, nl->net->progs.sevorix_connect6, cgroup_fd, "connect6", pin_dir);
	r = r ?: attach_one(nl, nl->net->progs.sevorix_sendmsg4, cgroup_fd, "sendmsg4", pin_dir);
	r = r ?: attach_one(nl, nl->net->progs.sevorix_sendmsg6, cgroup_fd, "sendmsg6", pin_dir);
	/* what leaves goes where its socket was judged to go (bpf/sock.bpf.h) */
	r = r ?: attach_one(nl, nl->net->progs.sevorix_egress, cgroup_fd, "egress", pin_dir);
	/* answers of the run's resolver, shown as from the server asked (docs/dns.md) */
	if (!r && nl->names) {
		r = attach_one(nl, nl->net->progs.sevorix_recvmsg4, cgroup_fd, "recvmsg4", pin_dir);
		r = r ?: attach_one(nl, nl->net->progs.sevorix_recvmsg6, cgroup_fd, "recvmsg6",
				    pin_dir);
		r = r ?: attach_one(nl, nl->net->progs.sevorix_getpeername4, cgroup_fd,
				    "getpeername4", pin_dir);
		r = r ?: attach_one(nl, nl->net->progs.sevorix_getpeername6, cgroup_fd,
				    "getpeername6", pin_dir);
	}
	/* network.bind: bind(2), and listeners that never called it */
	if (!r && nl->cfg.bind) {
		r = attach_one(nl, nl->net->progs.sevorix_bind4, cgroup_fd, "bind4", pin_dir);
		r = r ?: attach_one(nl, nl->net->progs.sevorix_bind6, cgroup_fd, "bind6", pin_dir);
		r = r ?: attach_one(nl, nl->net->progs.sevorix_ingress, cgroup_fd, "ingress",
				    pin_dir);
	}
	if (!r && nl->unix_) {
		r = attach_one(nl, nl->unix_->progs.sevorix_connect_unix, cgroup_fd,
			       "connect_unix", pin_dir);
		r = r ?: attach_one(nl, nl->unix_->progs.sevorix_sendmsg_unix, cgroup_fd,
				    "sendmsg_unix", pin_dir);
	}
	return r;
}

int netlayer_write_cfg(struct netlayer *nl)
{
	__u32 zero = 0;

	return bpf_map__update_elem(nl->net->maps.sx_netcfg, &zero, sizeof(zero), &nl->cfg,
				    sizeof(nl->cfg), 0);
}

int netlayer_net_approvals_fd(const struct netlayer *nl)
{
	return bpf_map__fd(nl->net->maps.sx_net_approved);
}

void netlayer_close(struct netlayer *nl, const char *pin_dir)
{
	if (!nl)
		return;
	/* a load still running uses the objects: it ends before they go */
	bpfobj_load_wait(&nl->inet_load);
	bpfobj_load_wait(&nl->unix_load);
	bpfobj_links_close(nl->links, nl->nlinks, pin_dir != NULL);
	unix_bpf__destroy(nl->unix_);
	net_bpf__destroy(nl->net);
	net_bpf__destroy(nl->maps);
	free(nl);
}

int netlayer_events_fd(const struct netlayer *nl)
{
	return bpf_map__fd(nl->net->maps.sx_events);
}

int netlayer_map_fd(const struct netlayer *nl, const char *name)
{
	int fd = bpf_object__find_map_fd_by_name(nl->net->obj, name);

	return fd >= 0 ? fd : -1;
}

static unsigned long long percpu_sum(const struct bpf_map *m, __u32 key)
{
	int ncpu = libbpf_num_possible_cpus();
	unsigned long long sum = 0;
	__u64 *vals;

	if (ncpu <= 0)
		return 0;
	vals = calloc(ncpu, sizeof(*vals));
	if (vals && bpf_map__lookup_elem(m, &key, sizeof(key), vals, ncpu * sizeof(*vals), 0) == 0)
		for (int i = 0; i < ncpu; i++)
			sum += vals[i];
	free(vals);
	return sum;
}

unsigned long long netlayer_stat(const struct netlayer *nl, int stat)
{
	return percpu_sum(nl->net->maps.sx_stats, stat);
}

unsigned long long netlayer_rule_hits(const struct netlayer *nl, unsigned int slot)
{
	return percpu_sum(nl->net->maps.sx_rule_hits, slot);
}

bool netlayer_has_unix(const struct netlayer *nl)
{
	return nl->unix_ != NULL;
}
