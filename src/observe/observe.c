// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading the observer of one run (observe/observe.h): one raw tracepoint program
 * on sys_exit (bpf/observe.bpf.c), on the maps of the network layer (the
 * ring buffer, the counters) and of the exec layer (the run's cgroup,
 * which the exec layer fills). Which calls it looks at, and how to read
 * their arguments, is the table below, written into the program's
 * read-only data before load: the program itself knows no numbers.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include <bpf/libbpf.h>

#include "exec/exec.h"
#include "net/net.h"
#include "observe/observe.h"
#include "sevorix/policy.h"
#include "util/bpfobj.h"
#include "observe.skel.h"

/* Numbers shared by every architecture since 5.1, missing from older headers. */
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef SYS_setxattrat
#define SYS_setxattrat 463
#endif
#ifndef SYS_removexattrat
#define SYS_removexattrat 466
#endif

#define N SX_OBS_NONE

static const struct call {
	long nr;
	const char *name;
	struct sx_obs_shape s; /* op, path, dirfd, path2, dirfd2, flags, flags_in_struct, sockaddr */
} calls[] = {
#ifdef SYS_open
	{ SYS_open, "open", { SX_OBS_OPEN, 0, N, N, N, 1, 0, N } },
#endif
#ifdef SYS_creat
	{ SYS_creat, "creat", { SX_OBS_OPEN, 0, N, N, N, N, 0, N } },
#endif
	{ SYS_openat, "openat", { SX_OBS_OPEN, 1, 0, N, N, 2, 0, N } },
	{ SYS_openat2, "openat2", { SX_OBS_OPEN, 1, 0, N, N, 2, 1, N } },
	{ SYS_execve, "execve", { SX_OBS_EXEC, 0, N, N, N, N, 0, N } },
	{ SYS_execveat, "execveat", { SX_OBS_EXEC, 1, 0, N, N, 4, 0, N } },
#ifdef SYS_mkdir
	{ SYS_mkdir, "mkdir", { SX_OBS_MKDIR, 0, N, N, N, N, 0, N } },
#endif
	{ SYS_mkdirat, "mkdirat", { SX_OBS_MKDIR, 1, 0, N, N, N, 0, N } },
#ifdef SYS_unlink
	{ SYS_unlink, "unlink", { SX_OBS_UNLINK, 0, N, N, N, N, 0, N } },
#endif
	{ SYS_unlinkat, "unlinkat", { SX_OBS_UNLINK, 1, 0, N, N, 2, 0, N } },
#ifdef SYS_rmdir
	{ SYS_rmdir, "rmdir", { SX_OBS_RMDIR, 0, N, N, N, N, 0, N } },
#endif
#ifdef SYS_rename
	{ SYS_rename, "rename", { SX_OBS_RENAME, 0, N, 1, N, N, 0, N } },
#endif
#ifdef SYS_renameat
	{ SYS_renameat, "renameat", { SX_OBS_RENAME, 1, 0, 3, 2, N, 0, N } },
#endif
	{ SYS_renameat2, "renameat2", { SX_OBS_RENAME, 1, 0, 3, 2, 4, 0, N } },
#ifdef SYS_link
	{ SYS_link, "link", { SX_OBS_LINK, 1, N, 0, N, N, 0, N } },
#endif
	{ SYS_linkat, "linkat", { SX_OBS_LINK, 3, 2, 1, 0, 4, 0, N } },
#ifdef SYS_symlink
	{ SYS_symlink, "symlink", { SX_OBS_SYMLINK, 1, N, 0, N, N, 0, N } },
#endif
	{ SYS_symlinkat, "symlinkat", { SX_OBS_SYMLINK, 2, 1, 0, N, N, 0, N } },
#ifdef SYS_mknod
	{ SYS_mknod, "mknod", { SX_OBS_MKNOD, 0, N, N, N, N, 0, N } },
#endif
	{ SYS_mknodat, "mknodat", { SX_OBS_MKNOD, 1, 0, N, N, N, 0, N } },
	{ SYS_truncate, "truncate", { SX_OBS_TRUNCATE, 0, N, N, N, N, 0, N } },
	{ SYS_ftruncate, "ftruncate", { SX_OBS_TRUNCATE, N, 0, N, N, N, 0, N } },
#ifdef SYS_chmod
	{ SYS_chmod, "chmod", { SX_OBS_CHMOD, 0, N, N, N, N, 0, N } },
#endif
	{ SYS_fchmod, "fchmod", { SX_OBS_CHMOD, N, 0, N, N, N, 0, N } },
	{ SYS_fchmodat, "fchmodat", { SX_OBS_CHMOD, 1, 0, N, N, N, 0, N } },
	{ SYS_fchmodat2, "fchmodat2", { SX_OBS_CHMOD, 1, 0, N, N, 3, 0, N } },
#ifdef SYS_chown
	{ SYS_chown, "chown", { SX_OBS_CHOWN, 0, N, N, N, N, 0, N } },
#endif
#ifdef SYS_lchown
	{ SYS_lchown, "lchown", { SX_OBS_CHOWN, 0, N, N, N, N, 0, N } },
#endif
	{ SYS_fchown, "fchown", { SX_OBS_CHOWN, N, 0, N, N, N, 0, N } },
	{ SYS_fchownat, "fchownat", { SX_OBS_CHOWN, 1, 0, N, N, 4, 0, N } },
#ifdef SYS_utime
	{ SYS_utime, "utime", { SX_OBS_UTIME, 0, N, N, N, N, 0, N } },
#endif
#ifdef SYS_utimes
	{ SYS_utimes, "utimes", { SX_OBS_UTIME, 0, N, N, N, N, 0, N } },
#endif
#ifdef SYS_futimesat
	{ SYS_futimesat, "futimesat", { SX_OBS_UTIME, 1, 0, N, N, N, 0, N } },
#endif
	{ SYS_utimensat, "utimensat", { SX_OBS_UTIME, 1, 0, N, N, 3, 0, N } },
	{ SYS_setxattr, "setxattr", { SX_OBS_XATTR, 0, N, N, N, N, 0, N } },
	{ SYS_lsetxattr, "lsetxattr", { SX_OBS_XATTR, 0, N, N, N, N, 0, N } },
	{ SYS_fsetxattr, "fsetxattr", { SX_OBS_XATTR, N, 0, N, N, N, 0, N } },
	{ SYS_removexattr, "removexattr", { SX_OBS_XATTR, 0, N, N, N, N, 0, N } },
	{ SYS_lremovexattr, "lremovexattr", { SX_OBS_XATTR, 0, N, N, N, N, 0, N } },
	{ SYS_fremovexattr, "fremovexattr", { SX_OBS_XATTR, N, 0, N, N, N, 0, N } },
	{ SYS_setxattrat, "setxattrat", { SX_OBS_XATTR, 1, 0, N, N, 2, 0, N } },
	{ SYS_removexattrat, "removexattrat", { SX_OBS_XATTR, 1, 0, N, N, 2, 0, N } },
	{ SYS_connect, "connect", { SX_OBS_CONNECT, N, N, N, N, N, 0, 1 } },
	/* the hardening filter's calls denied whatever their arguments (seccomp/hardening.c) */
#define HARDEN(name) { SYS_##name, #name, { SX_OBS_HARDEN, N, N, N, N, N, 0, N } }
	HARDEN(ptrace), HARDEN(process_vm_readv), HARDEN(process_vm_writev), HARDEN(pidfd_getfd),
	HARDEN(io_uring_setup), HARDEN(io_uring_enter), HARDEN(io_uring_register), HARDEN(bpf),
	HARDEN(perf_event_open), HARDEN(userfaultfd), HARDEN(add_key), HARDEN(keyctl),
	HARDEN(request_key), HARDEN(unshare), HARDEN(setns), HARDEN(mount), HARDEN(umount2),
	HARDEN(pivot_root), HARDEN(chroot), HARDEN(fsopen), HARDEN(fsconfig), HARDEN(fsmount),
	HARDEN(fspick), HARDEN(move_mount), HARDEN(open_tree), HARDEN(mount_setattr),
	HARDEN(open_by_handle_at), HARDEN(kexec_load), HARDEN(kexec_file_load),
	HARDEN(init_module), HARDEN(finit_module), HARDEN(delete_module),
#undef HARDEN
};

