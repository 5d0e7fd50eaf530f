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
/* The listener fd, still owned by h (to hand over with SCM_RIGHTS: dup it, then free h). */
int hold_listener(const struct hold *h);
/* True while the hold still answers (its agent has not gone). */
bool hold_running(const struct hold *h);
/* Stops answering (held calls then fail) and frees. Accepts NULL. */
void hold_free(struct hold *h);

/* What a trapped exec is judged on (exec.c); exposed for tests. */
struct exec_call {
	char path[4096];	/* resolved, canonical */
	char **argv;		/* NULL-terminated */
	uint64_t kdev, ino;	/* identity of the file the path leads to */
	int64_t ctime_sec, ctime_nsec, mtime_sec;
	uint64_t alt_kdev, alt_ino; /* a script's interpreter */
	char interp[256];	/* a script's "#!" line: the interpreter ... */
	char interp_arg[256];	/* ... and its one argument ("" for none) */
	uint64_t argv_hash;	/* hold_argv_hash() of the argv the kernel will hold */
	uint8_t sha[32];
};

/* Verdict for one exec; *reason is static text; *rule as policy_decide_exec(). */
enum sx_action hold_judge_exec(struct hold *h, const struct exec_call *c,
			       const struct exec_rule **rule, const char **reason);

#endif
