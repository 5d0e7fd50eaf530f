/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The names a run's addresses were learnt from: the supervisor's copy of
 * what the resolver told the kernel, so that a connect event can say
 * which host an address belongs to and a review can show the jury the
 * name. The kernel's map (abi.h: sx_learnt) decides; this table only
 * names.
 *
 * A fixed number of entries, keyed by (address, host rule), found by
 * hashing with a short probe: a new entry takes an expired one, or else
 * the one in its probe that expires first. Lookups and insertions may
 * come from different threads (the resolver's, the event reader's, the
 * hold's); one mutex guards the table.
 */
#ifndef SEVORIX_DNS_NAMES_H
#define SEVORIX_DNS_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/match.h"
#include "dns/resolver.h"

#define DNS_NAMES_MAX 4096

struct dns_names;

/* Returns 0 or -ENOMEM. */
int dns_names_new(struct dns_names **ret);
/* Accepts NULL. */
void dns_names_free(struct dns_names *t);
/* Remembers that l->addr belongs to l->name under l->rule until l->expires_ns. */
void dns_names_add(struct dns_names *t, const struct dns_learnt *l);

struct dns_name_hit {
	char name[DNS_HOST_MAX + 1];
	int rule;  /* the host rule it was learnt under, -1: the default */
	bool live; /* not expired at now_ns */
};

/*
 * The name addr (4 or 16 bytes, as family says) was learnt for: the one
 * under rule when there is one (rule -1: any), else the live one that
 * expires last, else the expired one that expired last. Returns false
 * when the address was never learnt (or has been forgotten).
 */
bool dns_names_find(struct dns_names *t, int family, const void *addr, int rule,
		    unsigned long long now_ns, struct dns_name_hit *hit);
/*
 * The host rules addr is live for at now_ns, at most max. Returns how
 * many were written to rules.
 */
size_t dns_names_rules(struct dns_names *t, int family, const void *addr, unsigned long long now_ns,
		       int *rules, size_t max);

#endif
