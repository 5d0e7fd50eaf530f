// SPDX-License-Identifier: GPL-2.0-only
/*
 * Learn mode's generalizer (learn/learn.h): observations in, a rulebook
 * out, with nothing else to read -- no clock, no file system -- so that
 * the same run always gives the same file and golden tests hold it.
 *
 * What becomes a rule, and of what size, is decided as a careful person
 * would (sevorix-policy(5) has the user's version):
 *
 *  - Nothing the reference policy (the default policy) denies by a rule
 *    is allowed: a secret location, a metadata endpoint, a denied
 *    program. Those stay denied, and the comments at the end say "the
 *    run tried this". Neither is anything the learning run was refused.
 *  - A use the reference policy allows by a rule for a system path
 *    (one not under ${HOME} or ${WORKSPACE}) brings that rule as it is:
 *    /usr with read and exec, not the 300 libraries under it.
 *  - A name the run created (a file, a directory) cannot have a rule of
 *    its own, as it does not exist when the next run starts. The
 *    topmost directory the run created outside the workspace gets one
 *    with `create: dir` (sevorix run makes it before the agent starts,
 *    as a tool's configuration directory); else the directory it was
 *    created in gets write, and whatever the run did to what it
 *    created; so do directories whose entries it removed or renamed.
 *  - Other paths are rules of their own, unless LEARN_DIR_ENTRIES or more
 *    entries of one directory were used (files in it, or directories
 *    below it that hold used paths): then the directory is the rule, the
 *    highest such one. Never "/", a top-level directory, ${HOME} or a
 *    directory above ${HOME} or ${WORKSPACE}.
 *  - Paths under ${WORKSPACE} and ${HOME} are written with them.
 *  - Destinations are allowed as seen: each address (/32, /128) with the
 *    ports used, or the name the run's resolver gave it for (a host
 *    rule), each UNIX socket path but a host resolver's beside host
 *    rules. Programs are allowed by their
 *    canonical path, with the interpreters and ELF loaders the kernel
 *    loaded for them; exec's default is deny. A program the run built is
 *    allowed by the directory it was created in, like its file.
 *  - The reference policy's deny rules for files come along as they are
 *    (a directory rule above a secret must not open it), and its argv
 *    rules do unless the run itself did what they match.
 *  - Each rule's comment says how often it was used.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "learn/gen_internal.h"

bool gen_covers(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return path[0] == '/';
	return !strncmp(dir, path, n) && (path[n] == 0 || path[n] == '/');
}

int gen_tried(struct gen *g, const char *what, const char *why, const struct policy_loc *rule,
	      unsigned long count)
{
	struct gtried *v;

	for (size_t i = 0; i < g->nt; i++) {
		if (!strcmp(g->t[i].what, what) && g->t[i].why == why) {
			g->t[i].count += count;
			return 0;
		}
	}
	v = realloc(g->t, (g->nt + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	g->t = v;
	v[g->nt] = (struct gtried){ strdup(what), why, rule, count };
	return v[g->nt++].what ? 0 : -ENOMEM;
}

static int by_path(const void *x, const void *y)
{
	return strcmp(((const struct gfile *)x)->path, ((const struct gfile *)y)->path);
}

static const struct gfile *find(const struct gen *g, const char *path)
{
	struct gfile key = { .path = (char *)path };

	return g->nf ? bsearch(&key, g->f, g->nf, sizeof(*g->f), by_path) : NULL;
}

/* path's parent, in place ("/a" -> "/", "/" stays). */
static void parent(char *path)
{
	char *slash = strrchr(path, '/');

	if (slash == path)
		path[1] = 0;
	else if (slash)
		*slash = 0;
}

/* The topmost of path and its ancestors that the run created (malloc'd). */
static char *top_created(const struct gen *g, const char *path)
{
	char *top = strdup(path), *up;
	const struct gfile *f;

	while (top && strcmp(top, "/")) {
		up = strdup(top);
		if (!up)
			break;
		parent(up);
		f = find(g, up);
		if (!f || !(f->flags & OBS_CREATED)) {
			free(up);
			return top;
		}
		free(top);
		top = up;
	}
	return top;
}

char *gen_created_rule(const struct gen *g, const char *path, bool *create_dir)
{
	char *top = top_created(g, path);
	const struct gfile *f = top ? find(g, top) : NULL;

	*create_dir = false;
	if (!top)
		return NULL;
	/* a directory made outside the workspace: made before the next run starts */
	if (f && (f->flags & OBS_DIR) && !gen_covers(g->in->workspace, top)) {
		*create_dir = true;
		return top;
	}
	parent(top); /* else the directory it was made in */
	return top;
}

