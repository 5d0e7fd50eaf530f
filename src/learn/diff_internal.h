/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the files of `policy diff`; not a public interface. */
#ifndef SEVORIX_LEARN_DIFF_INTERNAL_H
#define SEVORIX_LEARN_DIFF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "learn/diff.h"

/* The comparison being built: the two policies and the rows found so far. */
struct diff_build {
	const struct policy *a, *b;
	struct policy_diff *d;
};

/* Appends a copy of row; strings are duplicated. Returns 0 or -ENOMEM. */
int diff_add_row(struct diff_build *db, const struct diff_row *row);
int diff_add_undecided(struct diff_build *db, const struct policy_loc *rule, const char *what,
		       const char *why);

/*
 * A set of names (paths) and, for each, the nearest other name that
 * covers it: the regions of a section are its nodes, each minus what its
 * children hold, plus "the rest" (parent -1) when no node covers it all.
 */
struct pnode {
	const char *name;	/* expanded */
	const char *written;	/* as a rule writes it; one with ${VAR} when any does */
	int parent;		/* index of the nearest covering node, -1: none */
};

struct ptree {
	struct pnode *n;
	size_t len;
	bool (*covers)(const char *outer, const char *inner); /* outer != inner */
};

int ptree_add(struct ptree *t, const char *name, const char *written);
void ptree_link(struct ptree *t);
/* The written names of the children of node i (-1: of the rest), as diff_row.except. */
int ptree_children(const struct ptree *t, int i, char ***ret, size_t *n);
void ptree_free(struct ptree *t);
bool diff_path_covers(const char *outer, const char *inner);

/* diff_net.c: IPv4, IPv6 and UNIX regions. */
int diff_network(struct diff_build *db);
/* diff_exec.c: exec path regions by argv classes. */
int diff_exec(struct diff_build *db);

/*
 * diff_glob.c: the classes of strings that argv patterns tell apart. For
 * patterns pats[0..n), every reachable combination of matches, as a bit
 * set (bit i: pats[i] matches), with a shortest example string. At most
 * max_states states of the product automaton are visited; *complete is
 * false when that bound stopped the walk (the classes found are real,
 * others may exist). Returns 0 or -ENOMEM; -E2BIG for more than
 * GLOB_CLASS_MAX patterns.
 */
#define GLOB_CLASS_MAX 128
struct glob_class {
	uint64_t match[GLOB_CLASS_MAX / 64];
	char *example;
};
int glob_classes(const char *const *pats, size_t n, size_t max_states, struct glob_class **ret,
		 size_t *nret, bool *complete);
void glob_classes_free(struct glob_class *c, size_t n);

#endif
