/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the files of src/events/; not a public interface.
 *
 * Every event is composed whole into a record (a memory stream) and then
 * committed under the log's lock: the commit adds the record's count to
 * the tally of its layer and verdict (what the summary reports) and
 * writes the line. The ring buffer's reader and the hold's threads write
 * through the same commit, so lines never interleave and the tally is the
 * sum of the count fields of the lines written.
 */
#ifndef SEVORIX_EVENTS_INTERNAL_H
#define SEVORIX_EVENTS_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "events/events.h"
#include "sevorix/abi.h"

#define PID_SLOTS 4096
#define TALLY_MAX 48
#define QUIET_SLOTS 8192	/* twice the kernel's sx_quiet entries */

#define REPEAT_SLOTS 8192	/* buckets of the denials remembered for their repeats */
#define REPEAT_MAX 32768	/* twice the kernel's sx_agg entries */

/* What was written of one key of sx_quiet (agg.c). */
struct quiet_written {
	struct sx_quiet_key k;
	unsigned long long written;
	unsigned long long latest_ts;	/* the rule's latest record written whole */
	bool used;
};

/* A denial written, by its kernel time: what its repeats say (NULL: not ours). */
struct repeat {
	unsigned long long ts;
	char *frag;
	char layer[16], verdict[8];
	unsigned long gen;	/* the last sweep that found it in sx_agg (repeat.c) */
	struct repeat *next;
};

/* Decisions written, by layer and verdict (names as in the events). */
struct tally {
	char layer[24];
	char verdict[12];
	unsigned long long n;
};

struct events {
	struct events_sink *sink;
	char run[64];
	const struct policy *p;
	struct ring_buffer *rb;
	struct events_maps maps;
	struct dns_names *names;	/* the run's learnt names, or NULL */
	long long boot_to_real;	/* CLOCK_REALTIME - CLOCK_BOOTTIME, ns */
	struct {
		int pid, ppid;
	} pids[PID_SLOTS];	/* parents of processes seen, by pid */
	pthread_mutex_t lock;	/* the tally and the output */
	struct tally tally[TALLY_MAX];
	char layers[256];	/* the run's layers, as its start event lists them */
	struct quiet_written *quiet; /* QUIET_SLOTS */
	struct repeat **repeats; /* REPEAT_SLOTS chains, by ts_boot_ns (repeat.c) */
	size_t nrepeats;
	unsigned long repeat_gen; /* sweeps of sx_agg so far */
	time_t swept;		/* the last sweep of the kernel's counts */
	unsigned long long unrecorded; /* SX_STAT_UNRECORDED at the last look */
	long long started;	/* unix time the log was opened: the rules were compiled before */
	bool world;		/* the run has a private world (events_set_world()) */
	char **hidden;		/* the denied paths its masks hide, NULL-terminated, or NULL */
	bool filtered;		/* the hardening filter is in force (events_set_filtered()) */
	unsigned int relaxed;	/* its entries left out (enum hardening_allow bits) */
	struct learn_rec *learn; /* run --learn: every decision also goes here (learn.c) */
};

/* One event being composed; committed (or dropped) whole. */
struct rec {
	FILE *f;
	char *buf;
	size_t len;
	const char *layer;	/* a decision's layer and verdict, NULL for other events */
	const char *verdict;
	unsigned long long count;
	unsigned long long cache_ts;	/* a denial's kernel time: remembered for its repeats */
	long frag;		/* where what follows the head starts */
};

/* Returns 0 or -ENOMEM. */
int rec_open(struct rec *r);
/* Sets the decision the record is about; it ends with "count" when committed. */
void rec_decision(struct rec *r, const char *layer, const char *verdict, unsigned long long n);
/* Ends the record, tallies and writes it, and frees it. */
void rec_commit(struct events *ev, struct rec *r);
/* Frees it unwritten. */
void rec_drop(struct rec *r);
/* The part after the head of the denial written at kernel time ts (frag NULL: not ours). */
void events_remember(struct events *ev, unsigned long long ts, const char *frag, size_t len,
		     const char *layer, const char *verdict);
