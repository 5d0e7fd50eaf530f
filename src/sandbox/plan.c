// SPDX-License-Identifier: GPL-2.0-only
/*
 * The plan of the run's private world (sandbox.h): the rulebook turned
 * into the ordered steps that the child runs. The order matters and is
 * fixed here:
 *
 *   1. new mount and IPC namespaces, no propagation to or from the host;
 *   2. detached copies of the host trees that will be mounted again later
 *      (the writable paths, what the private /tmp binds), taken while the
 *      host's flags and the host's /tmp are still in view;
 *   3. the writable set: "/" read-only unless the policy lets the agent
 *      write everywhere, each writable path given back its host copy,
 *      each read-only path under a writable one made read-only;
 *   4. the private /tmp, with its binds and their own writable set;
 *   5. /proc, /dev/shm, mqueue of the new namespaces, vm.memfd_noexec;
 *   6. the masks (last, so that nothing mounted later covers or loosens
 *      them; the file masks' source is made on the new /dev/shm);
 *   7. the agent's directory, entered again in the new view.
 *
 * A write flag is never loosened beyond the host's: a writable path gets
 * the host's own copy back, so a mount the host made read-only stays so.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "sandbox/internal.h"

struct sbx_step *sbx_add(struct sandbox *sb, enum sbx_kind kind, const char *path, const char *why)
{
	struct sbx_step *v = realloc(sb->steps, (sb->nsteps + 1) * sizeof(*v));

	if (!v)
		return NULL;
	sb->steps = v;
	v = &sb->steps[sb->nsteps];
	*v = (struct sbx_step){ .kind = kind, .why = why, .slot = -1 };
	v->path = path ? strdup(path) : NULL;
	if (path && !v->path)
		return NULL;
	sb->nsteps++;
	return v;
}

/* Appends s to a NULL-terminated array of strings; takes s. */
static int push(char ***arr, size_t *n, char *s)
{
	char **v;

	if (!s)
		return -ENOMEM;
	v = realloc(*arr, (*n + 2) * sizeof(*v));
	if (!v) {
		free(s);
		return -ENOMEM;
	}
	*arr = v;
	v[(*n)++] = s;
	v[*n] = NULL;
	return 0;
}

int sbx_unexpanded(struct sandbox *sb, const char *path)
{
	return push(&sb->unexpanded, &sb->nunexpanded, strdup(path));
}

int sbx_note(struct sandbox *sb, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return push(&sb->notes, &sb->nnotes, n < 0 ? NULL : s);
}

bool sbx_under(const char *p, const char *base)
{
	size_t n = strlen(base);

	if (n == 1 && base[0] == '/')
		return p[0] == '/' && p[1] != '\0';
	return strncmp(p, base, n) == 0 && p[n] == '/';
}

bool sbx_writable(const struct policy *p, const char *path)
{
	const struct file_rule *r;

	return policy_decide_file(p, path, SX_ACCESS_WRITE, &r) == SX_ALLOW;
}

/* 1.: the namespaces, with no mount events to or from the host. */
static int plan_start(struct sandbox *pre)
{
	if (!sbx_add(pre, SBX_UNSHARE, NULL, "the run's mount and IPC namespaces"))
		return -ENOMEM;
	return sbx_add(pre, SBX_PRIVATE, "/", "the run's own mounts") ? 0 : -ENOMEM;
}

/* 5.: the kernel's filesystems of the new namespaces; *shm: a private /dev/shm was planned. */
static int plan_kernel_fs(struct sandbox *sb, bool *shm)
{
	const unsigned long nox = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	struct stat st;
	struct sbx_step *s;

	s = sbx_add(sb, SBX_PROC, "/proc", "a /proc of the run's PID namespace");
	if (!s)
		return -ENOMEM;
	s->flags = nox;
	/* a system without /dev/shm has no host directory to share */
	*shm = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode);
	if (*shm) {
		s = sbx_add(sb, SBX_TMPFS, "/dev/shm", "a private /dev/shm");
		if (!s)
			return -ENOMEM;
		s->mode = 01777;
		s->flags = nox;
	}
	s = sbx_add(sb, SBX_MQUEUE, "/dev/mqueue", "the IPC namespace's message queues");
	if (!s)
		return -ENOMEM;
	s->flags = nox;
	s->optional = true; /* no /dev/mqueue: mq_open(3) still reaches the namespace's own */
	s = sbx_add(sb, SBX_WRITE, "/proc/sys/vm/memfd_noexec", "vm.memfd_noexec=2 in the run");
	if (!s || !(s->src = strdup("2")))
		return -ENOMEM;
	s->optional = true; /* before Linux 6.3 the setting does not exist */
	return 0;
}

/* 3.: the host's tree. Every rule path outside a private /tmp is a point. */
static int plan_host(struct sandbox *sb, struct sandbox *pre, bool tmp_private)
{
	const struct policy *p = sb->p;
	struct sbx_points pts = { 0 };
	int r = 0;

	for (size_t i = 0; i < p->nfile_rules && !r; i++) {
		const char *path = p->file_rules[i].expanded;

		if (tmp_private && (!strcmp(path, "/tmp") || sbx_under(path, "/tmp")))
			continue;
		if (strcmp(path, "/") && !sbx_masked(p, &p->file_rules[i]))
			r = sbx_points_add(&pts, path, &p->file_rules[i]);
	}
	sbx_points_sort(&pts);
	/* "/" first: read-only with everything, unless the agent may write everywhere */
	if (!r && !sbx_writable(p, "/")) {
		struct sbx_step *s = sbx_add(sb, SBX_READONLY, "/", "the read-only tree");

		if (s)
			s->flags = SBX_RO;
		r = s ? 0 : -ENOMEM;
	}
	if (!r)
		r = sbx_plan_writable(sb, pre, &pts, sbx_writable(p, "/"));
	sbx_points_free(&pts);
	return r;
}