#undef N

struct observer {
	struct observe_bpf *skel;
	struct bpfobj_loader load; /* observe_begin's */
};

void observe_fill_shapes(struct sx_obs_shape *shapes, size_t n)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (calls[i].nr >= 0 && (size_t)calls[i].nr < n)
			shapes[calls[i].nr] = calls[i].s;
}

/* The object, relocated against the cut of the kernel's BTF when there is one. */
static struct observe_bpf *open_skel(void)
{
	LIBBPF_OPTS(bpf_object_open_opts, o);
	char btf[PATH_MAX];
	size_t size;
	const void *elf = observe_bpf__elf_bytes(&size);
	struct observe_bpf *s;

	bpfobj_core_btf(&o, "observe", elf, size, btf, sizeof(btf));
	s = observe_bpf__open_opts(&o);
	if (s)
		observe_fill_shapes(s->rodata->sx_obs_shapes, SX_OBS_NR_MAX);
	return s;
}

int observe_probe(void)
{
	struct observe_bpf *s = open_skel();
	int r = s ? observe_bpf__load(s) : -errno;

	observe_bpf__destroy(s);
	return r;
}

int observe_begin(const struct netlayer *nl, const struct execlayer *x, bool learn,
		  struct observer **ret)
{
	struct observer *o = calloc(1, sizeof(*o));
	int r;

