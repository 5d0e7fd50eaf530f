/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the files of `policy suggest`; not a public interface. */
#ifndef SEVORIX_LEARN_SUGGEST_INTERNAL_H
#define SEVORIX_LEARN_SUGGEST_INTERNAL_H

#include "learn/suggest.h"
#include "learn/yedit.h"

#define PORT_WORDS (65536 / 64)

/* What became of one denial. */
struct item {
	const struct denial *d;
	enum { IT_ALLOWED, IT_RULE, IT_NOTE } state;
	unsigned int access;	/* DEN_FILE: the kinds P denies */
	char *path;		/* DEN_FILE: where the rule goes (the directory of a creation) */
	char *note;		/* IT_NOTE: why no rule; IT_RULE: the rule it overrides, or NULL */
};

/* An existing rule of P, edited so that an allow for the same selector can win. */
struct rule_edit {
	int section;		/* enum sx_section */
	size_t index;		/* in P's sorted array */
	unsigned int drop;	/* files: kinds of access taken out */
	uint64_t *ports;	/* network: ports taken out (bitmap) */
	bool allow;		/* unix, exec: the action becomes allow */
	unsigned long count;
};

/* A rule added to P. */
struct rule_add {
	enum denial_kind kind;
	char *path;		/* FILE, UNIX, EXEC: expanded */
	unsigned int access;
	int family;
	uint8_t addr[16];
	uint64_t *ports;	/* NET: the ports (bitmap); NULL: every port */
	unsigned long count;
	char *note;		/* the first rule it overrides, or NULL */
};

struct suggestion {
	const struct policy *p;
	struct item *items;
	size_t nitems;
	struct rule_edit *edits;
	size_t nedits;
	struct rule_add *adds;
	size_t nadds;
	unsigned int harden;	/* hardening entries to allow */
	struct ytext text;	/* P's file */
	struct yedit *ye;	/* the patch */
	size_t nye;
	char **loose;		/* what could not be placed in the file (flow style) */
	size_t nloose;
	unsigned int loose_sec;	/* bit per enum sx_section (hardening: 3) left loose */
};

/* suggest_edit.c: the planned edits and additions as line edits of s->text. */
int suggest_patch(struct suggestion *s);
/* ${WORKSPACE} or ${HOME} in place of their values at the start of path (malloc'd). */
char *suggest_written(const struct policy *p, const char *path);
/* "a.b.c.d/32" or "x::y/128" */
void suggest_cidr(int family, const uint8_t *addr, char *out, size_t len);

#endif
