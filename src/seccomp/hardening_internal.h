/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared between the files of src/seccomp/ only.
 */
#ifndef SEVORIX_SECCOMP_HARDENING_INTERNAL_H
#define SEVORIX_SECCOMP_HARDENING_INTERNAL_H

#include <seccomp.h>
#include <stddef.h>

/* Rules that look at arguments (socket, clone, send*, ioctl). Returns 0 or -errno. */
int hardening_add_args(scmp_filter_ctx ctx, unsigned int allow);

/* The i-th whole-syscall denial, or NULL past the end; *relax = its HARDEN_ALLOW_* bit. */

#endif
