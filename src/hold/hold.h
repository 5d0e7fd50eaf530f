/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hold: system calls of the agent that need user space to decide
 * (execve/execveat: the executable's content; review-class execs and
 * connects, for the jury) are trapped with seccomp user notification and
 * answered here, by the supervisor. What is allowed becomes a one-shot
 * approval in a kernel map, bound to the object that was checked, and the
 * kernel checks the object it really uses against it (bpf/exec.bpf.c,
 * bpf/net.bpf.c): changing the path, the file or the address after the
 * check gets the task killed or the call refused.
 *
 * Fail-closed: a call that cannot be read, resolved or judged is denied
 * (EPERM). If the supervisor dies, the kernel answers the agent's trapped
 * calls with ENOSYS from then on.
 */
#ifndef SEVORIX_HOLD_H
#define SEVORIX_HOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "sevorix/abi.h"
#include "sevorix/policy.h"

struct hold;
struct events;

/* Before fork: hashes the denied executables and finds the dynamic loaders. */
int hold_prepare(const struct policy *p, struct hold **ret, char *err, size_t errlen);
/*
 * In the child, after no_new_privs: installs the trap and sends the
 * listener fd over sock_fd (SCM_RIGHTS). Returns 0 or -errno.
 */
int hold_child_install(int sock_fd, bool trap_connect);
/* True when connects must be trapped too: the network section has review rules. */
bool hold_traps_connect(const struct policy *p);
/*
 * After fork: receives the listener and starts answering. approvals and
 * net_approvals are the kernel's one-shot approval maps; jury is the local
 * jury's socket path. Returns 0 or -errno.
 */
int hold_start(struct hold *h, int sock_fd, int approvals, int net_approvals, const char *jury,
	       struct events *ev);
/* The same with a listener fd in hand (one a container runtime sent). */
int hold_start_fd(struct hold *h, int listener, int approvals, int net_approvals,
		  const char *jury, struct events *ev);
/*
 * Stops from (its calls in flight are answered first), frees it, and
 * starts h on its listener and approval maps, asking jury: calls that
 * arrive meanwhile wait in the kernel, none is lost. from is freed even
 * on failure. Returns 0 or -errno.
 */
int hold_take_over(struct hold *h, struct hold *from, const char *jury, struct events *ev);
/*
 * The run's learnt names (docs/dns.md): a review-class connect to an
 * address learnt for an allowed name is the kernel's to allow, and a
 * reviewed one shows the jury its name. Call before hold_start.
 */
struct dns_names;
void hold_set_names(struct hold *h, struct dns_names *names);
/* The listener fd, still owned by h (to hand over with SCM_RIGHTS: dup it, then free h). */
int hold_listener(const struct hold *h);
/* True while the hold still answers (its agent has not gone). */
bool hold_running(const struct hold *h);
/* Stops answering (held calls then fail) and frees. Accepts NULL. */
void hold_free(struct hold *h);

/* Where a file lives, for whether its ctime witnesses every change of its content (ident.c). */
enum exec_fs {
	EXEC_FS_STABLE,		/* a disk or read-only filesystem: every write moves the ctime */
	EXEC_FS_MEMORY,		/* tmpfs, shmem, memfd, hugetlbfs: writes through a mapping do not */
	EXEC_FS_OTHER,		/* FUSE, network and others: the server may change it unseen */
};

/* One file the kernel loads for an exec, as the hold identified it. */
struct exec_file {
	char *path;		/* canonical, as the agent sees it (malloc'd) */
	uint64_t fsid, kdev, ino;	/* the filesystem's identity (statfs), device, inode */
	int64_t size, ctime_sec, ctime_nsec, mtime_sec, mtime_nsec;
	uint32_t nlink, uid, mode;
	enum exec_fs fs;
	bool noexec;		/* on a noexec mount: the kernel will not load it */
	bool pinned;		/* its content cannot change unseen before the kernel loads it */
	bool busy;		/* not pinned because it is open for writing */
	bool root_only;		/* only root may write it, and the agent is not root */
	bool hashed;		/* sha holds its content identity */
	uint8_t sha[32];
	int fd;			/* open while it may still be hashed, else -1 */
};

#define EXEC_FILES (SX_CHAIN_MAX + 1)

/* What a trapped exec is judged on (exec.c, chain.c); exposed for tests. */
struct exec_call {
	/* f[0..n): the file named, then the interpreters (#!, binfmt_misc) in the
	 * order the kernel loads them; f[n - 1] is the image that runs */
	struct exec_file f[EXEC_FILES];
	int n;
	int entry;		/* f[entry]: the ELF interpreter of the image, or -1 */
	bool check_entry;	/* the kernel must check f[entry] (abi.h, sx_approval) */
	char **argv;		/* as the agent passed it, NULL-terminated */
	char **kargv;		/* as the kernel holds it once the interpreters rewrote it */
	char **envp;		/* read under W^X only (LD_PRELOAD, LD_AUDIT), else NULL */
	char *written_lib;	/* under W^X: a library LD_PRELOAD or LD_AUDIT names that was
				 * written during the run, else NULL */
	bool bind_argv;		/* the kernel compares every byte of kargv */
};

/*
 * Verdict for one exec: the strictest over every file it loads; *reason
 * is static text; *rule as policy_decide_exec().
 */
enum sx_action hold_judge_exec(struct hold *h, const struct exec_call *c,
			       const struct exec_rule **rule, const char **reason);

#endif
