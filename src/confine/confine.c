// SPDX-License-Identifier: GPL-2.0-only
/*
 * Glue between `sevorix run` and the two confinement layers, so that the
 * run code has one thing to prepare, one callback to hand to the child
 * and one thing to free. The order in the child is fixed here: Landlock
 * before seccomp, so that the seccomp filter can later deny the Landlock
 * system calls without the run's own Landlock step tripping over it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "confine/confine.h"

static int prepare(const struct policy *p, const struct hardening_opts *h, bool late,
		   const char *const *unexpanded, struct confine *c, char *err, size_t errlen)
{
	int abi = landlock_probe();
	int r;

	memset(c, 0, sizeof(*c));
	if (h)
		c->opts = *h;
	if (abi > 0 || p->files.present || p->exec.present) {
		/* Fail-closed: without Landlock a files/exec section is an error (see landlock.h). */
		if (late)
			r = landlock_plan_build_with(p, &c->opts, unexpanded, &c->plan, err, errlen);
		else
			r = landlock_plan_compile(p, &c->opts, &c->plan, err, errlen);
		if (r < 0)
			return r;
	}
	r = hardening_probe();
	if (r == 0)
		r = hardening_compile(&c->opts, &c->filter);
	if (r < 0) {
		/* Fail-closed: no hardening filter, no run. */
		if (err && errlen)
			snprintf(err, errlen, "seccomp: cannot build the hardening filter: %s",
				 strerror(-r));
		confine_release(c);
		return r;
	}
	return 0;
}

int confine_prepare(const struct policy *p, const struct hardening_opts *h, struct confine *c,
		    char *err, size_t errlen)
{
	return prepare(p, h, false, NULL, c, err, errlen);
}

int confine_prepare_late(const struct policy *p, const struct hardening_opts *h,
			 const char *const *unexpanded, struct confine *c, char *err,
			 size_t errlen)
{
	return prepare(p, h, true, unexpanded, c, err, errlen);
}

int confine_rulesets(struct confine *c, size_t *failed)
{
	return landlock_plan_rulesets(c->plan, failed);
}

int confine_child(void *arg)
{
	const struct confine *c = arg;
	int r;

	r = landlock_plan_apply(c->plan);
	if (r == 0)
		r = hardening_filter_apply(c->filter);
	return r;
}

void confine_release(struct confine *c)
{
	if (!c)
		return;
	landlock_plan_free(c->plan);
	hardening_filter_free(c->filter);
	c->plan = NULL;
	c->filter = NULL;
}

int confine_describe(const struct confine *c, char *buf, size_t len)
{
	size_t off;
	int r;

	r = landlock_describe(c ? c->plan : NULL, buf, len);
	if (r < 0)
		return r;
	off = strlen(buf);
	return hardening_describe(c ? &c->opts : NULL, buf + off, len - off);
}
