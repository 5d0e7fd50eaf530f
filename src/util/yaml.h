/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One way to read a YAML configuration file: libyaml's document API,
 * which keeps the line and column of every node, walked mapping by
 * mapping with a table of the keys each mapping may hold. Every problem
 * becomes one "file:line:col: message" line and the walk goes on, so a
 * user sees all the errors of a file at once; what a file with errors
 * yields (nothing, for the rulebook) is the caller's decision, made on
 * ydoc.errors after the walk.
 *
 * A user (the rulebook, src/policy/load.c; the jury configuration,
 * src/jury/config.c) writes one table per kind of mapping and one
 * handler per key:
 *
 *	static int on_deadline(struct ydoc *d, const char *key, yaml_node_t *k,
 *			       yaml_node_t *v, void *arg);
 *	static const struct ydoc_key review_keys[] = {
 *		{ "deadline_ms", on_deadline },
 *		{ NULL },		anything else: "unknown key 'NAME'"
 *	};
 *
 *	struct ydoc d = { .file = path, .emit = collect, .ctx = &lines };
 *	if (ydoc_load(&d, f) == 0) {
 *		ydoc_map(&d, ydoc_root(&d), "config", top_keys, &cfg);
 *		ydoc_free(&d);
 *	}
 *	if (d.errors) ... the file is refused, every line of it was emitted
 *
 * A table ends with { NULL, fn }: fn then takes every key not named
 * before it (the names of variables, jurors or other named things), and
 * may report it itself; { NULL, NULL } reports "unknown key 'NAME'", so a
 * misspelt key is an error, never silently ignored. Handlers reach the
 * state they fill through arg, or by embedding struct ydoc in their own
 * and taking it back with container_of; they report through ydoc_error()
 * at the node in question and return 0 (a handler's -errno is not an
 * error of the file: it stops nothing, the walk counts what was reported).
 * Typed values are read with ydoc_scalar() and ydoc_long(); a user with
 * other types adds its own readers beside them, reporting the same way.
 */
#ifndef SEVORIX_UTIL_YAML_H
#define SEVORIX_UTIL_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <yaml.h>

struct ydoc {
	const char *file;	/* as the messages name it */
	/* Each message as a whole line without '\n'; error false: a warning. May be NULL. */
	void (*emit)(void *ctx, bool error, const char *line);
	void *ctx;
	size_t errors;		/* reported so far, also when emit is NULL */
	size_t warnings;
	yaml_document_t doc;	/* valid between ydoc_load() and ydoc_free() */
};

struct ydoc_key {
	const char *name;	/* NULL ends the table */
	int (*fn)(struct ydoc *d, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg);
};

/*
 * Reads one document from f. A file that is not YAML is reported at the
 * parser's line and column and is -EINVAL (nothing to free then); else
 * 0 or -ENOMEM.
 */
int ydoc_load(struct ydoc *d, FILE *f);
void ydoc_free(struct ydoc *d);
/* The top node, or NULL for an empty document. */
yaml_node_t *ydoc_root(struct ydoc *d);
/* The node of an id found in a mapping or sequence. */
yaml_node_t *ydoc_node(struct ydoc *d, int id);

/* "file:line:col: message" at node n (NULL: 1:1). */
__attribute__((format(printf, 3, 4))) void ydoc_error(struct ydoc *d, const yaml_node_t *n,
						      const char *fmt, ...);
/* "file:line:col: warning: message" at node n (NULL: 1:1). */
__attribute__((format(printf, 3, 4))) void ydoc_warn(struct ydoc *d, const yaml_node_t *n,
						     const char *fmt, ...);
/* The same as ydoc_error() at a place kept from an earlier node. */
__attribute__((format(printf, 4, 5))) void ydoc_error_at(struct ydoc *d, size_t line, size_t col,
							 const char *fmt, ...);

/* Line and column of n, counted from 1 as the messages say them. */
size_t ydoc_line(const yaml_node_t *n);
size_t ydoc_col(const yaml_node_t *n);

/* The scalar's text, or NULL after reporting "WHAT: expected a single value". */
const char *ydoc_scalar(struct ydoc *d, yaml_node_t *n, const char *what);
/*
 * A whole number from lo to hi. Returns 0, or -EINVAL after reporting
 * "WHAT: expected LO to HI, got 'TEXT'" (or ydoc_scalar()'s message).
 */
int ydoc_long(struct ydoc *d, yaml_node_t *n, const char *what, long lo, long hi, long *out);
/*
 * Calls the handler of every key of mapping map, in file order, as the
 * table keys says (see above). A node that is not a mapping is reported
 * ("WHAT: expected a mapping") and is -EINVAL; a key that is not a scalar
 * is reported and skipped. Returns 0 or -EINVAL.
 */
int ydoc_map(struct ydoc *d, yaml_node_t *map, const char *what, const struct ydoc_key *keys,
	     void *arg);

#endif
