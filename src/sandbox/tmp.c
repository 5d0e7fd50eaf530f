// SPDX-License-Identifier: GPL-2.0-only
/*
 * The private /tmp (`tmp: private`): a fresh tmpfs owned by the agent,
 * mounted noexec (so nothing written there is executed or mapped
 * executable), gone when the run's namespace goes; the host's /tmp is
 * never touched. What the agent must still find under /tmp is bound in at
 * the same path, from the host: every path the policy names there (files
 * and exec rules, UNIX socket rules), the directory the run starts in
 * (the workspace) and the command with the links that lead to it. The
 * directories on the way are made in the tmpfs with the owner and mode
 * they have on the host, so the agent may create in them what it may
 * create there. A denied path named there that exists gets a mount point
 * for its mask; one that does not is simply absent.
 *
 * The binds are copies taken before the tmpfs covers the host's /tmp,
 * and keep the host's flags; the writable set then applies to them as to
 * the rest of the tree.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/internal.h"

enum named_kind {
	NAMED_BIND, /* the host's path, bound at the same place */
	NAMED_MASK, /* a mount point for a mask (masks.c) */
	NAMED_LINK, /* a symbolic link of the command's chain, made again */
};

struct named {
	char *path;
	char *link; /* NAMED_LINK: its text */
	enum named_kind kind;
	const struct file_rule *rule;
};

struct names {
	struct named *v;
	size_t n;
};

static bool in_tmp(const char *path)
{
	return sbx_under(path, "/tmp");
}

static int name_add(struct names *ns, const char *path, enum named_kind kind,
		    const struct file_rule *rule, const char *link)
{
	struct named *v;

	if (!path || !in_tmp(path))
		return 0;
	for (size_t i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i].path, path))
			return 0; /* the first kind wins: a rule's before the command's */
	v = realloc(ns->v, (ns->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	ns->v = v;
	v[ns->n] = (struct named){
		.path = strdup(path), .kind = kind, .rule = rule, .link = link ? strdup(link) : NULL
	};
	if (!v[ns->n].path || (link && !v[ns->n].link))
		return -ENOMEM;
	ns->n++;
	return 0;
}

/* Lexically normalized dir/rel (or rel when absolute) into out. */
static void join_path(const char *dir, const char *rel, char *out, size_t len)
{
	char tmp[PATH_MAX * 2], *parts[PATH_MAX / 2], *tok, *save;
	size_t n = 0, off = 0;

	snprintf(tmp, sizeof(tmp), "%s/%s", rel[0] == '/' ? "" : dir, rel);
	for (tok = strtok_r(tmp, "/", &save); tok && n < PATH_MAX / 2;
	     tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, ".."))
			n -= n > 0;
		else if (strcmp(tok, "."))
			parts[n++] = tok;
	}
	out[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++)
		off += snprintf(out + off, len - off, "/%s", parts[i]);
	if (!n)
		snprintf(out, len, "/");
}

/* The command and every link on the way to the file it runs. */
static int name_command(struct names *ns, const char *command)
{
	char cur[PATH_MAX], link[PATH_MAX], next[PATH_MAX], *slash;
	struct stat st;
	int r = 0;

	if (!command || strlen(command) >= sizeof(cur))
		return 0;
	strcpy(cur, command);
	for (int hop = 0; hop < 40 && !r && lstat(cur, &st) == 0; hop++) {
		ssize_t n;

		if (!S_ISLNK(st.st_mode))
			return name_add(ns, cur, NAMED_BIND, NULL, NULL);
		n = readlink(cur, link, sizeof(link) - 1);
		if (n <= 0)
			break;
		link[n] = '\0';
		r = name_add(ns, cur, NAMED_LINK, NULL, link);
		slash = strrchr(cur, '/');
		*slash = '\0';
		join_path(slash == cur ? "/" : cur, link, next, sizeof(next));
		strcpy(cur, next);
	}
	return r;
}

static int collect(const struct sandbox *sb, const struct sandbox_opts *o, struct names *ns)
{
	const struct policy *p = sb->p;
	int r = 0;

	for (size_t i = 0; i < p->nfile_rules && !r; i++) {
		const struct file_rule *fr = &p->file_rules[i];

		r = name_add(ns, fr->expanded, sbx_masked(p, fr) ? NAMED_MASK : NAMED_BIND, fr,
			     NULL);
	}
	for (size_t i = 0; i < p->nexec_rules && !r; i++)
		r = name_add(ns, p->exec_rules[i].expanded, NAMED_BIND, NULL, NULL);
	for (size_t i = 0; i < p->nnet_rules && !r; i++) {
		char path[PATH_MAX];

		if (p->net_rules[i].kind != NET_RULE_UNIX)
			continue;
		snprintf(path, sizeof(path), "%s", p->net_rules[i].unix_path);
		if (strlen(path) > 1 && path[strlen(path) - 1] == '/')
			path[strlen(path) - 1] = '\0';
		r = name_add(ns, path, NAMED_BIND, NULL, NULL);
	}
	r = r ?: name_add(ns, o->cwd, NAMED_BIND, NULL, NULL);
	return r ?: name_command(ns, o->command);
}

static int by_depth(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	size_t dx = sbx_depth(x->path), dy = sbx_depth(y->path);

	return dx != dy ? (dx > dy) - (dx < dy) : strcmp(x->path, y->path);
}

static bool made_already(const struct sbx_points *made, const char *dir)
{
	for (size_t i = 0; i < made->n; i++)
		if (!strcmp(made->paths[i], dir))
			return true;
	return false;
}

