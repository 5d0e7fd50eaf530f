/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Landlock user-space ABI beyond what the build host's headers carry.
 *
 * Debian bookworm's linux-libc-dev (6.1) knows Landlock ABI 1-2 only; the
 * kernels Sevorix runs on go up to ABI 7. The missing constants are copied
 * here from include/uapi/linux/landlock.h (Linux 6.15), and the ruleset
 * attribute is our own struct with every field, so that one build works on
 * every kernel: the kernel accepts a larger struct when the fields it does
 * not know are zero, and we only set the fields the probed ABI has.
 * System call numbers are the same on every architecture (asm-generic).
 */
#ifndef SEVORIX_LANDLOCK_UAPI_H
#define SEVORIX_LANDLOCK_UAPI_H

#include <linux/landlock.h>
#include <stdint.h>
#include <sys/syscall.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

/* ABI 3 (Linux 6.2) */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
/* ABI 5 (Linux 6.10) */
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif

/* ABI 4 (Linux 6.7): TCP port rules. The enum value cannot be tested with #ifdef. */
#define SX_LANDLOCK_RULE_NET_PORT 2
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif

/* ABI 6 (Linux 6.12): scopes */
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

/* ABI 7 (Linux 6.15): audit logging flags of landlock_restrict_self() */
#ifndef LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF
#define LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF (1U << 0)
#define LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON (1U << 1)
#define LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF (1U << 2)
#endif

/* struct landlock_ruleset_attr as of ABI 6 */
struct sx_landlock_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;	     /* ABI 6 */
};

/* struct landlock_net_port_attr (ABI 4) */
struct sx_landlock_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
} __attribute__((packed));

#endif
