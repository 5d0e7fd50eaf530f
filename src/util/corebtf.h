/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's BTF cut down to what one BPF object relocates against. A
 * CO-RE object needs the kernel's type information to find its fields;
 * left to itself libbpf reads and parses all of it (5 MB, 15-20 ms of
 * CPU) for every object it loads, in every run. `bpftool gen
 * min_core_btf` keeps only the types and fields the object's relocations
 * name, so the relocations resolve exactly as against the whole (a few
 * kilobytes, parsed in microseconds).
 *
 * The cut is made once per boot, build and object and kept in
 * COREBTF_DIR, root's alone: a file there decides where the programs read
 * the kernel's memory, so nothing that anyone else could have written is
 * used (util/probecache.h says what is trusted). Whenever there is no cut
 * to trust -- bpftool missing, a file or directory of someone else, any
 * error -- the caller opens the object without one and libbpf parses the
 * kernel's own BTF: slower, never weaker.
 */
#ifndef SEVORIX_UTIL_COREBTF_H
#define SEVORIX_UTIL_COREBTF_H

#include <stddef.h>

#define COREBTF_DIR "/run/sevorix/btf"

/*
 * Writes to path[len] the file of the cut for the object elf[size] (the
 * ELF bytes a skeleton embeds) named name, making it first if this boot
 * and build have none. Returns 0, or -errno when there is none to use.
 */
int corebtf_path(const char *name, const void *elf, size_t size, char *path, size_t len);

/* The same in another directory and with another bpftool, for tests. */
int corebtf_path_at(const char *dir, const char *bpftool, const char *name, const void *elf,
		    size_t size, char *path, size_t len);

#endif
