/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small jobs every loader of a BPF object does: pointing libbpf at the
 * cut of the kernel's BTF, loading on another thread, sharing maps
 * between objects, and pinning links. The objects of one run (net, unix, exec,
 * observe, lsm) declare the maps they share under the same names, and
 * the first object loaded owns them; every later one is handed their fds
 * before its own load, so that all of them read one compiled rulebook
 * and write one event stream.
 */
#ifndef SEVORIX_UTIL_BPFOBJ_H
#define SEVORIX_UTIL_BPFOBJ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct bpf_link;
struct bpf_object;
struct bpf_object_open_opts;

/*
 * Sets o's btf_custom_path to the cut of the kernel's BTF for the object
 * elf[size] called name (util/corebtf.h), kept in buf[len], when there is
 * one to trust; otherwise leaves o as it is and libbpf parses the
 * kernel's own.
 */
void bpfobj_core_btf(struct bpf_object_open_opts *o, const char *name, const void *elf,
		     size_t size, char *buf, size_t len);

/*
 * An object loaded on a thread of its own, so that the kernel verifies its
 * programs on another CPU while this thread loads another object (the
 * verifier is most of a run's start). Objects loaded side by side must not
 * share a map that either of them creates: share maps made before.
 */
struct bpfobj_loader {
	pthread_t thread;
	struct bpf_object *obj;
	int err;
	bool started; /* a thread runs that bpfobj_load_wait has not joined */
};
/*
 * Loads obj (opened) without any of its programs: only its maps are made,
 * for other objects to be opened on (bpfobj_share_maps) and loaded side by
 * side. Returns 0 or -errno.
 */
int bpfobj_load_maps(struct bpf_object *obj);
/* Starts loading obj (opened). Returns 0 or -errno (then nothing was started). */
int bpfobj_load_start(struct bpfobj_loader *l, struct bpf_object *obj);
/*
 * Waits for the load; returns its result, 0 or -errno (-ECHILD for a
 * loader never started: zeroed, or its start failed). Again after that:
 * the same result at once, so closing a layer may always call it.
 */
int bpfobj_load_wait(struct bpfobj_loader *l);

/*
 * Makes every map of obj (opened, not loaded yet) that has a namesake in
 * donor (loaded) use the donor's map; not its global variables. Returns 0
 * or -errno.
 */
int bpfobj_share_maps(struct bpf_object *obj, const struct bpf_object *donor);
/* Pins link at PIN_DIR/NAME. Returns 0 or -errno. */
int bpfobj_pin(struct bpf_link *link, const char *pin_dir, const char *name);
/* Unpins (when unpin) and destroys the n links: what is unpinned stops enforcing. */
void bpfobj_links_close(struct bpf_link **links, int n, bool unpin);

#endif
