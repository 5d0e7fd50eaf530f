/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared between the files of the rulebook loader; not a public interface. */
#ifndef SEVORIX_POLICY_INTERNAL_H
#define SEVORIX_POLICY_INTERNAL_H

#include <stddef.h>

#include "sevorix/policy.h"
#include "util/yaml.h"

enum section_kind {
	SECTION_NETWORK,
	SECTION_FILES,
	SECTION_EXEC,
	SECTION_BIND,	/* network.bind */
};

/*
 * The rulebook being read: the YAML walk (util/yaml.h, its messages going
 * to diag) and the policy it fills. Key handlers get the walk and find
 * the loader around it with loader_of().
 */
struct loader {
	struct ydoc y;
	struct policy *p;
	struct policy_diag *diag;
};

#define loader_of(d) ((struct loader *)((char *)(d) - offsetof(struct loader, y)))

struct policy_loc loader_loc(struct loader *l, const yaml_node_t *n);
int loader_action(struct loader *l, yaml_node_t *n, enum sx_action *ret);

/* sections.c: a `network:`, `files:` or `exec:` key of the top level */
int loader_section(struct ydoc *d, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg);

/* names.c: the host of a rule (lower case, no trailing dot), or NULL after reporting */
char *loader_host(struct loader *l, yaml_node_t *n);
/* names.c: network.dns */
int loader_dns(struct ydoc *d, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg);
/* names.c: with host rules, no UNIX rule may reach a host resolver (nscd, systemd-resolved) */
void loader_check_names(struct loader *l);

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