/* Makes the directories from /tmp down to path's parent, as on the host. */
static int parents(struct sandbox *sb, const char *path, struct sbx_points *made)
{
	char dir[PATH_MAX];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *c = dir + strlen("/tmp/"); (c = strchr(c, '/')); c++) {
		struct sbx_step *s;

		*c = '\0';
		if (!made_already(made, dir)) {
			s = sbx_add(sb, SBX_DIR, dir, "a directory of the private /tmp");
			if (!s || sbx_points_add(made, s->path, NULL) < 0)
				return -ENOMEM;
			/* the host's owner and mode; a directory gone meanwhile: root's */
			s->mode = stat(dir, &st) == 0 ? st.st_mode & 07777 : 0755;
			s->uid = stat(dir, &st) == 0 ? st.st_uid : 0;
			s->gid = stat(dir, &st) == 0 ? st.st_gid : 0;
		}
		*c = '/';
	}
	return 0;
}

/* One name: its directories, then its mount point, link or bind. */
static int place(struct sandbox *sb, struct sandbox *pre, const struct named *nm,
		 struct sbx_points *bound, struct sbx_points *made)
{
	struct stat st;
	struct sbx_step *s;
	bool dir;

	if (sbx_under_bound(bound, nm->path) || lstat(nm->path, &st) < 0)
		return 0; /* visible through a bind already, or nothing to show */
	if (nm->kind != NAMED_LINK && stat(nm->path, &st) < 0)
		return 0;
	if (parents(sb, nm->path, made) < 0)
		return -ENOMEM;
	if (nm->kind == NAMED_LINK) {
		s = sbx_add(sb, SBX_SYMLINK, nm->path, "the command's link in the private /tmp");
		return s && (s->src = strdup(nm->link)) ? 0 : -ENOMEM;
	}
	dir = S_ISDIR(st.st_mode);
	s = sbx_add(sb, dir ? SBX_DIR : SBX_FILE, nm->path, "a mount point in the private /tmp");
	if (!s)
		return -ENOMEM;
	s->rule = nm->rule;
	s->mode = nm->kind == NAMED_MASK ? 0 : st.st_mode & 07777;
	s->uid = nm->kind == NAMED_MASK ? 0 : st.st_uid;
	s->gid = nm->kind == NAMED_MASK ? 0 : st.st_gid;
	if (dir && sbx_points_add(made, s->path, NULL) < 0)
		return -ENOMEM;
	if (nm->kind == NAMED_MASK)
		return 0;
	s = sbx_add(pre, SBX_CLONE, nm->path, "a path bound into the private /tmp");
	if (!s)
		return -ENOMEM;
	s->rule = nm->rule;
	s->slot = (int)sb->nslots++;
	pre->nslots = sb->nslots;
	s = sbx_add(sb, SBX_ATTACH, nm->path, "a path bound into the private /tmp");
	if (!s)
		return -ENOMEM;
	s->rule = nm->rule;
	s->slot = (int)sb->nslots - 1;
	return sbx_points_add(bound, s->path, nm->rule);
}

/* The writable set among the binds: each keeps the host's flags unless the policy says ro. */
static int writable_binds(struct sandbox *sb, struct sandbox *pre, const struct sbx_points *bound)
{
	const struct policy *p = sb->p;
	struct sbx_points pts = { 0 };
	int r = 0;

	for (size_t i = 0; i < bound->n && !r; i++)
		r = sbx_points_add(&pts, bound->paths[i], bound->rules[i]);
	for (size_t i = 0; i < p->nfile_rules && !r; i++)
		if (sbx_under_bound(bound, p->file_rules[i].expanded) &&
		    !sbx_masked(p, &p->file_rules[i]))
			r = sbx_points_add(&pts, p->file_rules[i].expanded, &p->file_rules[i]);
	sbx_points_sort(&pts);
	r = r ?: sbx_plan_writable(sb, pre, &pts, true);
	sbx_points_free(&pts);
	return r;
}

int sbx_plan_tmp(struct sandbox *sb, struct sandbox *pre, const struct sandbox_opts *o,
		 struct sbx_points *bound)
{
	struct sbx_points made = { 0 };
	struct names ns = { 0 };
	struct sbx_step *s;
	int r = collect(sb, o, &ns);

	if (ns.n)
		qsort(ns.v, ns.n, sizeof(*ns.v), by_depth);
	s = r ? NULL : sbx_add(sb, SBX_TMPFS, "/tmp", "the private /tmp");
	if (s) {
		s->mode = 01777;
		s->uid = o->uid;
		s->gid = o->gid;
		s->flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	} else if (!r) {
		r = -ENOMEM;
	}
	for (size_t i = 0; i < ns.n && !r; i++)
		r = place(sb, pre, &ns.v[i], bound, &made);
	r = r ?: writable_binds(sb, pre, bound);
	if (!r && !sbx_writable(sb->p, "/tmp")) {
		s = sbx_add(sb, SBX_READONLY, "/tmp", "the private /tmp, read-only by the policy");
		r = s ? (s->flags = SBX_RO | SBX_ONE, 0) :
			-ENOMEM; /* the tmpfs alone, not its binds */
	}
	for (size_t i = 0; i < ns.n; i++) {
		free(ns.v[i].path);
		free(ns.v[i].link);
	}
	free(ns.v);
	free(made.paths);
	free(made.rules);
	return r;
}
