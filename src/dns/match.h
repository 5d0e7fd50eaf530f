/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host rules: which rule decides a name that the agent looks up.
 *
 * A rule's host is one of
 *   api.example.com   exactly that name;
 *   *.example.com     any name below example.com (a.example.com,
 *                     a.b.example.com), never example.com itself;
 *   *                 any name.
 * Names compare case-insensitively, and one trailing dot is ignored on
 * both sides ("API.Example.COM." is api.example.com). Rules are written in
 * ASCII: an internationalized name in its IDNA A-label form (xn--...), as
 * it travels in DNS; dns_host_check() rejects anything else with a reason.
 *
 * Order (most specific name first): every exact rule, then the wildcards
 * from the longest suffix to the shortest (*.a.example.com before
 * *.example.com), then *. Rules with the same host are ordered deny,
 * review, allow (the strictest first), then as given. The first rule in
 * that order that matches decides; when none does, the default decides.
 * Exact names are found by one binary search and wildcards by one per
 * label of the name, so a lookup costs O(labels x log rules).
 *
 * A looked-up name that is not a plain host name (a byte other than a
 * letter, a digit, '-' or '_', as dns_name_text() escapes it, or an empty
 * or over-long label) can only be matched by *: no exact or wildcard rule
 * is ever written for it.
 */
#ifndef SEVORIX_DNS_MATCH_H
#define SEVORIX_DNS_MATCH_H

#include <stddef.h>

#include "sevorix/policy.h"

#define DNS_HOST_MAX 253	/* characters of a host, without the trailing dot */

struct dns_host_rule {
	const char *host;
	enum sx_action action;
	unsigned int id;	/* the caller's index of the rule, handed back by dns_hosts_match */
};

/*
 * Checks a host as written in a policy. Returns 0, or -EINVAL with *why (a
 * static sentence) and *off (the byte of host where the fault is, for the
 * loader's file:line:col).
 */
int dns_host_check(const char *host, const char **why, size_t *off);

/* The rules in the order above, with their default. */
struct dns_hosts;
/*
 * Returns 0, -EINVAL when a host fails dns_host_check() (*bad: its index),
 * or -ENOMEM. The strings are copied.
 */
int dns_hosts_new(const struct dns_host_rule *rules, size_t n, enum sx_action def,
		  struct dns_hosts **ret, size_t *bad);
void dns_hosts_free(struct dns_hosts *h);

struct dns_match {
	enum sx_action action;
	int rule;	/* the deciding rule's id, or -1 when the default decided */
};

/* Decides name (the text of dns_name_text(), or any dotted name). */
struct dns_match dns_hosts_match(const struct dns_hosts *h, const char *name);

#endif
