/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Two small jobs every loader of a BPF object does: sharing maps between
 * objects, and pinning links. The objects of one run (net, unix, exec,
 * observe, lsm) declare the maps they share under the same names, and
 * the first object loaded owns them; every later one is handed their fds
 * before its own load, so that all of them read one compiled rulebook
 * and write one event stream.
 */
#ifndef SEVORIX_UTIL_BPFOBJ_H
#define SEVORIX_UTIL_BPFOBJ_H

#include <stdbool.h>

struct bpf_link;
struct bpf_object;

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
