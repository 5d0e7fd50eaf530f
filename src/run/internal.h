/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the files of `sevorix run`; not a public interface. */
#ifndef SEVORIX_RUN_INTERNAL_H
#define SEVORIX_RUN_INTERNAL_H

#include <stddef.h>

#include "sevorix/policy.h"

struct netlayer;
struct events;
struct dns_names;

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
