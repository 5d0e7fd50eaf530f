/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the files of learn mode's generalizer; not a public interface. */
#ifndef SEVORIX_LEARN_GEN_INTERNAL_H
#define SEVORIX_LEARN_GEN_INTERNAL_H

#include "learn/learn.h"

/* A directory collapses into one rule when this many of its entries were used. */
#define LEARN_DIR_ENTRIES 3

/* One path's use, all observations of it together. */
struct gfile {
	char *path;
	unsigned int bits;
	unsigned long count[3];	/* per access kind */
	unsigned int flags;
};

/* Why a rule of the output is there, for its comment. */
enum gwhy {
	GW_SYSTEM,	/* the reference policy's rule for a system path, as it is */
	GW_CREATED,	/* the run created entries below it */
	GW_DIR,		/* LEARN_DIR_ENTRIES or more of its entries were used */
	GW_PATH,	/* the path itself */
};

struct grule {
	char *path;		/* expanded */
	unsigned int bits;
	enum gwhy why;
	const struct file_rule *ref; /* GW_SYSTEM */
	size_t entries;		/* GW_DIR: entries used below it */
	bool create_dir;	/* GW_CREATED: the rule makes the directory (create: dir) */
	unsigned long uses;
};

/* What the output does not allow, said in a comment. */
struct gtried {
	char *what;		/* "read ${HOME}/.ssh/id_rsa" */
	const char *why;	/* "the default policy denies it" ... */
	const struct policy_loc *rule;
	unsigned long count;
};

struct gen {
	const struct learn_input *in;
	struct gfile *f;	/* sorted by path */
	size_t nf;
	struct grule *r;
	size_t nr;
	struct gtried *t;
	size_t nt;
};

/* generalize.c */
int gen_tried(struct gen *g, const char *what, const char *why, const struct policy_loc *rule,
	      unsigned long count);
/*
 * Where the rule for a name the run created goes (malloc'd): the topmost
 * directory the run created outside the workspace (*create_dir set: the
 * rule makes it before the next run), else the directory it was made in.
 */
char *gen_created_rule(const struct gen *g, const char *path, bool *create_dir);
bool gen_covers(const char *dir, const char *path);

/* generalize_files.c: the files section's rules into g->r. */
int gen_files(struct gen *g);
/* generalize_out.c: the network and exec sections, and the tried list. */
int gen_network(struct gen *g, FILE *out);
int gen_exec(struct gen *g, FILE *out);
void gen_put_tried(const struct gen *g, FILE *out);

#endif
