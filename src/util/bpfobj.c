// SPDX-License-Identifier: GPL-2.0-only
/* Loading, map sharing and link pins for the loaders of BPF objects (util/bpfobj.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

#include <bpf/libbpf.h>

#include "util/bpfobj.h"
#include "util/corebtf.h"

void bpfobj_core_btf(struct bpf_object_open_opts *o, const char *name, const void *elf,
		     size_t size, char *buf, size_t len)
{
	if (corebtf_path(name, elf, size, buf, len) == 0)
		o->btf_custom_path = buf;
}

int bpfobj_load_maps(struct bpf_object *obj)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, false);
	return bpf_object__load(obj);
}

static void *load_main(void *arg)
{
	struct bpfobj_loader *l = arg;

	l->err = bpf_object__load(l->obj);
	return NULL;
}

int bpfobj_load_start(struct bpfobj_loader *l, struct bpf_object *obj)
{
	int r;

	l->obj = obj;
	l->err = -ECHILD;
	r = pthread_create(&l->thread, NULL, load_main, l);
	l->started = r == 0;
	return -r;
}

int bpfobj_load_wait(struct bpfobj_loader *l)
{
	int r = l->started ? pthread_join(l->thread, NULL) : 0;

	if (!l->obj)
		return -ECHILD; /* never started: nothing was loaded */
	l->started = false;
	if (r)
		l->err = -r; /* fail closed: a load not seen to end counts as failed */
	return l->err;
}

int bpfobj_share_maps(struct bpf_object *obj, const struct bpf_object *donor)
{
	struct bpf_map *m;
	int r;

	bpf_object__for_each_map(m, obj) {
		const struct bpf_map *own = bpf_object__find_map_by_name(donor, bpf_map__name(m));

		/* an object's global variables (.rodata, .bss) stay its own */
		if (!own || bpf_map__is_internal(m))
			continue;
		r = bpf_map__reuse_fd(m, bpf_map__fd(own));
		if (r < 0)
			return r;
	}
	return 0;
}

int bpfobj_pin(struct bpf_link *link, const char *pin_dir, const char *name)
{
	char path[4200];
	int r;

	if (snprintf(path, sizeof(path), "%s/%s", pin_dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	r = bpf_link__pin(link, path);
	return r < 0 ? r : 0;
}

void bpfobj_links_close(struct bpf_link **links, int n, bool unpin)
{
	for (int i = 0; i < n; i++) {
		if (unpin)
			bpf_link__unpin(links[i]);
		bpf_link__destroy(links[i]);
	}
}
