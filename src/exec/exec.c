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
	struct exec_bpf *skel;
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

/* Loads the object on nl's maps and fills it. Returns 0 or -errno (*err says why). */
static int load(struct execlayer *x, const struct policy *p, const struct netlayer *nl,
		int cgroup_fd, char *err, size_t errlen)
{
	struct exec_sink sink;
	__u32 zero = 0;
	int r, n;

	x->skel = open_skel();
	if (!x->skel)
		return -errno;
	r = netlayer_share_maps(nl, x->skel->obj);
	r = r ?: exec_bpf__load(x->skel);
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

int exec_open(const struct policy *p, const struct netlayer *nl, int cgroup_fd,
	      const char *pin_dir, struct execlayer **ret, char *err, size_t errlen)
{
	struct execlayer *x = calloc(1, sizeof(*x));
	int r;

	*ret = NULL;
	if (!x)
		return -ENOMEM;
	r = load(x, p, nl, cgroup_fd, err, errlen);
	if (!r) {
		r = attach_one(x, x->skel->progs.sevorix_exec, "exec", pin_dir);
		r = r ?: attach_one(x, x->skel->progs.sevorix_fork, "fork", pin_dir);
		r = r ?: attach_one(x, x->skel->progs.sevorix_exit, "exit", pin_dir);
		if (r)
			snprintf(err, errlen, "cannot attach the exec checks: %s", strerror(-r));
	}
	if (r) {
		exec_close(x, pin_dir); /* nothing half-attached stays behind */
		return r;
	}
	*ret = x;
	return 0;
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
	return bpfobj_share_maps(obj, x->skel->obj);
}

void exec_close(struct execlayer *x, const char *pin_dir)
{
	if (!x)
		return;
	bpfobj_links_close(x->links, x->nlinks, pin_dir != NULL);
	exec_bpf__destroy(x->skel);
	free(x);
}
