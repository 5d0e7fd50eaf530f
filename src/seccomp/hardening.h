/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * seccomp hardening for the agent tree (layer K4, the denial half).
 *
 * A fixed seccomp filter closes the escape routes that the other layers do
 * not see: system calls that inspect or change other processes (ptrace,
 * process_vm_*), that bypass seccomp or the LSM hooks (io_uring,
 * open_by_handle_at), that build new namespaces or mounts, that reach the
 * kernel's attack surface (bpf, perf, keyrings, userfaultfd, modules,
 * kexec), socket families and protocols that the network rulebook cannot
 * reason about (ICMP ping, raw, packet, AF_VSOCK, SCTP, AF_ALG, MPTCP),
 * TCP Fast Open (data sent before connect() is seen), routing headers and
 * IPv4 source routes (packets sent elsewhere than the address judged), and
 * typing into the user's terminal (TIOCSTI, TIOCLINUX). Everything else is allowed: this
 * filter is a deny list, except socket(), which is an allow list.
 *
 * The rulebook's `hardening:` section relaxes single entries by name
 * (struct hardening_opts.allow, HARDEN_ALLOW_* bits, both named in
 * include/sevorix/policy.h); nothing can be added to the allow list that
 * is not named there. Module loading, kexec and the foreign architectures
 * are never relaxable.
 *
 * Use: hardening_compile() in the parent (it allocates; errors come before
 * the agent starts), hardening_filter_apply() in the forked child after
 * Landlock and before exec (one prctl and one seccomp(2): async-signal-safe).
 * The child must already run with no_new_privs.
 */
#ifndef SEVORIX_SECCOMP_HARDENING_H
#define SEVORIX_SECCOMP_HARDENING_H

#include <stddef.h>
#include <stdint.h>

#include "sevorix/policy.h"

struct hardening_filter; /* a compiled classic BPF program */

/* Builds the filter in the parent. Returns 0 or -errno; *ret set on success. */
int hardening_compile(const struct hardening_opts *o, struct hardening_filter **ret);
/* In the child: no_new_privs, then seccomp(SET_MODE_FILTER). Returns 0 or -errno. */
int hardening_filter_apply(const struct hardening_filter *f);
void hardening_filter_free(struct hardening_filter *f);
/* Number of BPF instructions (for describe and tests). */
size_t hardening_filter_len(const struct hardening_filter *f);

/* Compile + apply for a single-threaded caller (allocates: not for after fork of a threaded process). */
int hardening_apply(const struct hardening_opts *o);

/*
 * Does this kernel have seccomp filters with KILL_PROCESS (4.14+)?
 * Returns 0, or -EOPNOTSUPP. Cached.
 */
int hardening_probe(void);

/*
 * The i-th system call denied whatever its arguments: its name, the
 * hardening entry that relaxes it (0: none) and the errno it gets; NULL
 * past the end. For writing the same denials into other formats (OCI).
 */
const char *hardening_plain_name(size_t i, unsigned int *relax, int *err);

/*
 * What the filter enforces on this kernel and what it does not, one line
 * per item, for `sevorix doctor` and the first event of a run. Returns 0,
 * or -ENOSPC when buf was too small (the text is cut, still terminated).
 */
int hardening_describe(const struct hardening_opts *o, char *buf, size_t len);

#endif
