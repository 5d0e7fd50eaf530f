// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading objects side by side (util/bpfobj.h), as the layers do: the
 * network object loaded without programs makes maps and nothing else; two
 * objects opened on those maps load on threads of their own, and use the
 * very same kernel maps (by id), each with global variables of its own; a
 * loader that was never started reports a failure, never success. Root
 * only: skips otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../lib/tap.h"
#include "util/bpfobj.h"
#include "net.skel.h"

/* The kernel's id of a map, or 0. */
static __u32 map_id(const struct bpf_map *m)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(bpf_map__fd(m), &info, &len) ? 0 : info.id;
}

/* Every program of s was loaded (load) or none was (!load). */
static int programs_loaded(const struct net_bpf *s, int load)
{
	struct bpf_program *p;
	int n = 0;

	bpf_object__for_each_program(p, s->obj) {
		if (!bpf_program__autoload(p))
			continue;
		if ((bpf_program__fd(p) >= 0) != load)
			return 0;
		n++;
	}
	return load ? n > 0 : 1;
}

/* An object with only the connect programs, opened on m's maps. */
static struct net_bpf *open_on(const struct net_bpf *m)
{
	struct net_bpf *s = net_bpf__open();
	struct bpf_program *p;

	if (!s)
		return NULL;
	bpf_object__for_each_program(p, s->obj)
		bpf_program__set_autoload(p, !strncmp(bpf_program__name(p), "sevorix_connect", 15));
	if (bpfobj_share_maps(s->obj, m->obj)) {
		net_bpf__destroy(s);
		return NULL;
	}
	return s;
}

int main(void)
{
	struct bpfobj_loader la, lb, never = { 0 };
	struct net_bpf *m, *a, *b;

	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root\n");
		return 0;
	}
	m = net_bpf__open();
	is_int(m ? bpfobj_load_maps(m->obj) : -1, 0, "an object loads without its programs");
	ok(m && programs_loaded(m, 0) && map_id(m->maps.sx_events) > 0,
	   "its maps exist, none of its programs does");
	a = m ? open_on(m) : NULL;
	b = m ? open_on(m) : NULL;
	ok(a && b, "two objects are opened on those maps");
	is_int(a && b ? bpfobj_load_start(&la, a->obj) : -1, 0, "one starts loading on a thread");
	is_int(a && b ? bpfobj_load_start(&lb, b->obj) : -1, 0, "the other beside it");
	is_int(a && b ? bpfobj_load_wait(&la) : -1, 0, "the first load ends well");
	is_int(a && b ? bpfobj_load_wait(&lb) : -1, 0, "the second too");
	is_int(a ? bpfobj_load_wait(&la) : -1, 0, "waiting again gives the same result");
	ok(a && b && programs_loaded(a, 1) && programs_loaded(b, 1), "both have their programs");
	ok(a && b && map_id(a->maps.sx_events) == map_id(m->maps.sx_events) &&
		   map_id(b->maps.sx_net4) == map_id(m->maps.sx_net4) &&
		   map_id(b->maps.sx_config) == map_id(a->maps.sx_config),
	   "and the maps they use are the same kernel maps");
	ok(a && map_id(a->maps.rodata) > 0 && map_id(a->maps.rodata) != map_id(m->maps.rodata),
	   "global variables are each object's own");
	is_int(bpfobj_load_wait(&never), -ECHILD, "a loader never started reports a failure");
	net_bpf__destroy(a);
	net_bpf__destroy(b);
	net_bpf__destroy(m);
	return done_testing();
}
