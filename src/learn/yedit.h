/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Editing a rulebook as text, so that a suggestion is a patch of the
 * user's own file (comments, order and spelling kept): where each section
 * and each rule is, line by line, edits that insert, replace or delete
 * whole lines, and the unified diff of those edits.
 *
 * Places are found with libyaml's marks and widened by indentation: a
 * block item or mapping runs on while the lines below it are indented
 * deeper (or blank, or comments). A section written in flow style
 * (`files: {default: deny}`) has no place for a new line; it is marked
 * so and the caller says what it would add instead.
 */
#ifndef SEVORIX_LEARN_YEDIT_H
#define SEVORIX_LEARN_YEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct ytext {
	char **line;		/* without their '\n' */
	size_t n;
	bool nl_end;		/* the last line ended with '\n' */
};

/* An item of a list: its lines (0-based, inclusive) and its node's line (1-based). */
struct yitem {
	size_t first, last;
	unsigned int node_line;
};

/* A top-level key whose value is a mapping holding a list (rules, allow). */
struct yplace {
	bool present;		/* the key exists */
	bool block;		/* block style down to the list: lines can be added */
	size_t key_line;	/* 0-based */
	size_t last;		/* last line of the key's value */
	int child_col;		/* column of the mapping's own keys */
	bool has_list;
	bool list_flow;		/* the list is in flow style ([a, b]) */
	size_t list_line;	/* the list key's line */
	size_t list_last;	/* last line of the list */
	char prefix[64];	/* the text before an item: "    - " */
	struct yitem *items;
	size_t nitems;
};

/* Lines first .. first+ndel-1 replaced by ins[0..nins) (ndel 0: inserted before first). */
struct yedit {
	size_t first;
	size_t ndel;
	char **ins;
	size_t nins;
};

int ytext_read(const char *file, struct ytext *t);
void ytext_free(struct ytext *t);
/* The place of top-level key (a mapping) and its list key. Returns 0 or -errno. */
int ytext_place(const struct ytext *t, const char *file, const char *key, const char *list,
		struct yplace *ret);
void yplace_free(struct yplace *p);
/* The item of p whose node starts on line (1-based), or NULL. */
const struct yitem *yplace_item(const struct yplace *p, unsigned int line);

/* Appends an edit taking ins (malloc'd lines, may be NULL with nins 0). Returns 0 or -ENOMEM. */
int yedits_add(struct yedit **v, size_t *n, size_t first, size_t ndel, char **ins, size_t nins);
void yedits_free(struct yedit *v, size_t n);
/* t with the edits applied (sorted by first; they must not overlap). Returns 0 or -errno. */
int yedits_apply(const struct ytext *t, struct yedit *e, size_t n, struct ytext *out);
/* The unified diff (3 lines of context) of the edits, as `diff -u name name` prints it. */
void yedits_diff(const struct ytext *t, const struct yedit *e, size_t n, const char *name,
		 FILE *out);
int ytext_write(const struct ytext *t, FILE *f);

#endif
