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

#include "sevorix/policy.h"

struct events;
struct netlayer;

/* path "-" is stderr. Returns 0 or -errno. */
int events_open(const char *path, const char *run, const struct policy *p, struct events **ret);
/* Reads the layer's ring buffer from now on. Returns 0 or -errno. */
int events_attach(struct events *ev, struct netlayer *nl);
/* The same with the ring buffer's map fd alone (programs loaded by another process). */
int events_attach_fd(struct events *ev, int ringbuf_fd);
/* The run's learnt names: connect events then say the host of an address (docs/dns.md). */
struct dns_names;
void events_set_names(struct events *ev, struct dns_names *t);
/*
 * A lookup the run's resolver decided (kind "dns"): one line per query,
 * the place where DNS decisions are recorded. enforced false: audit mode.
 */
struct dns_event;
void events_dns(struct events *ev, const struct dns_event *e, bool enforced);
/* The policy that rule ids refer to from now on (after a reload). */
void events_set_policy(struct events *ev, const struct policy *p);
/* An fd that becomes readable when events are waiting (for epoll). */
int events_fd(const struct events *ev);
/* Writes every waiting event. Returns the number written or -errno. */
int events_drain(struct events *ev);
void events_start(struct events *ev, const char *layers, char *const argv[], int pid);
void events_summary(struct events *ev, int status);
void events_close(struct events *ev);
/*
 * A review by the jury of a held call: kind "exec" or "connect", target,
 * argv (exec, else NULL), the outcome, the deciding rule's line, the
 * jury's answer (JSON, re-serialized here; NULL when none came), an error
 * (NULL when the jury answered) and how long the call was held.
 */
void events_review(struct events *ev, int tid, const char *kind, const char *target,
		   char *const argv[], bool allowed, unsigned int rule_line, const char *answer,
		   const char *error, long held_us);
/*
 * A decision of the hold (src/hold/) about a trapped exec of thread tid.
 * rule_line 0 means the default decided. Safe to call from another thread.
 */
void events_hold_exec(struct events *ev, int tid, const char *path, char *const argv[],
		      enum sx_action verdict, unsigned int rule_line, const char *reason);

/* Writes s as a JSON string (with quotes), or only its escaped body. */
void json_str(FILE *f, const char *s);
void json_str_body(FILE *f, const char *s);
/* RFC 3339 UTC with microseconds, from a CLOCK_REALTIME time in ns. */
void json_time(FILE *f, unsigned long long realtime_ns);

#endif
