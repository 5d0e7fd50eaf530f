/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared between the files of the rulebook loader; not a public interface. */
#ifndef SEVORIX_POLICY_INTERNAL_H
#define SEVORIX_POLICY_INTERNAL_H

#include <stddef.h>
#include <sys/types.h>

#include "sevorix/policy.h"
#include "util/yaml.h"

enum section_kind {
	SECTION_NETWORK,
	SECTION_FILES,
	SECTION_EXEC,
	SECTION_BIND,	/* network.bind */
};

/* A file of the policy, known by its inode: read once, and never inside itself. */
struct loader_file {
	dev_t dev;
	ino_t ino;
};

/*
 * One file of the rulebook being read: the YAML walk (util/yaml.h, its
 * messages going to diag, named after this file) and the policy that all
 * the files of one policy fill. Key handlers get the walk and find the
 * loader around it with loader_of(). A file that extends or includes
 * others reads each through a loader of its own, whose up is this one.
 */
struct loader {
	struct ydoc y;
	struct policy *p;
	struct policy_diag *diag;
	struct loader *up;	  /* the file that names this one; NULL for the top */
	struct loader_file id;
	char path[4096];	  /* as the messages name it */
	const char *file;	  /* this file's entry of p->sources, once its bases are read */
	unsigned int src;	  /* its index there */
	bool version_seen;
	unsigned int sections;	  /* bit per enum section_kind: given in this file */
	/* every file opened so far (the top loader's; shared through up) */
	struct loader_file *opened;
	size_t nopened;
};

#define loader_of(d) ((struct loader *)((char *)(d) - offsetof(struct loader, y)))

struct policy_loc loader_loc(struct loader *l, const yaml_node_t *n);
int loader_action(struct loader *l, yaml_node_t *n, enum sx_action *ret);

/* load.c: reads the file l->path (already open as f) into l->p. Returns 0 or -errno. */
int loader_read_file(struct loader *l, FILE *f);
/* Appends one "file:line:col: ..." line to diag (may be NULL). */
void loader_diag_add(void *diag, bool error, const char *line);

/* profile.c: the `extends:` and `include:` keys of root, read before the file's own keys */
int loader_bases(struct loader *l, yaml_node_t *root);

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
/* The value ${name} has in p (its vars, then the built-ins), or NULL. */
const char *policy_var_value(const struct policy *p, const char *name);
/* Normalizes an absolute path in place: no "//", "/./", "/../" or trailing '/'. */
void policy_path_normalize(char *path);


/* shell.c: shell rules over the pipelines an argv runs */
struct shlex_result;
/* Parses argv as the shell runs it into a malloc'd result. Returns 0 or -ENOMEM. */
int policy_shell_parse(char *const argv[], struct shlex_result **ret);
/* Does pat match a pipeline or command of res? 1, 0, or -ENOMEM. */
int policy_shell_match(const char *pat, const struct shlex_result *res);

/* order.c */
void policy_sort(struct policy *p);
/* Two rules of this file with the same selector are an error. */
void loader_check_duplicates(struct loader *l);
/* This file's rules on a selector replace the earlier files' rules on it. */
void loader_override(struct loader *l);
/* Free what one rule holds (not the rule itself). */
void net_rule_clear(struct net_rule *r);
void file_rule_clear(struct file_rule *r);
void exec_rule_clear(struct exec_rule *r);
size_t policy_path_depth(const char *path);

#endif
