/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `sevorix policy suggest`: from the denials of a run, the smallest rules
 * that would have allowed each one, as a patch of the policy file.
 *
 * The run's events (sevorix(1)) are read into denials, identical ones
 * counted together. Each is decided again by the policy P: one P allows
 * already is left alone; one that a rule cannot allow (a program denied
 * by its content, an argv rule, an abstract socket name, the cgroup
 * escape) is explained instead. The rest get the narrowest rule there is:
 * the file itself for the kinds of access it was denied, the address as a
 * /32 or /128 with the port, the socket path, the program's path, the
 * hardening entry. Where P decides that exact selector with a rule of its
 * own (a deny on the same path, a port in a deny rule of the same host),
 * an allow beside it would lose, so that rule is edited instead: the
 * access or port taken out of it, or its action changed. A file that does
 * not exist when the policy is applied cannot be granted by its path (see
 * sevorix-policy(5)), so a denied creation becomes write on the directory.
 *
 * Every suggestion that allows something a deny or review rule of P
 * decides says so and names that rule. The patched file is loaded again
 * and every denial decided by it before anything is printed: a
 * suggestion that would not allow its denial is never shown.
 */
#ifndef SEVORIX_LEARN_SUGGEST_H
#define SEVORIX_LEARN_SUGGEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sevorix/policy.h"

enum denial_kind {
	DEN_FILE,	/* an open (or observed exec) refused by the files rules */
	DEN_NET,	/* a connect or datagram to an IPv4/IPv6 destination */
	DEN_UNIX,	/* a connect to a UNIX socket path */
	DEN_EXEC,	/* an exec refused by the exec rules or the jury */
	DEN_HARDEN,	/* a hardening denial of the BPF LSM layer */
};

/* One kind of denial of a run, with how often it happened. */
struct denial {
	enum denial_kind kind;
	char *path;		/* FILE, UNIX: the path; EXEC: the executable */
	unsigned int access;	/* FILE: enum sx_access bits */
	int family;		/* NET */
	uint8_t addr[16];
	uint16_t port;
	bool udp;
	char **argv;		/* EXEC: NULL-terminated (maybe empty) */
	char *reason;		/* EXEC: the hold's reason, "" when none */
	char *what;		/* HARDEN: the event kind; its hardening name or NULL */
	char *harden;
	unsigned long count;
};

struct denials {
	struct denial *v;
	size_t n;
	unsigned long events;	/* denial events read */
	char *policy;		/* the run's policy, from its start event, or NULL */
};

/*
 * Reads a run's events (JSON lines) from f; run NULL takes every run in
 * it. Lines that are not events of this kind are skipped. Returns 0,
 * -ENOMEM, or -EIO on a read error.
 */
int denials_read(FILE *f, const char *run, struct denials *out);
void denials_free(struct denials *d);

struct suggestion;
/*
 * Plans the rules for d against p (loaded from p->file; its text is read
 * again to be patched). err says what failed. Returns 0 and *ret, or
 * -errno (-EPROTO: a planned rule did not allow its denial, a bug).
 */
int policy_suggest(const struct policy *p, const struct denials *d, struct suggestion **ret,
		   char *err, size_t errlen);
/* Prints the explanation as "# " lines, then the unified diff of p's file. */
int suggest_print(const struct suggestion *s, FILE *out);
/* How many denials got a rule, and how many could not. */
void suggest_counts(const struct suggestion *s, size_t *ruled, size_t *explained);
void suggest_free(struct suggestion *s);

#endif
