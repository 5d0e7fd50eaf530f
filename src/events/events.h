/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The events log: one JSON object per line (schema in sevorix(1)). Decision
 * and process events come from the kernel's ring buffer; start and summary
 * events are written by the supervisor.
 */
#ifndef SEVORIX_EVENTS_H
#define SEVORIX_EVENTS_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "sevorix/policy.h"

struct events;
struct netlayer;

/*
 * The kernel maps an event log reads (fds; -1 for a map the programs do
 * not have): the ring buffers, the counters (enum sx_stat).
 */
struct events_maps {
	int events;	/* allowed decisions and process events */
	int stats;
	int rule_hits;	/* decisions per network rule */
	int quiet;	/* decisions without an event of their own (struct sx_quiet_key) */
	int denials;	/* denials and reviews, a ring buffer of their own */
	int agg;	/* identical denials counted (struct sx_agg_key) */
	int latest;	/* the latest denial of each rule not written one by one */
};

/*
 * Where events go: dest is "journal" (the systemd journal), "ocsf:FILE"
 * (OCSF JSON lines appended to FILE), "-" (standard error) or FILE (our
 * JSON lines, appended). Each line given is one of our events, '\n'
 * included. Returns 0 or -errno.
 */
struct events_sink;
int events_sink_open(const char *dest, struct events_sink **ret);
void events_sink_write(struct events_sink *s, const char *line, size_t len);
void events_sink_flush(struct events_sink *s);
/* Accepts NULL. */
void events_sink_close(struct events_sink *s);

/* The event log of one run, to dest (as events_sink_open). Returns 0 or -errno. */
int events_open(const char *dest, const char *run, const struct policy *p, struct events **ret);
/* Reads the layer's ring buffer from now on. Returns 0 or -errno. */
int events_attach(struct events *ev, struct netlayer *nl);
/* The same with the maps of programs loaded by another process. Returns 0 or -errno. */
int events_attach_maps(struct events *ev, const struct events_maps *m);
/* The same with the ring buffer's map fd alone. */
int events_attach_fd(struct events *ev, int ringbuf_fd);
/* The run's learnt names: connect events then say the host of an address (docs/dns.md). */
struct dns_names;
void events_set_names(struct events *ev, struct dns_names *t);
/* The policy that rule ids refer to from now on (after a reload). */
void events_set_policy(struct events *ev, const struct policy *p);
/*
 * The run has a private world (src/sandbox/), which refuses too: EROFS
 * outside the paths the policy lets the agent write, EACCES inside a
 * mask, EBUSY for removing a mask's mount point. hidden: the denied paths
 * it hides, which Landlock therefore does not carry out
 * (sandbox_unexpanded(), NULL-terminated; copied). Without a world, EROFS
 * and EBUSY are the file system's own. Returns 0 or -ENOMEM.
 */
int events_set_world(struct events *ev, const char *const *hidden);
/*
 * The run's agents are under the seccomp hardening filter, with the
 * entries of relaxed (enum hardening_allow bits) left out: its refusals
 * are logged (kind "hardening"). Without it an EPERM of those calls is
 * someone else's (a container runtime's filter, the kernel's).
 */
void events_set_filtered(struct events *ev, unsigned int relaxed);
/*
 * run --learn: every file call, destination and exec the kernel reports
 * is also recorded into rec (learn/learn.h), allowed or not. NULL: none.
 */
struct learn_rec;
void events_set_learn(struct events *ev, struct learn_rec *rec);
/* An fd that becomes readable when events are waiting (for epoll). */
int events_fd(const struct events *ev);
/* Writes every waiting event. Returns the number written or -errno. */
int events_drain(struct events *ev);
void events_start(struct events *ev, const char *layers, char *const argv[], int pid);
void events_summary(struct events *ev, int status);
/* The calls the run's events counted as denied so far, every layer together. */
unsigned long long events_denied(const struct events *ev);
void events_close(struct events *ev);
/*
 * A review by the jury of a held call: kind "exec" or "connect", target,
 * argv (exec, else NULL), the outcome, the deciding rule (its
 * policy_rule_name()), the jury's answer (JSON, re-serialized here; NULL
 * when none came), an error (NULL when the jury answered) and how long the
 * call was held.
 */
void events_review(struct events *ev, int tid, const char *kind, const char *target,
		   char *const argv[], bool allowed, const char *rule, const char *answer,
		   const char *error, long held_us);
/*
 * A decision of the hold (src/hold/) about a trapped exec of thread tid.
 * rule NULL means the default decided. Safe to call from another thread.
 */
void events_hold_exec(struct events *ev, int tid, const char *path, char *const argv[],
		      enum sx_action verdict, const struct policy_loc *rule, const char *reason);

/*
 * One event (parsed) as a line for people: time, process, what, verdict,
 * layer, rule; in colour when asked. Returns 0, or -1 for an event that is
 * not shown (process events).
 */
int events_view_line(json_object *o, bool colour, char *buf, size_t len);

/*
 * A decision of the run's resolver (src/dns/) about one query: the name
 * and type asked, the verdict, the deciding rule (NULL: the default),
 * the asking process (0: unknown) and the addresses answered (NULL-ended,
 * or NULL). Written as kind "dns", layer "dns", and counted in the
 * summary like every other layer. Safe to call from any thread.
 */
void events_dns(struct events *ev, int pid, const char *name, const char *qtype,
		enum sx_action verdict, const struct policy_loc *rule, const char *const answers[]);

/* A string member of an event (NULL when absent or not a string), an integer one (else def). */
const char *events_str(json_object *o, const char *key);
long long events_num(json_object *o, const char *key, long long def);

/* Writes s as a JSON string (with quotes), or only its escaped body. */
void json_str(FILE *f, const char *s);
void json_str_body(FILE *f, const char *s);
/* RFC 3339 UTC with microseconds, from a CLOCK_REALTIME time in ns. */
void json_time(FILE *f, unsigned long long realtime_ns);

#endif
