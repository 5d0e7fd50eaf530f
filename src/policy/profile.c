// SPDX-License-Identifier: GPL-2.0-only
/*
 * Policies made of several files: `extends: NAME` and `include: [NAME, ...]`
 * (sevorix-policy(5), "Profiles"), and where a profile is found by name.
 *
 * A file's bases are read before the file's own keys, as if their content
 * came first: the extended file, then the included ones in order. Each goes
 * through a loader of its own (load.c), so its messages and its rules name
 * it; what a later file says about a selector replaces what the earlier
 * ones said (order.c, loader_override()). A file is read once, where it is
 * first named, so two profiles that both extend `default` share one copy
 * of it; a file that would be read inside itself is an error at the name
 * that closes the circle.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/internal.h"

/* Deeper than any sensible chain of profiles; a bound, not a design. */
#define LOADER_MAX_DEPTH 16

const char *policy_profile_dirs(void)
{
	const char *env = getenv("SEVORIX_PROFILE_PATH");

	return env && *env ? env : POLICY_PROFILE_PATH;
}

/* A profile name: letters, digits, '.', '_', '-', not starting with '.'. */
static bool name_ok(const char *name)
{
	if (!*name || *name == '.')
		return false;
	for (const char *c = name; *c; c++)
		if (!strchr("._-", *c) && !(*c >= 'a' && *c <= 'z') && !(*c >= 'A' && *c <= 'Z') &&
		    !(*c >= '0' && *c <= '9'))
			return false;
	return true;
}

/* The first DIR/file of the ':'-separated dirs that exists. */
static int find_in(const char *dirs, const char *file, char *buf, size_t len)
{
	for (const char *d = dirs; *d;) {
		size_t n = strcspn(d, ":");

		if (n && (size_t)snprintf(buf, len, "%.*s/%s", (int)n, d, file) < len &&
		    access(buf, F_OK) == 0)
			return 0;
		d += n + (d[n] == ':');
	}
	return -ENOENT;
}

/* A name in the profile path, then in beside (may be NULL). */
static int profile_find(const char *name, const char *beside, char *buf, size_t len)
{
	size_t n = strlen(name);
	char file[300];
	int r;

	if (!name_ok(name) || n > 200)
		return -EINVAL;
	snprintf(file, sizeof(file), "%s%s", name,
		 n > 5 && !strcmp(name + n - 5, ".yaml") ? "" : ".yaml");
	r = find_in(policy_profile_dirs(), file, buf, len);
	if (r == -ENOENT && beside)
		r = find_in(beside, file, buf, len);
	return r;
}

int policy_profile_path(const char *name, char *buf, size_t len)
{
	if (strchr(name, '/'))
		return (size_t)snprintf(buf, len, "%s", name) < len ? 0 : -ENAMETOOLONG;
	return profile_find(name, NULL, buf, len);
}

/* The file a name in l's file means: a path beside it, or a profile. */
static int base_path(const struct loader *l, const char *name, char *buf, size_t len)
{
	const char *slash = strrchr(l->path, '/');
	char dir[4096];

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == l->path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - l->path), l->path);
	if (!strchr(name, '/'))
		return profile_find(name, dir, buf, len);
	while (slash && name[0] == '.' && name[1] == '/')
		name += 2; /* "./x.yaml" beside "d/f.yaml" is "d/x.yaml" */
	if (name[0] == '/' || !slash)
		return (size_t)snprintf(buf, len, "%s", name) < len ? 0 : -ENAMETOOLONG;
	return (size_t)snprintf(buf, len, "%s/%s", strcmp(dir, "/") ? dir : "", name) < len
		       ? 0
		       : -ENAMETOOLONG;
}

static struct loader *top_of(struct loader *l)
{
	while (l->up)
		l = l->up;
	return l;
}

/* Returns 1 when id was opened before (then it is not read again), 0 after noting it. */
static int seen(struct loader *l, struct loader_file id)
{
	struct loader *top = top_of(l);
	struct loader_file *o;

	for (size_t i = 0; i < top->nopened; i++)
		if (top->opened[i].dev == id.dev && top->opened[i].ino == id.ino)
			return 1;
	o = realloc(top->opened, (top->nopened + 1) * sizeof(*o));
	if (!o)
		return -ENOMEM;
	top->opened = o;
	o[top->nopened++] = id;
	return 0;
}

