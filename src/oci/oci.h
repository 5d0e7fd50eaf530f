/* SPDX-License-Identifier: GPL-2.0-only */
/* Containers of OCI runtimes: the seccomp agent and its profile (oci-config). */
#ifndef SEVORIX_OCI_H
#define SEVORIX_OCI_H

#include <stddef.h>
#include <stdio.h>

#include "sevorix/policy.h"

/* Where runtimes hand containers over (a profile's listenerPath), unless told otherwise. */
#define OCI_SOCKET_DEFAULT "/run/sevorix/seccomp.sock"

/* The cgroup v2 directory of pid. Returns 0 or -errno. */
int oci_cgroup_of(int pid, char *buf, size_t len);

/*
 * The agent (agent.c): the containers one process holds. Used by `sevorix
 * oci-agent` and by the daemon, which adds reloads and upgrades.
 */
struct oci_agent;
struct oci_agent_opts {
	const char *policy;	/* the policy file of every container */
	const char *jury;	/* the jury's socket path; NULL: the policy's */
	const char *log_dir;	/* events: DIR/RUN.jsonl */
};

int oci_agent_new(const struct oci_agent_opts *o, struct oci_agent **ret);
/* Stops answering (held calls of live containers then fail); the pins stay. */
void oci_agent_free(struct oci_agent *a);
/* A listening UNIX socket for the runtimes (mode 0600). Returns the fd or -errno. */
int oci_listen(const char *path);
/* Accepts one runtime's connection on lfd and starts holding its container. */
void oci_agent_accept(struct oci_agent *a, int lfd);
/* Writes waiting events; forgets containers whose listener hung up. */
void oci_agent_tick(struct oci_agent *a);
/* The number of containers held. */
int oci_agent_count(const struct oci_agent *a);
/*
 * Applies the policy file again to every container: kernel maps in place,
 * a new hold with the new rules. A policy with errors changes nothing and
 * its file:line:col messages go to stderr. Returns 0 or -errno.
 */
int oci_agent_reload(struct oci_agent *a);

/*
 * Upgrades. hand_over stops every hold (calls in flight are answered
 * first; new ones wait in the kernel) and calls send() with the run id and
 * the listener of each container; hand_back restarts them if the new
 * process failed; adopt is the new process's side: it holds run id's
 * container on listener (the pins and state of the run are found again).
 * Return 0 or -errno.
 */
int oci_agent_hand_over(struct oci_agent *a, int (*send)(void *ctx, const char *id, int fd),
			void *ctx);
void oci_agent_hand_back(struct oci_agent *a);
int oci_agent_adopt(struct oci_agent *a, const char *id, int listener);

int cmd_oci_agent(int argc, char **argv);
int cmd_oci_config(int argc, char **argv);

#endif
