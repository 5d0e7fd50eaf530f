/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Three small jobs every loader of a BPF object does: pointing libbpf at
 * the cut of the kernel's BTF, sharing maps between objects, and pinning
 * links. The objects of one run (net, unix, exec,
 * observe, lsm) declare the maps they share under the same names, and
 * the first object loaded owns them; every later one is handed their fds
 * before its own load, so that all of them read one compiled rulebook
 * and write one event stream.
 */
#ifndef SEVORIX_UTIL_BPFOBJ_H
#define SEVORIX_UTIL_BPFOBJ_H

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
 * Makes every map of obj (opened, not loaded yet) that has a namesake in
 * donor (loaded) use the donor's map. Returns 0 or -errno.
 */
int bpfobj_share_maps(struct bpf_object *obj, const struct bpf_object *donor);
/* Pins link at PIN_DIR/NAME. Returns 0 or -errno. */
int bpfobj_pin(struct bpf_link *link, const char *pin_dir, const char *name);
/* Unpins (when unpin) and destroys the n links: what is unpinned stops enforcing. */
void bpfobj_links_close(struct bpf_link **links, int n, bool unpin);

#endif
