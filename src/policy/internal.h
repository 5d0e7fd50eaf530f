/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared between the files of the rulebook loader; not a public interface. */
#ifndef SEVORIX_POLICY_INTERNAL_H
#define SEVORIX_POLICY_INTERNAL_H

#include <yaml.h>

#include "sevorix/policy.h"

enum section_kind {
	SECTION_NETWORK,
	SECTION_FILES,
	SECTION_EXEC,
};

struct loader {
	yaml_document_t doc;
	struct policy *p;
	struct policy_diag *diag;
	const char *file;
	size_t errors;
};

void loader_error(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void loader_warn(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void loader_error_at(struct loader *l, struct policy_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
yaml_node_t *loader_node(struct loader *l, int id);
const char *loader_scalar(struct loader *l, yaml_node_t *n, const char *what);
struct policy_loc loader_loc(struct loader *l, const yaml_node_t *n);
int loader_action(struct loader *l, yaml_node_t *n, enum sx_action *ret);
int loader_each_pair(struct loader *l, yaml_node_t *map, const char *what,
		     int (*fn)(struct loader *, const char *, yaml_node_t *, yaml_node_t *, void *),
		     void *arg);

/* sections.c */
void loader_section(struct loader *l, yaml_node_t *k, yaml_node_t *v, struct policy_section *s,
		    enum section_kind kind);

/* vars.c: returns a malloc'd expansion of s, or NULL after reporting at n. */
char *loader_expand(struct loader *l, yaml_node_t *n, const char *s);
bool policy_var_name_ok(const char *name);
/* Normalizes an absolute path in place: no "//", "/./", "/../" or trailing '/'. */
void policy_path_normalize(char *path);
/* True when rule path r covers path p by whole components ("/usr" covers "/usr/x"). */
bool policy_path_covers(const char *r, const char *p);

/* glob.c: argv patterns ('*', '?', literal bytes), as the kernel matches them */
bool policy_glob(const char *pat, const char *text);

/* order.c */
void policy_sort(struct policy *p);
void loader_check_duplicates(struct loader *l);
size_t policy_path_depth(const char *path);

#endif
