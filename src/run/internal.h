/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the files of `sevorix run`; not a public interface. */
#ifndef SEVORIX_RUN_INTERNAL_H
#define SEVORIX_RUN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "confine/confine.h"
#include "policy/agent.h"
#include "run/learn.h"
#include "runs/runs.h"
#include "sevorix/policy.h"
#include "util/opts.h"

struct netlayer;
struct events;
struct dns_names;
struct execlayer;
struct observer;
struct lsmlayer;
struct hold;
struct run_pty;
struct sandbox;

#define RUN_KEEP_MAX 64

/* One `sevorix run`: its options, and what it set up (run.c). */
struct run {
	struct opts o;		/* the shared options (util/opts.h) */
	bool allow_root;	/* --allow-root-agent */
	bool quiet;		/* --quiet */
	bool use_pty;		/* --pty */
	struct run_learn learn;	/* --learn */
	struct run_pty *pty;	/* --pty: the agent's terminal, relayed */
	int keep[RUN_KEEP_MAX];	/* --keep-fd */
	size_t nkeep;
	char policy_file[4096];	/* of --profile */
	char command[4096];	/* the file COMMAND is (run_find_command()) */
	char agent_dir[4096];	/* ${AGENT_DIR} */
	char **argv;		/* COMMAND ARGS... */
	struct agent_user user;
	struct run_info info;
	struct policy *policy;
	struct netlayer *net;
	struct execlayer *exec;
	struct observer *obs;	/* NULL when the observer could not load (logging only) */
	struct lsmlayer *lsm;	/* NULL where the kernel refuses BPF LSM programs */
	struct events *ev;
	struct hold *hold;
	struct run_dns *dns;	/* the run's resolver, when the policy names hosts */
	struct sandbox *sb;	/* the private world (sandbox/) */
	struct confine cf;
	bool cf_ready;
	int hold_sock[2];
	char pin_dir[4200];
	int cgroup_fd;
	pid_t child;		/* the run's init (PID 1 of its namespace) */
	pid_t agent;		/* the command, as the host numbers it */
};

/*
 * options.c: parses run's command line into r. Returns -1 to go on, else
 * the exit status to leave with (help, or an error already logged).
 */
int run_parse_opts(struct run *r, int argc, char **argv);

/* dns.c: the run's resolver, for a policy that names hosts (docs/dns.md). */
struct run_dns;
/*
 * Binds its listeners, points nl's programs at them and learns the
 * /etc/hosts entries that host rules allow; before nl attaches. jury: the
 * socket reviews go to (NULL: the policy's). Returns 0 or -errno (*err
 * says why).
 */
int run_dns_open(const struct policy *p, const char *jury, struct netlayer *nl,
		 struct run_dns **ret, char *err, size_t errlen);
/* Starts answering on a thread of its own; events go to ev. Returns 0 or -errno. */
int run_dns_start(struct run_dns *d, struct events *ev);
/* The names it learnt (for events and the hold); NULL for NULL. */
struct dns_names *run_dns_names(const struct run_dns *d);
/* Stops answering: lookups fail from then on (fail closed). Accepts NULL. */
void run_dns_stop(struct run_dns *d);
/* Stops and frees. Accepts NULL. */
void run_dns_close(struct run_dns *d);

#endif