/* Checks that path, named at n, may be read below l; 0, 1 (already read) or -errno. */
static int may_read(struct loader *l, yaml_node_t *n, const char *what, const char *path,
		    struct loader_file id)
{
	unsigned int depth = 0;

	for (struct loader *u = l; u; u = u->up, depth++) {
		if (u->id.dev == id.dev && u->id.ino == id.ino) {
			ydoc_error(&l->y, n, "%s: '%s' is read inside itself (a cycle)", what,
				   path);
			return -ELOOP;
		}
	}
	if (depth >= LOADER_MAX_DEPTH) {
		ydoc_error(&l->y, n, "%s: more than %d files deep", what, LOADER_MAX_DEPTH);
		return -ELOOP;
	}
	return seen(l, id);
}

/* Opens the file named at n for reading below l: 0 with *f, 1 when nothing is to be read. */
static int open_base(struct loader *l, yaml_node_t *n, const char *what, const char *name,
		     char *path, size_t len, FILE **f, struct loader_file *id)
{
	struct stat st;
	int r = base_path(l, name, path, len);

	if (r == -ENOENT)
		ydoc_error(&l->y, n, "%s: no profile '%s' in the profile path (%s) or beside this file",
			   what, name, policy_profile_dirs());
	else if (r < 0)
		ydoc_error(&l->y, n, "%s: '%s' is neither a path nor a profile name", what, name);
	if (r < 0)
		return 1;
	*f = fopen(path, "re");
	if (!*f || fstat(fileno(*f), &st) < 0) {
		ydoc_error(&l->y, n, "%s: %s: %s", what, path, strerror(errno));
		return 1;
	}
	*id = (struct loader_file){ st.st_dev, st.st_ino };
	r = may_read(l, n, what, path, *id);
	return r == -ENOMEM ? r : r != 0;
}

/* Reads the file named at node n below l. Returns 0 (its problems reported) or -ENOMEM. */
static int read_base(struct loader *l, yaml_node_t *n, const char *what)
{
	const char *name = ydoc_scalar(&l->y, n, what);
	struct loader_file id;
	struct loader *c;
	char path[4096];
	FILE *f = NULL;
	int r;

	if (!name)
		return 0;
	r = open_base(l, n, what, name, path, sizeof(path), &f, &id);
	if (r == 0) {
		c = calloc(1, sizeof(*c));
		r = c ? 0 : -ENOMEM;
	}
	if (r == 0) {
		*c = (struct loader){ .p = l->p, .diag = l->diag, .up = l, .id = id };
		snprintf(c->path, sizeof(c->path), "%s", path);
		c->y = (struct ydoc){ .file = c->path, .emit = l->y.emit, .ctx = l->y.ctx };
		r = loader_read_file(c, f);
		l->y.errors += c->y.errors;
		l->y.warnings += c->y.warnings;
		free(c);
	}
	if (f)
		fclose(f);
	return r == -ENOMEM ? r : 0;
}

int loader_bases(struct loader *l, yaml_node_t *root)
{
	yaml_node_t *ext = NULL, *inc = NULL;
	yaml_node_pair_t *pr;
	int r = 0;

	for (pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = ydoc_node(&l->y, pr->key);
		const char *key = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value
							      : "";
		yaml_node_t **slot = !strcmp(key, "extends")   ? &ext
				     : !strcmp(key, "include") ? &inc
							       : NULL;

		if (slot && *slot)
			ydoc_error(&l->y, k, "'%s' given twice", key);
		else if (slot)
			*slot = ydoc_node(&l->y, pr->value);
	}
	if (ext)
		r = read_base(l, ext, "extends");
	if (inc && inc->type != YAML_SEQUENCE_NODE) {
		ydoc_error(&l->y, inc, "include: expected a list such as [extra.yaml]");
		return r;
	}
	for (yaml_node_item_t *it = inc ? inc->data.sequence.items.start : NULL;
	     inc && it < inc->data.sequence.items.top && r == 0; it++)
		r = read_base(l, ydoc_node(&l->y, *it), "include");
	return r;
}
