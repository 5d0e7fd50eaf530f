/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `sevorix policy diff`: where two rulebooks decide differently.
 *
 * The comparison is of effect, not of text. Both policies are loaded for
 * the same agent (the same ${HOME}, ${USER} and ${WORKSPACE}), and each
 * section's input space is cut into regions inside which neither policy
 * can tell two inputs apart: for files and exec paths, the trie of every
 * rule path of either policy, by whole components (a region is a rule's
 * path and everything below it that no deeper rule path names, plus "any
 * other path"); for network destinations, the CIDR prefixes of either
 * policy per family, then the port intervals that the rules covering the
 * region cut; for UNIX sockets, the socket paths; for exec argv, the
 * classes of argv strings that match the same argv patterns of either
 * policy (found by walking the product of the patterns' automata, each
 * class with a shortest example). Each region is then decided by both
 * policies with the reference decisions of policy.h on one member of it,
 * which stands for all; a row is a region where the two actions differ,
 * with the rule (or default) that decides it on each side.
 *
 * Nothing here falls back to comparing text. Where a region cannot be
 * established exactly (argv patterns whose combinations exceed the walk's
 * bound), the rules concerned are listed as not compared, with the reason.
 */
#ifndef SEVORIX_LEARN_DIFF_H
#define SEVORIX_LEARN_DIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sevorix/policy.h"

enum diff_kind {
	DIFF_NET = 0,	/* an IPv4 or IPv6 region and a port interval */
	DIFF_UNIX,	/* a UNIX socket path, or every path under a prefix */
	DIFF_FILES,	/* a path region and the accesses that differ there */
	DIFF_EXEC,	/* an executable's path region and an argv class */
	DIFF_SETTING,	/* mode, exec.written, exec.loader, a hardening entry, ... */
};

/* An argv class: the argv pattern that wins on each side (NULL: none), and an example. */
struct diff_argv {
	char *a, *b;
	char *example;		/* an argv of the class, joined by spaces */
};

/* One side's decision of a region: the action, and the rule (NULL: the default). */
struct diff_side {
	enum sx_action action;
	const struct policy_loc *rule;
};

struct diff_row {
	enum diff_kind kind;
	char *region;		/* as written (${VAR} kept where a rule writes it); a CIDR */
	bool rest;		/* "everything no rule of this kind names" */
	bool below;		/* the region holds what is below it (paths, prefixes) */
	char **except;		/* regions carved out of it, as written */
	size_t nexcept;
	unsigned int access;	/* DIFF_FILES: enum sx_access bits */
	int family;		/* DIFF_NET: AF_INET or AF_INET6 */
	uint32_t port_lo, port_hi; /* DIFF_NET: 0..65535 */
	bool any_path;		/* DIFF_EXEC: the row holds for every path region */
	bool any_argv;		/* DIFF_EXEC: ... and for every argv; else for the classes: */
	struct diff_argv *argv;
	size_t nargv;
	char *text_a, *text_b;	/* DIFF_SETTING: each side's value */
	struct diff_side a, b;
};

/* A rule whose effect could not be compared exactly, and why. */
struct diff_undecided {
	const struct policy_loc *rule;
	char *what;		/* the rule's selector, e.g. argv "rm -r*" */
	char *why;
};

struct policy_diff {
	struct diff_row *rows;
	size_t nrows;
	struct diff_undecided *und;
	size_t nund;
};

/*
 * Compares a and b (loaded for the same agent). Returns 0 and *ret (rows
 * ordered by kind, then region), or -ENOMEM.
 */
int policy_diff(const struct policy *a, const struct policy *b, struct policy_diff **ret);
void policy_diff_free(struct policy_diff *d);
/* Writes d for a person, or as one JSON object. Returns 0 or -EIO. */
int policy_diff_print(const struct policy_diff *d, const struct policy *a,
		      const struct policy *b, bool json, FILE *out);

#endif
