/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Denials that other layers make without telling (bpf/observe.bpf.c):
 * Landlock answers a file or exec call it refuses with EACCES (EXDEV for
 * a rename or link that would gain rights), the seccomp filters with
 * EPERM, the mounts of the run's private world with EROFS, EACCES and
 * EBUSY. The observer sees such a call fail at syscall exit and writes it
 * to the run's event stream as "observed". It only logs: nothing depends
 * on it to enforce, so its link is not pinned and a run whose observer
 * cannot load still enforces every rule (and says so at start).
 *
 * Which calls are observed is one table (observe.c), by the numbers of
 * this architecture: every call a file or exec rule can refuse -- the
 * open family, execve(at), mkdir(at), unlink(at), rmdir, rename(at/at2),
 * link(at), symlink(at), mknod(at), truncate, ftruncate -- and the
 * metadata calls the rules cover (chmod, chown, utime and the xattr
 * family, in all their forms) -- and the calls the hardening filter
 * refuses whatever their arguments (ptrace, bpf, mount, unshare, ...).
 */
#ifndef SEVORIX_OBSERVE_H
#define SEVORIX_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>

#include "sevorix/abi.h"

struct execlayer;
struct netlayer;
struct observer;

/*
 * Writes the shape of every observed call into shapes[nr] (n entries, by
 * number; the others are left as they are): the table the observer's
 * read-only data holds before load.
 */
void observe_fill_shapes(struct sx_obs_shape *shapes, size_t n);
/* Loads the program without attaching it: 0 when this kernel can observe, else -errno. */
int observe_probe(void);
/*
 * Loads and attaches the observer of the run whose layers nl and x are
 * (it reads their cgroup and writes their ring buffer). Returns 0 or -errno.
 */
int observe_start(const struct netlayer *nl, const struct execlayer *x, struct observer **ret);
/* The same for run --learn: successful file calls are reported too, as allowed. */
int observe_start_learning(const struct netlayer *nl, const struct execlayer *x,
			   struct observer **ret);
/*
 * observe_start in two halves, so that the kernel verifies the program while
 * other objects load: observe_begin opens it on the maps of nl and x (which
 * may still be loading: netlayer_begin, exec_begin) and starts its load on
 * another thread, learn as for observe_start_learning; observe_finish waits
 * for it and attaches. After an error of either, observe_stop. Return 0 or
 * -errno.
 */
int observe_begin(const struct netlayer *nl, const struct execlayer *x, bool learn,
		  struct observer **ret);
int observe_finish(struct observer *o);
/* Detaches and frees (after waiting for a load observe_begin started). Accepts NULL. */
void observe_stop(struct observer *o);

/* The event kind of an observed call ("mkdir", ...), from its op and flags; NULL if none. */
const char *observe_op_name(enum sx_obs_op op, unsigned long long flags);
/* Which access (enum sx_access) a rule must grant for the call to succeed. */
unsigned int observe_op_access(enum sx_obs_op op, long nr, unsigned long long flags);
/* The call's name in the system call table ("renameat2"), or NULL. */
const char *observe_syscall_name(long nr);

#endif