/* The FILE observations, one entry per path, sorted; what was denied goes to the tried list. */
static int aggregate(struct gen *g)
{
	const struct learn_input *in = g->in;
	int r = 0;

	g->f = calloc(in->n + 1, sizeof(*g->f));
	if (!g->f)
		return -ENOMEM;
	for (size_t i = 0; i < in->n && !r; i++) {
		const struct observed *o = &in->v[i];
		struct gfile *f = NULL;

		if (o->kind != OBS_FILE || !o->path)
			continue;
		for (size_t j = 0; j < g->nf && !f; j++)
			if (!strcmp(g->f[j].path, o->path) &&
			    !(g->f[j].flags & OBS_DENIED) == !(o->flags & OBS_DENIED))
				f = &g->f[j];
		if (!f) {
			f = &g->f[g->nf++];
			f->path = strdup(o->path);
			if (!f->path)
				r = -ENOMEM;
		}
		f->bits |= o->access;
		f->flags |= o->flags;
		for (int k = 0; k < 3; k++)
			if (o->access & (1u << k))
				f->count[k] += o->count;
	}
	if (g->nf)
		qsort(g->f, g->nf, sizeof(*g->f), by_path);
	return r;
}

static void put_rule(const struct gen *g, const struct grule *r, FILE *out)
{
	char *w = learn_written(g->in->home, g->in->workspace, r->path);
	struct file_rule fr = { .action = SX_ALLOW, .path = w ? w : r->path, .access = r->bits,
				.create = r->create_dir ? SX_CREATE_DIR : SX_CREATE_NONE };

	fputs("    - ", out);
	if (r->why == GW_SYSTEM) {
		policy_print_file_rule(out, r->ref, false);
		fprintf(out, "  # as in the default policy; used %lu time%s\n", r->uses,
			r->uses == 1 ? "" : "s");
	} else {
		policy_print_file_rule(out, &fr, false);
		fprintf(out, "  # used %lu time%s", r->uses, r->uses == 1 ? "" : "s");
		if (r->why == GW_CREATED && r->create_dir)
			fputs("; the run created it", out);
		else if (r->why == GW_CREATED)
			fputs("; the run created or removed entries here", out);
		else if (r->why == GW_DIR)
			fprintf(out, "; %zu entries used below it", r->entries);
		fputc('\n', out);
	}
	free(w);
}

static void put_files(const struct gen *g, FILE *out)
{
	const struct policy *ref = g->in->ref;
	bool any = false;

	fputs("files:\n  default: deny\n  rules:\n", out);
	for (size_t i = 0; i < g->nr; i++)
		put_rule(g, &g->r[i], out);
	for (size_t i = 0; i < ref->nfile_rules; i++) {
		const struct file_rule *fr = &ref->file_rules[i];

		if (fr->action == SX_ALLOW)
			continue;
		if (!any)
			fputs("    # what the default policy denies stays denied\n", out);
		any = true;
		fputs("    - ", out);
		policy_print_file_rule(out, fr, false);
		fputc('\n', out);
	}
	if (!g->nr && !any)
		fputs("    - {action: deny, path: /}  # the run used no file\n", out);
}

static void gen_free(struct gen *g)
{
	for (size_t i = 0; i < g->nf; i++)
		free(g->f[i].path);
	for (size_t i = 0; i < g->nr; i++)
		free(g->r[i].path);
	for (size_t i = 0; i < g->nt; i++)
		free(g->t[i].what);
	free(g->f);
	free(g->r);
	free(g->t);
}

static void put_header(const struct learn_input *in, FILE *out)
{
	if (in->header)
		fputs(in->header, out);
	if (in->lost)
		fprintf(out, "# WARNING: %lu observations were lost (the kernel's buffer was full):\n"
			     "# this policy may not allow all the run did.\n", in->lost);
	fputs("version: 1\nmode: enforce\n", out);
	if (in->ref->tmp == SX_TMP_PRIVATE) /* the world the default policy gives its agent */
		fputs("tmp: private\n", out);
}

int learn_generalize(const struct learn_input *in, FILE *out)
{
	struct gen g = { .in = in };
	int r = aggregate(&g);

	r = r ?: gen_files(&g);
	if (!r) {
		put_header(in, out);
		r = gen_network(&g, out);
	}
	if (!r)
		put_files(&g, out);
	r = r ?: gen_exec(&g, out);
	if (!r)
		gen_put_tried(&g, out);
	gen_free(&g);
	return r ?: (ferror(out) ? -EIO : 0);
}