/* What events_remember() kept for ts (NULL when nothing, or not ours). */
const struct repeat *events_recall(const struct events *ev, unsigned long long ts);
/* repeat.c: ts is still some identity's latest record in sx_agg: kept. */
void events_repeat_pin(struct events *ev, unsigned long long ts);
/* Forgets ts (its repeats were written), then what no sweep found for two sweeps. */
void events_forget(struct events *ev, unsigned long long ts);
void events_forget_stale(struct events *ev);
void events_forget_all(struct events *ev);
/* Writes out what is buffered (any thread). */
void events_flush(struct events *ev);
/* The summary's "decisions" and totals, from the tally (caller holds ev->lock). */
void events_put_decisions(struct events *ev, FILE *f);

/* The fields every event of a process starts with: {"ts":..,"run":..,"pid":.., ..,"comm":..} */
void put_head(struct events *ev, FILE *f, unsigned long long realtime_ns, int pid, int ppid,
	      int uid, const char *comm);
/* "rule" of rule id of a section (enum sx_section), as the events name it. */
void events_put_rule(struct events *ev, FILE *f, int section, unsigned int id);
/* "rule":"FILE:LINE" of a policy location, or "default" for NULL. */
void put_loc(FILE *f, const struct policy_loc *loc);
/* The sum over CPUs of counter stat (enum sx_stat); 0 when unreadable. */
unsigned long long events_stat(const struct events *ev, unsigned int stat);
/* The tally of layer and verdict (caller holds ev->lock). */
unsigned long long events_tallied(const struct events *ev, const char *layer, const char *verdict);
/* "cgroup-bpf", "exec-check", "bpf-lsm" for the kernel's layers that decide; else NULL. */
const char *events_layer_name(int layer);
/* agg.c: writes what the kernel counted since the last sweep (at most once a second,
 * unless last: then also what it decided and no event carries). */
void events_sweep(struct events *ev, bool last);
/* The parent of pid (cached from fork events, else /proc). */
int events_ppid(struct events *ev, int pid);
/* The name events use for enum sx_verdict. */
const char *verdict_name(int v);

/* The native event of a parsed line: itself, or what an OCSF line carries in "unmapped". */
json_object *events_native(json_object *o);
/* journal.c: one event (a JSON line) as a journal entry. Returns sd_journal_sendv's answer. */
int events_journal_send(const char *line);
/* ocsf.c: one event (a JSON line) as an OCSF line on f. Returns 0 or -1 (not an event). */
int events_ocsf_write(FILE *f, const char *line);

/* kernel.c: one record of the ring buffer. */
int events_on_kernel(struct events *ev, const struct sx_event *e, size_t size);
/* observed.c: a call that failed with EACCES/EPERM/EXDEV/EROFS/EBUSY (struct sx_obs_event). */
void events_on_observed(struct events *ev, const struct sx_obs_event *o);
/* An observed call's name (path, then its directory) as an absolute path. */
void events_obs_complete(const char *name, char *out, size_t len);
/* learn.c: what a kernel record tells run --learn. */
void events_learn(struct events *ev, const struct sx_obs_event *o);

/* attribute.c: which rule refused access to path (see there). */
struct blame {
	const struct policy_loc *loc;	/* NULL: the section's default */
	const char *section;		/* "files" or "exec" */
	char expanded[4096];		/* set when an allow rule's directory was granted
					 * entry by entry because of loc: that directory */
	bool hidden;			/* refused by the mask the run's world puts over loc's path */
};
/* A refused call on one name. */
struct file_op {
	const char *path;	/* absolute, normalized */
	unsigned int access;	/* enum sx_access the call needs */
	bool entry;		/* it creates or removes the name (needs rights on its parent) */
	long long started;	/* when the run's rules were compiled (unix time) */
	const char *const *hidden; /* denied paths Landlock left to the run's world, or NULL */
};
/* True when the policy (or how Landlock carries it out) refuses the call. */
bool events_blame_file(const struct policy *p, const struct file_op *op, struct blame *b);

#endif
