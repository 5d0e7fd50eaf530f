// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading, filling, attaching and pinning the exec checks and the process
 * tracker of one run (exec/exec.h). The object is loaded on the network
 * layer's maps, so the configuration it changes here (the number of argv
 * rules, whether execs need an approval) is the run's one configuration.
 * The links are pinned beside the network layer's: if the supervisor is
 * killed, the checks stay (fail closed) until `sevorix cleanup` finds the
 * cgroup empty.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exec/exec.h"
#include "net/net.h"
#include "sevorix/abi.h"
#include "util/bpfobj.h"
#include "exec.skel.h"

#define EXEC_LINKS 3

struct execlayer {
	struct exec_bpf *maps; /* the object without programs that made this layer's maps */
	struct exec_bpf *skel;
	struct bpfobj_loader load; /* exec_begin's */
	struct bpf_link *links[EXEC_LINKS];
	int nlinks;
};

/* The object, relocated against the cut of the kernel's BTF when there is one. */
static struct exec_bpf *open_skel(void)
{
	LIBBPF_OPTS(bpf_object_open_opts, o);
	char btf[PATH_MAX];
	size_t size;
	const void *elf = exec_bpf__elf_bytes(&size);

	bpfobj_core_btf(&o, "exec", elf, size, btf, sizeof(btf));
	return exec_bpf__open_opts(&o);
}

int exec_probe(void)
{
	struct exec_bpf *s = open_skel();
	int r = s ? exec_bpf__load(s) : -errno;

	exec_bpf__destroy(s);
	return r;
}

static int add_exec_file(void *ctx, const struct sx_exec_key *k, const struct sx_exec_deny *d)
{
	struct exec_bpf *s = ctx;

	return bpf_map__update_elem(s->maps.sx_exec_deny, k, sizeof(*k), d, sizeof(*d), 0);
}

static int add_argv(void *ctx, unsigned int idx, const struct sx_argv_rule *r)
{
	struct exec_bpf *s = ctx;
	__u32 key = idx;

	return bpf_map__update_elem(s->maps.sx_argv_rules, &key, sizeof(key), r, sizeof(*r), 0);
}

/* Changes one field of the run's configuration: argv rule count or approval. */
static int set_config(struct execlayer *x, int argv_rules, int approval)
{
	struct bpf_map *m = x->skel->maps.sx_config;
	struct sx_config cfg;
	__u32 zero = 0;
	int r;

	r = bpf_map__lookup_elem(m, &zero, sizeof(zero), &cfg, sizeof(cfg), 0);
	if (argv_rules >= 0)
		cfg.n_argv_rules = argv_rules;
	if (approval >= 0)
		cfg.exec_approval = approval;
	return r ?: bpf_map__update_elem(m, &zero, sizeof(zero), &cfg, sizeof(cfg), 0);
}

static int attach_one(struct execlayer *x, struct bpf_program *prog, const char *name,
		      const char *pin_dir)
{
	struct bpf_link *l = bpf_program__attach(prog);

	if (!l)
		return -errno;
	x->links[x->nlinks++] = l;
	return bpfobj_pin(l, pin_dir, name);
}

/*
 * This layer's maps, made on nl's by loading the object without any
 * program, so that the observer can be opened on them while the programs
 * are verified. NULL with errno.
 */
static struct exec_bpf *make_maps(const struct netlayer *nl)
{
	struct exec_bpf *m = open_skel();
	int r;

	if (!m)
		return NULL;
	r = netlayer_share_maps(nl, m->obj);
	r = r ?: bpfobj_load_maps(m->obj);
	if (r) {
		exec_bpf__destroy(m);
		errno = -r;
		return NULL;
	}
	return m;
}

int exec_begin(const struct netlayer *nl, struct execlayer **ret, char *err, size_t errlen)
{
	struct execlayer *x = calloc(1, sizeof(*x));
	int r;

	*ret = NULL;
	if (!x)
		return -ENOMEM;
	x->maps = make_maps(nl);
	x->skel = x->maps ? open_skel() : NULL;
	/* fail closed: a failure that left errno 0 is a failure still */
	r = x->skel ? bpfobj_share_maps(x->skel->obj, x->maps->obj) : -(errno ?: EINVAL);
	r = r ?: bpfobj_load_start(&x->load, x->skel->obj);
	if (r) {
		snprintf(err, errlen, "cannot load the exec checks: %s", strerror(-r));
		exec_close(x, NULL);
		return r;
	}
	*ret = x;
	return 0;
}

/* Waits for the load and fills the maps. Returns 0 or -errno (*err says why). */
static int fill(struct execlayer *x, const struct policy *p, int cgroup_fd, char *err,
		size_t errlen)
{
	struct exec_sink sink;
	__u32 zero = 0;
	int r, n;

	r = bpfobj_load_wait(&x->load);
	r = r ?: bpf_map__update_elem(x->skel->maps.sx_cgroup, &zero, sizeof(zero), &cgroup_fd,
				      sizeof(cgroup_fd), 0);
	if (r) {
		snprintf(err, errlen, "cannot load the exec checks: %s", strerror(-r));
		return r;
	}
	sink = (struct exec_sink){ add_exec_file, add_argv, x->skel };
	n = exec_compile(p, &sink, err, errlen);
	r = n < 0 ? n : exec_fill_wx(p, bpf_map__fd(x->skel->maps.sx_exec_wx));
	return r < 0 ? r : set_config(x, n, -1);
}

int exec_finish(struct execlayer *x, const struct policy *p, int cgroup_fd, const char *pin_dir,
		char *err, size_t errlen)
{
	int r = fill(x, p, cgroup_fd, err, errlen);

	if (!r) {
		r = attach_one(x, x->skel->progs.sevorix_exec, "exec", pin_dir);
		r = r ?: attach_one(x, x->skel->progs.sevorix_fork, "fork", pin_dir);
		r = r ?: attach_one(x, x->skel->progs.sevorix_exit, "exit", pin_dir);
		if (r)
			snprintf(err, errlen, "cannot attach the exec checks: %s", strerror(-r));
	}
	if (r) { /* nothing half-attached stays behind */
		bpfobj_links_close(x->links, x->nlinks, true);
		x->nlinks = 0;
	}
	return r;
}

int exec_open(const struct policy *p, const struct netlayer *nl, int cgroup_fd,
	      const char *pin_dir, struct execlayer **ret, char *err, size_t errlen)
{
	int r = exec_begin(nl, ret, err, errlen);

	r = r ?: exec_finish(*ret, p, cgroup_fd, pin_dir, err, errlen);
	if (r < 0 && *ret) {
		exec_close(*ret, pin_dir);
		*ret = NULL;
	}
	return r;
}

int exec_require_approval(struct execlayer *x)
{
	return set_config(x, -1, 1);
}

int exec_approvals_fd(const struct execlayer *x)
{
	return bpf_map__fd(x->skel->maps.sx_approved);
}

int exec_share_maps(const struct execlayer *x, struct bpf_object *obj)
{
	return bpfobj_share_maps(obj, x->maps->obj);
}

void exec_close(struct execlayer *x, const char *pin_dir)
{
	if (!x)
		return;
	/* a load still running uses the object: it ends before the object goes */
	bpfobj_load_wait(&x->load);
	bpfobj_links_close(x->links, x->nlinks, pin_dir != NULL);
	exec_bpf__destroy(x->skel);
	exec_bpf__destroy(x->maps);
	free(x);
}