	*ret = NULL;
	if (!o)
		return -ENOMEM;
	o->skel = open_skel();
	if (!o->skel) {
		r = -(errno ?: EINVAL); /* a failure that left errno 0 is a failure still */
		free(o);
		return r;
	}
	o->skel->rodata->sx_obs_learn = learn;
	r = netlayer_share_maps(nl, o->skel->obj);
	r = r ?: exec_share_maps(x, o->skel->obj);
	r = r ?: bpfobj_load_start(&o->load, o->skel->obj);
	if (r) {
		observe_stop(o);
		return r;
	}
	*ret = o;
	return 0;
}

int observe_finish(struct observer *o)
{
	int r = bpfobj_load_wait(&o->load);

	return r ?: observe_bpf__attach(o->skel);
}

static int start(const struct netlayer *nl, const struct execlayer *x, bool learn,
		 struct observer **ret)
{
	int r = observe_begin(nl, x, learn, ret);

	r = r ?: observe_finish(*ret);
	if (r < 0 && *ret) {
		observe_stop(*ret);
		*ret = NULL;
	}
	return r;
}

int observe_start(const struct netlayer *nl, const struct execlayer *x, struct observer **ret)
{
	return start(nl, x, false, ret);
}

int observe_start_learning(const struct netlayer *nl, const struct execlayer *x,
			   struct observer **ret)
{
	return start(nl, x, true, ret);
}

void observe_stop(struct observer *o)
{
	if (!o)
		return;
	/* a load still running uses the object: it ends before the object goes */
	bpfobj_load_wait(&o->load);
	observe_bpf__destroy(o->skel);
	free(o);
}

const char *observe_op_name(enum sx_obs_op op, unsigned long long flags)
{
	static const char *const names[SX_OBS_OP_MAX] = {
		[SX_OBS_OPEN] = "open",	  [SX_OBS_EXEC] = "exec",	  [SX_OBS_MKDIR] = "mkdir",
		[SX_OBS_UNLINK] = "unlink", [SX_OBS_RMDIR] = "rmdir",	  [SX_OBS_RENAME] = "rename",
		[SX_OBS_LINK] = "link",	  [SX_OBS_SYMLINK] = "symlink", [SX_OBS_MKNOD] = "mknod",
		[SX_OBS_TRUNCATE] = "truncate", [SX_OBS_CHMOD] = "chmod", [SX_OBS_CHOWN] = "chown",
		[SX_OBS_UTIME] = "utime", [SX_OBS_XATTR] = "xattr", [SX_OBS_CONNECT] = "connect",
		[SX_OBS_HARDEN] = "hardening",
	};

	if (op == SX_OBS_UNLINK && (flags & AT_REMOVEDIR))
		return "rmdir";
	return op > 0 && op < SX_OBS_OP_MAX ? names[op] : NULL;
}

unsigned int observe_op_access(enum sx_obs_op op, long nr, unsigned long long flags)
{
	if (op == SX_OBS_EXEC)
		return SX_ACCESS_EXEC;
	if (op == SX_OBS_CONNECT)
		return 0;
	if (op != SX_OBS_OPEN)
		return SX_ACCESS_WRITE; /* creating, removing, renaming, changing metadata */
#ifdef SYS_creat
	if (nr == SYS_creat)
		return SX_ACCESS_WRITE;
#endif
	(void)nr;
	if ((flags & O_ACCMODE) == O_RDWR)
		return SX_ACCESS_READ | SX_ACCESS_WRITE;
	if ((flags & O_ACCMODE) == O_WRONLY || (flags & (O_CREAT | O_TRUNC)))
		return SX_ACCESS_WRITE | ((flags & O_ACCMODE) == O_RDONLY ? SX_ACCESS_READ : 0);
	return SX_ACCESS_READ;
}

const char *observe_syscall_name(long nr)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (calls[i].nr == nr)
			return calls[i].name;
	return NULL;
}
