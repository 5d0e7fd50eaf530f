// SPDX-License-Identifier: GPL-2.0-only
/*
 * `sevorix run --learn OUT.yaml [--policy BASE] -- CMD` (learn/learn.h):
 * the run goes on as any other under BASE (by default learn_base(), which
 * observes everything and denies nothing; the agent user, the capability
 * drop and the seccomp hardening still apply), with the kernel reporting
 * each allowed file call and destination besides. Every record the event
 * reader takes goes to a recorder (events_set_learn()); at the end the
 * generalizer writes the rulebook that allows what was seen. Learning
 * only observes: it never allows more than BASE.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "events/events.h"
#include "learn/learn.h"
#include "net/net.h"
#include "run/learn.h"

#define LEARN_MAX 200000 /* observations kept; beyond, counted as dropped */

int run_learn_load(struct run_learn *l, const char *file, const struct agent_user *u,
		   const char *agent_dir, struct policy **ret, struct policy_diag *diag)
{
	struct policy_env env = { u->home, u->name, l->workspace, agent_dir };
	int e;

	l->stats_fd = -1;
	if (!getcwd(l->workspace, sizeof(l->workspace)))
		return -errno;
	e = learn_reference(&env, &l->ref, diag);
	if (e == 0 && l->base)
		e = learn_base(&env, l->ref->tmp == SX_TMP_PRIVATE, ret, diag);
	else if (e == 0)
		e = policy_load(file, &env, ret, diag);
	/* its upstreams, for the host rules learnt (a replaced policy may free them) */
	for (size_t i = 0; e == 0 && i < (*ret)->dns.nupstream; i++) {
		l->dns.upstream[i] = strdup((*ret)->dns.upstream[i]);
		if (!l->dns.upstream[i])
			e = -ENOMEM;
		else
			l->dns.nupstream++;
	}
	return e;
}

int run_learn_start(struct run_learn *l, struct netlayer *nl, struct events *ev)
{
	int cfg_fd = netlayer_map_fd(nl, "sx_config");
	struct sx_config cfg;
	__u32 zero = 0;
	int e = learn_rec_new(LEARN_MAX, &l->rec);

	if (e < 0)
		return e;
	/* fail closed: a run that cannot report its allows would learn a policy too small */
	if (cfg_fd < 0 || bpf_map_lookup_elem(cfg_fd, &zero, &cfg) < 0)
		return -ENOENT;
	cfg.learn = 1;
	if (bpf_map_update_elem(cfg_fd, &zero, &cfg, BPF_ANY) < 0)
		return -errno;
	e = netlayer_map_fd(nl, "sx_stats");
	l->stats_fd = e >= 0 ? dup(e) : -1;
	events_set_learn(ev, l->rec);
	return 0;
}

/* Records the ring buffer could not take (SX_STAT_LOST, summed over CPUs). */
static unsigned long lost(const struct run_learn *l)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *v = ncpu > 0 ? calloc(ncpu, sizeof(*v)) : NULL;
	__u32 key = SX_STAT_LOST;
	unsigned long n = 0;

	if (v && l->stats_fd >= 0 && bpf_map_lookup_elem(l->stats_fd, &key, v) == 0)
		for (int i = 0; i < ncpu; i++)
			n += v[i];
	free(v);
	return n;
}

/*
 * A new file at path, owned by the invoking user (SUDO_UID when run by
 * sudo): the learnt policy is theirs to edit, not root's. The directory
 * may be theirs too, so the name is created anew and never followed (a
 * link planted there is removed, not written through). NULL with errno.
 */
static FILE *create_owned(const char *path)
{
	struct agent_user inv;
	FILE *f = NULL;
	int fd, e;

	if (unlink(path) < 0 && errno != ENOENT)
		return NULL;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return NULL;
	e = policy_agent_user(NULL, &inv);
	if (e == 0 && fchown(fd, inv.uid, inv.gid) < 0)
		e = -errno;
	if (e == 0 && !(f = fdopen(fd, "w")))
		e = -errno;
	if (e) {
		close(fd);
		unlink(path);
		errno = -e;
	}
	return f;
}

int run_learn_write(struct run_learn *l, const struct agent_user *u, char *const argv[])
{
	char tmp[4200], header[1024];
	struct learn_input in = { .ref = l->ref, .home = u->home, .workspace = l->workspace,
				  .header = header, .lost = lost(l), .dns = &l->dns };
	size_t off;
	FILE *f;
	int e;

	off = snprintf(header, sizeof(header), "# learnt by sevorix run --learn from:");
	for (; *argv && off < sizeof(header) - 2; argv++)
		off += snprintf(header + off, sizeof(header) - off, " %s", *argv);
	if (off > sizeof(header) - 2)
		off = sizeof(header) - 2;
	snprintf(header + off, sizeof(header) - off, "\n");
	in.v = learn_rec_list(l->rec, &in.n);
	snprintf(tmp, sizeof(tmp), "%s.tmp", l->out);
	f = create_owned(tmp);
	if (!f)
		return -errno;
	e = learn_generalize(&in, f);
	if (fclose(f) != 0 && e == 0)
		e = -EIO;
	if (e == 0 && rename(tmp, l->out) < 0)
		e = -errno;
	if (e < 0)
		unlink(tmp);
	return e;
}

void run_learn_free(struct run_learn *l)
{
	learn_rec_free(l->rec);
	for (size_t i = 0; i < l->dns.nupstream; i++)
		free(l->dns.upstream[i]);
	policy_free(l->ref);
	if (l->stats_fd >= 0)
		close(l->stats_fd);
}
