// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cut of the kernel's BTF (util/corebtf.h). The programs of the exec,
 * observer and UNIX objects, relocated against the cut, are the same
 * instructions as against the kernel's whole BTF (the kernel's own
 * translation of each, map ids aside), so the cut changes no field a
 * program reads. A cut is made once and then reused; one that someone
 * other than root could have written -- the file or its directory -- is
 * not used. Root only, with bpftool: skips otherwise. Its directory is
 * made under /run, root's: one under /tmp, which anyone may write, is
 * never trusted.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../lib/tap.h"
#include "net/net.h"
#include "observe/observe.h"
#include "sevorix/abi.h"
#include "util/corebtf.h"
#include "exec.skel.h"
#include "observe.skel.h"
#include "unix.skel.h"

#define BPFTOOL "/usr/sbin/bpftool"

struct obj {
	void *skel;
	struct bpf_object *o;
};

/* One object opened as its loader opens it, against btf (NULL: the kernel's). */
static int load(const char *name, const char *btf, struct obj *ob)
{
	LIBBPF_OPTS(bpf_object_open_opts, o, .btf_custom_path = btf);

	ob->o = NULL;
	if (!strcmp(name, "exec")) {
		struct exec_bpf *s = exec_bpf__open_opts(&o);

		ob->skel = s;
		ob->o = s ? s->obj : NULL;
	} else if (!strcmp(name, "observe")) {
		struct observe_bpf *s = observe_bpf__open_opts(&o);

		ob->skel = s;
		ob->o = s ? s->obj : NULL;
		if (s)
			observe_fill_shapes(s->rodata->sx_obs_shapes, SX_OBS_NR_MAX);
	} else {
		struct unix_bpf *s = unix_bpf__open_opts(&o);

		ob->skel = s;
		ob->o = s ? s->obj : NULL;
		if (s)
			netlayer_unix_attach_types(s->obj);
	}
	return ob->o ? bpf_object__load(ob->o) : -errno;
}

static void unload(const char *name, struct obj *ob)
{
	if (!strcmp(name, "exec"))
		exec_bpf__destroy(ob->skel);
	else if (!strcmp(name, "observe"))
		observe_bpf__destroy(ob->skel);
	else
		unix_bpf__destroy(ob->skel);
}

/* The kernel's translation of prog (a malloc'd array of *n), map ids zeroed. */
static struct bpf_insn *xlated(const struct bpf_program *prog, __u32 *n)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	struct bpf_insn *in;

	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return NULL;
	*n = info.xlated_prog_len / sizeof(*in);
	in = calloc(*n ? *n : 1, sizeof(*in));
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = *n * sizeof(*in);
	info.xlated_prog_insns = (__u64)(unsigned long)in;
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len)) {
		free(in);
		return NULL;
	}
	for (__u32 i = 0; i < *n; i++)
		if (in[i].code == (BPF_LD | BPF_IMM | BPF_DW) && in[i].src_reg)
			in[i].imm = 0; /* a map: each load made its own */
	return in;
}

/* Every program of a and b has the same translation. */
static int same_programs(const struct obj *a, const struct obj *b)
{
	struct bpf_program *pa, *pb;
	int progs = 0;

	bpf_object__for_each_program(pa, a->o) {
		struct bpf_insn *ia, *ib;
		__u32 na = 0, nb = 0;
		int same;

		pb = bpf_object__find_program_by_name(b->o, bpf_program__name(pa));
		ia = xlated(pa, &na);
		ib = pb ? xlated(pb, &nb) : NULL;
		same = ia && ib && na == nb && na > 0 && !memcmp(ia, ib, na * sizeof(*ia));
		free(ia);
		free(ib);
		if (!same)
			return 0;
		progs++;
	}
	return progs > 0;
}

static void equivalent(const char *name, const void *elf, size_t size, const char *dir)
{
	char path[PATH_MAX];
	struct obj whole, cut;
	int r = corebtf_path_at(dir, BPFTOOL, name, elf, size, path, sizeof(path));
	struct stat st;

	is_int(r, 0, "%s: a cut of the kernel's BTF is made", name);
	ok(stat(path, &st) == 0 && st.st_uid == 0 && (st.st_mode & 07777) == 0644 &&
		   st.st_size > 0 && st.st_size < 64 * 1024,
	   "%s: root's, 0644, a few kilobytes (%lld bytes)", name, (long long)st.st_size);
	r = load(name, NULL, &whole);
	is_int(r, 0, "%s: loads against the kernel's whole BTF", name);
	is_int(load(name, path, &cut), 0, "%s: loads against the cut", name);
	ok(!r && same_programs(&whole, &cut),
	   "%s: every program is the same instructions either way", name);
	unload(name, &whole);
	unload(name, &cut);
}

static void trust(const void *elf, size_t size, const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	is_int(corebtf_path_at(dir, NULL, "exec", elf, size, path, sizeof(path)), 0,
	       "a cut that is there is used without bpftool");
	chown(path, 65534, 65534);
	ok(corebtf_path_at(dir, NULL, "exec", elf, size, path, sizeof(path)) < 0,
	   "a cut that is not root's is not used");
	is_int(corebtf_path_at(dir, BPFTOOL, "exec", elf, size, path, sizeof(path)), 0,
	       "and is made again");
	ok(stat(path, &st) == 0 && st.st_uid == 0, "root's again");
	chmod(path, 0666);
	ok(corebtf_path_at(dir, NULL, "exec", elf, size, path, sizeof(path)) < 0,
	   "a cut that others may write is not used");
	chmod(path, 0644);
	chmod(dir, 0777);
	ok(corebtf_path_at(dir, BPFTOOL, "exec", elf, size, path, sizeof(path)) == -EPERM,
	   "nothing in a directory that others may write is used");
	chmod(dir, 0700);
}

int main(void)
{
	char dir[] = "/run/sx-corebtf.XXXXXX", cmd[64];
	const void *elf;
	size_t size;

	if (geteuid() != 0 || access(BPFTOOL, X_OK) || access("/sys/kernel/btf/vmlinux", R_OK)) {
		printf("1..0 # SKIP needs root, " BPFTOOL " and the kernel's BTF\n");
		return 0;
	}
	if (!mkdtemp(dir))
		return 1;
	elf = exec_bpf__elf_bytes(&size);
	equivalent("exec", elf, size, dir);
	trust(elf, size, dir);
	elf = observe_bpf__elf_bytes(&size);
	equivalent("observe", elf, size, dir);
	elf = unix_bpf__elf_bytes(&size);
	equivalent("unix", elf, size, dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return done_testing();
}
