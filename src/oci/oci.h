/* SPDX-License-Identifier: GPL-2.0-only */
/* Containers of OCI runtimes: the seccomp agent and its profile (oci-config). */
#ifndef SEVORIX_OCI_H
#define SEVORIX_OCI_H

#include <stddef.h>

#include "sevorix/policy.h"

/* The cgroup v2 directory of pid. Returns 0 or -errno. */
int oci_cgroup_of(int pid, char *buf, size_t len);
/* The policy for a container's process: ${HOME}/${USER} of its uid, its cwd. */
int oci_load_policy(const char *file, int pid, struct policy **ret);

int cmd_oci_agent(int argc, char **argv);
int cmd_oci_config(int argc, char **argv);

#endif
