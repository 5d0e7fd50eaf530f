// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hardening filter: which system calls the agent tree may not make,
 * each with the escape it closes.
 *
 * Built with libseccomp in the parent and exported as classic BPF, so that
 * the child installs it with one seccomp(2) call and no allocation (after
 * fork of a threaded supervisor only async-signal-safe calls are safe).
 * The default action is allow; the entries below return EPERM (clone3:
 * ENOSYS). A system call from another architecture (i386 via int 0x80, the
 * x32 ABI) kills the process: the rules below are written for the native
 * numbers only, so anything else is not judged at all (fail-closed).
 *
 * Argument checks compare the 64-bit register as the filter sees it; the
 * kernel truncates int arguments to 32 bits, so every deny below is written
 * so that garbage in the upper half is denied, never let through.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp/hardening.h"
#include "seccomp/hardening_internal.h"

#define DENY SCMP_ACT_ERRNO(EPERM)

struct hardening_filter {
	struct sock_filter *insns;
	size_t len;
};

struct plain_deny {
	const char *name;
	unsigned int relax; /* 0: never relaxable */
	int err;
};

/*
 * System calls denied whatever their arguments. The comment names the
 * escape each one closes.
 */
static const struct plain_deny plain[] = {
	/* Read/write another process's memory and registers: the supervisor, a shell outside. */
	{ "ptrace", HARDEN_ALLOW_PTRACE, EPERM },
	{ "process_vm_readv", HARDEN_ALLOW_PTRACE, EPERM },
	{ "process_vm_writev", HARDEN_ALLOW_PTRACE, EPERM },
	/* Take a descriptor from another process (one opened before confinement). */
	{ "pidfd_getfd", HARDEN_ALLOW_PTRACE, EPERM },
	/* Operations submitted through a ring never pass this filter (openat, connect). */
	{ "io_uring_setup", HARDEN_ALLOW_IO_URING, EPERM },
	{ "io_uring_enter", HARDEN_ALLOW_IO_URING, EPERM },
	{ "io_uring_register", HARDEN_ALLOW_IO_URING, EPERM },
	/* Inspect, detach or feed Sevorix's BPF programs and maps; verifier attack surface. */
	{ "bpf", HARDEN_ALLOW_BPF, EPERM },
	/* Kernel side channels and kprobe/uprobe attach. */
	{ "perf_event_open", HARDEN_ALLOW_PERF, EPERM },
	/* Stall the kernel inside copy_from_user to win TOCTOU races on held calls. */
	{ "userfaultfd", HARDEN_ALLOW_USERFAULTFD, EPERM },
	/* The uid's keyrings hold credentials of the user's other sessions. */
	{ "add_key", HARDEN_ALLOW_KEYRING, EPERM },
	{ "keyctl", HARDEN_ALLOW_KEYRING, EPERM },
	{ "request_key", HARDEN_ALLOW_KEYRING, EPERM },
	/* A user namespace gives CAP_SYS_ADMIN over new namespaces: mounts, net, huge attack surface. */
	{ "unshare", HARDEN_ALLOW_NAMESPACES, EPERM },
	{ "setns", HARDEN_ALLOW_NAMESPACES, EPERM },
	/* Change the file tree under the path rules (bind a denied tree over an allowed path). */
	{ "mount", HARDEN_ALLOW_MOUNT, EPERM },
	{ "umount2", HARDEN_ALLOW_MOUNT, EPERM },
	{ "pivot_root", HARDEN_ALLOW_MOUNT, EPERM },
	{ "chroot", HARDEN_ALLOW_MOUNT, EPERM },
	{ "fsopen", HARDEN_ALLOW_MOUNT, EPERM },
	{ "fsconfig", HARDEN_ALLOW_MOUNT, EPERM },
	{ "fsmount", HARDEN_ALLOW_MOUNT, EPERM },
	{ "fspick", HARDEN_ALLOW_MOUNT, EPERM },
	{ "move_mount", HARDEN_ALLOW_MOUNT, EPERM },
	{ "open_tree", HARDEN_ALLOW_MOUNT, EPERM },
	{ "mount_setattr", HARDEN_ALLOW_MOUNT, EPERM },
	/*
	 * clone3 passes its flags in memory, which a filter cannot read
	 * (CLONE_NEW*, CLONE_INTO_CGROUP). ENOSYS makes glibc and musl fall
	 * back to clone(2), whose flags are checked below.
	 */
	{ "clone3", HARDEN_ALLOW_CLONE3, ENOSYS },
	/* Open a file by inode handle: no path, so no path rule applies. */
	{ "open_by_handle_at", HARDEN_ALLOW_HANDLES, EPERM },
	/* Replace the running kernel or load code into it. Never relaxable. */
	{ "kexec_load", 0, EPERM },
	{ "kexec_file_load", 0, EPERM },
	{ "init_module", 0, EPERM },
	{ "finit_module", 0, EPERM },
	{ "delete_module", 0, EPERM },
};

