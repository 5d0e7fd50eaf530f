// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading the observer of one run (observe/observe.h): the per-syscall
 * tracepoints of bpf/observe.bpf.c, on the maps of the network layer (the
 * ring buffer, the counters) and of the exec layer (the run's cgroup,
 * which the exec layer fills).
 */
#include <errno.h>
#include <stdlib.h>

#include <bpf/libbpf.h>

#include "exec/exec.h"
#include "net/net.h"
#include "observe/observe.h"
#include "observe.skel.h"

struct observer {
	struct observe_bpf *skel;
};

int observe_start(const struct netlayer *nl, const struct execlayer *x, struct observer **ret)
{
	struct observer *o = calloc(1, sizeof(*o));
	int r;

	*ret = NULL;
	if (!o)
		return -ENOMEM;
	o->skel = observe_bpf__open();
	if (!o->skel) {
		r = -errno;
		free(o);
		return r;
	}
	r = netlayer_share_maps(nl, o->skel->obj);
	r = r ?: exec_share_maps(x, o->skel->obj);
	r = r ?: observe_bpf__load(o->skel);
	r = r ?: observe_bpf__attach(o->skel);
	if (r) {
		observe_stop(o);
		return r;
	}
	*ret = o;
	return 0;
}

void observe_stop(struct observer *o)
{
	if (!o)
		return;
	observe_bpf__destroy(o->skel);
	free(o);
}