/* Joins pre's steps (namespaces, copies) before sb's; pre is emptied. */
static int join(struct sandbox *sb, struct sandbox *pre)
{
	struct sbx_step *v = realloc(pre->steps, (pre->nsteps + sb->nsteps) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	memcpy(v + pre->nsteps, sb->steps, sb->nsteps * sizeof(*v));
	free(sb->steps);
	sb->steps = v;
	sb->nsteps += pre->nsteps;
	pre->steps = NULL;
	pre->nsteps = 0;
	return 0;
}

/* The options string of each filesystem a step mounts, written now: the child cannot format. */
static int mount_data(struct sbx_step *s)
{
	int n = 0;

	if (s->kind == SBX_TMPFS)
		n = asprintf(&s->src, "mode=%o,uid=%u,gid=%u", (unsigned int)s->mode,
			     (unsigned int)s->uid, (unsigned int)s->gid);
	else if (s->kind == SBX_MASK_DIR)
		s->src = strdup("mode=000,uid=0,gid=0,size=4k");
	else if (s->kind == SBX_PROC) /* what the agent may not trace, it does not see */
		s->src = strdup("hidepid=invisible");
	else
		return 0;
	return n < 0 || !s->src ? -ENOMEM : 0;
}

static int plan_all(struct sandbox *sb, const struct sandbox_opts *o)
{
	bool tmp_private = sb->p->tmp == SX_TMP_PRIVATE;
	struct sandbox pre = { .p = sb->p };
	struct sbx_points bound = { 0 };
	bool shm = false;
	int r = plan_start(&pre);

	r = r ?: plan_host(sb, &pre, tmp_private);
	if (!r && tmp_private)
		r = sbx_plan_tmp(sb, &pre, o, &bound);
	r = r ?: plan_kernel_fs(sb, &shm);
	r = r ?: sbx_plan_masks(sb, tmp_private, shm, &bound);
	if (!r && !sbx_add(sb, SBX_CHDIR, o->cwd, "the agent's directory in its view"))
		r = -ENOMEM;
	if (!r)
		r = join(sb, &pre);
	sb->nslots = pre.nslots > sb->nslots ? pre.nslots : sb->nslots;
	for (size_t i = 0; i < sb->nsteps && !r; i++) {
		enum sbx_kind k = sb->steps[i].kind;

		r = mount_data(&sb->steps[i]);
		sb->nmounts += k == SBX_BIND_SELF || k == SBX_ATTACH || k == SBX_TMPFS ||
			       k == SBX_MASK_DIR || k == SBX_MASK_FILE || k == SBX_PROC ||
			       k == SBX_MQUEUE;
	}
	for (size_t i = 0; i < pre.nsteps; i++) {
		free(pre.steps[i].path);
		free(pre.steps[i].src);
	}
	free(pre.steps);
	sbx_points_free(&bound);
	return r;
}

int sandbox_plan(const struct policy *p, const struct sandbox_opts *o, struct sandbox **ret,
		 char *err, size_t errlen)
{
	struct sandbox *sb = calloc(1, sizeof(*sb));
	int r;

	if (!sb)
		return -ENOMEM;
	sb->p = p;
	r = plan_all(sb, o);
	if (r == 0)
		sb->slots = calloc(sb->nslots + 1, sizeof(*sb->slots));
	if (r == 0 && !sb->slots)
		r = -ENOMEM;
	for (size_t i = 0; r == 0 && i < sb->nslots; i++)
		sb->slots[i] = -1;
	/* the lists are read as NULL-terminated even when empty */
	if (r == 0 && !sb->unexpanded && !(sb->unexpanded = calloc(1, sizeof(char *))))
		r = -ENOMEM;
	if (r == 0 && !sb->notes && !(sb->notes = calloc(1, sizeof(char *))))
		r = -ENOMEM;
	if (r < 0) {
		snprintf(err, errlen, "cannot plan the run's mounts: %s", strerror(-r));
		sandbox_free(sb);
		return r;
	}
	*ret = sb;
	return 0;
}

void sandbox_free(struct sandbox *sb)
{
	if (!sb)
		return;
	for (size_t i = 0; i < sb->nsteps; i++) {
		free(sb->steps[i].path);
		free(sb->steps[i].src);
	}
	for (size_t i = 0; i < sb->nunexpanded; i++)
		free(sb->unexpanded[i]);
	for (size_t i = 0; i < sb->nnotes; i++)
		free(sb->notes[i]);
	free(sb->unexpanded);
	free(sb->notes);
	free(sb->steps);
	free(sb->slots);
	free(sb);
}

const char *const *sandbox_unexpanded(const struct sandbox *sb)
{
	return (const char *const *)sb->unexpanded;
}

const char *const *sandbox_notes(const struct sandbox *sb)
{
	return (const char *const *)sb->notes;
}

size_t sandbox_mounts(const struct sandbox *sb)
{
	return sb->nmounts;
}

void sandbox_step_text(const struct sandbox *sb, size_t step, char *buf, size_t len)
{
	const struct sbx_step *s;

	if (step >= sb->nsteps) {
		snprintf(buf, len, "the run's namespaces");
		return;
	}
	s = &sb->steps[step];
	if (s->rule && s->rule->loc.file)
		snprintf(buf, len, "%s: %s (%s:%u)", s->why, s->path ? s->path : "",
			 s->rule->loc.file, s->rule->loc.line);
	else if (s->path && s->kind != SBX_UNSHARE)
		snprintf(buf, len, "%s: %s", s->why, s->path);
	else
		snprintf(buf, len, "%s", s->why);
}