const char *hardening_plain_name(size_t i, unsigned int *relax, int *err)
{
	if (i >= sizeof(plain) / sizeof(plain[0]))
		return NULL;
	*relax = plain[i].relax;
	if (err)
		*err = plain[i].err;
	return plain[i].name;
}

static int add_plain(scmp_filter_ctx ctx, unsigned int allow)
{
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		int nr, r;

		if (plain[i].relax & allow)
			continue;
		nr = seccomp_syscall_resolve_name(plain[i].name);
		/* Fail-closed: a name this libseccomp does not know is an error, not a gap. */
		if (nr == __NR_SCMP_ERROR)
			return -ENOSYS;
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(plain[i].err), nr, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Exports ctx as classic BPF into memory (libseccomp 2.5 writes to an fd only). */
static int export_filter(scmp_filter_ctx ctx, struct hardening_filter *f)
{
	int fd = memfd_create("sevorix-seccomp", MFD_CLOEXEC);
	off_t size;
	int r = 0;

	if (fd < 0)
		return -errno;
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		goto out;
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % sizeof(struct sock_filter) || size > BPF_MAXINSNS * 8) {
		r = -EINVAL;
		goto out;
	}
	f->insns = malloc(size);
	if (!f->insns) {
		r = -ENOMEM;
		goto out;
	}
	if (pread(fd, f->insns, size, 0) != size) {
		r = -EIO;
		goto out;
	}
	f->len = size / sizeof(struct sock_filter);
out:
	close(fd);
	return r;
}

int hardening_compile(const struct hardening_opts *o, struct hardening_filter **ret)
{
	unsigned int allow = o ? o->allow : 0;
	struct hardening_filter *f;
	scmp_filter_ctx ctx;
	int r;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		free(f);
		return -ENOMEM;
	}
	/* Fail-closed: a system call of another ABI (i386, x32) is not judged, it kills. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0); /* we set it ourselves */
	if (r == 0)
		r = add_plain(ctx, allow);
	if (r == 0)
		r = hardening_add_args(ctx, allow);
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2); /* binary tree */
	if (r == 0)
		r = export_filter(ctx, f);
	seccomp_release(ctx);
	if (r < 0) {
		hardening_filter_free(f);
		return r;
	}
	*ret = f;
	return 0;
}

int hardening_filter_apply(const struct hardening_filter *f)
{
	struct sock_fprog prog;

	if (!f || !f->insns)
		return -EINVAL; /* fail-closed: no filter is an error, never "nothing to do" */
	prog.len = (unsigned short)f->len;
	prog.filter = f->insns;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return -errno;
	return 0;
}

void hardening_filter_free(struct hardening_filter *f)
{
	if (!f)
		return;
	free(f->insns);
	free(f);
}

size_t hardening_filter_len(const struct hardening_filter *f)
{
	return f ? f->len : 0;
}

int hardening_apply(const struct hardening_opts *o)
{
	struct hardening_filter *f;
	int r;

	r = hardening_compile(o, &f);
	if (r < 0)
		return r;
	r = hardening_filter_apply(f);
	hardening_filter_free(f);
	return r;
}

int hardening_probe(void)
{
	static int cached = 1; /* 1: not probed yet */
	uint32_t action = SECCOMP_RET_KILL_PROCESS;

	if (cached <= 0)
		return cached;
	if (syscall(__NR_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) < 0)
		cached = -EOPNOTSUPP;
	else
		cached = 0;
	return cached;
}
