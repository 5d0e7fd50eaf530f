// SPDX-License-Identifier: GPL-2.0-only
/*
 * The files section compiled into the BPF LSM layer's file trie (abi.h).
 * One entry per distinct rule path, keyed by the path with a trailing '/',
 * holding per access the first rule in evaluation order that covers the
 * path and names that access. Rules that cover a file are exactly the
 * rules that cover its longest matching entry, so one longest-prefix
 * lookup decides as policy_decide_file() does. O(paths x rules), like the
 * network compiler.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lsm/lsm.h"
#include "sevorix/abi.h"

/* True when rule path r covers p by whole components ("/usr" covers "/usr/x", not "/usrx"). */
static bool covers(const char *r, const char *p)
{
	size_t n = strlen(r);

	if (!strcmp(r, "/"))
		return true;
	return !strncmp(r, p, n) && (p[n] == 0 || p[n] == '/');
}

static void build_value(const struct policy *p, const char *path, struct sx_file_value *v)
{
	memset(v, 0, sizeof(*v));
	for (int a = 0; a < SX_FA_MAX; a++) {
		v->action[a] = p->files.def;
		v->rule_id[a] = SX_RULE_DEFAULT;
		for (size_t i = 0; path && i < p->nfile_rules; i++) {
			const struct file_rule *x = &p->file_rules[i];

			if ((x->access & (1u << a)) && covers(x->expanded, path)) {
				v->action[a] = x->action;
				v->rule_id[a] = x->id;
				break;
			}
		}
	}
}

static bool seen_before(const struct policy *p, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (!strcmp(p->file_rules[j].expanded, p->file_rules[i].expanded))
			return true;
	return false;
}

/* Every directory above rule path r, as "/a/", "/a/b/", never "/". */
static int add_dirs(const char *r, const struct file_sink *sink)
{
	char dir[SX_FILE_PATH_MAX + 1];
	int ret = 0;

	for (const char *s = strchr(r + 1, '/'); s && ret >= 0; s = strchr(s + 1, '/')) {
		snprintf(dir, sizeof(dir), "%.*s/", (int)(s - r), r);
		ret = sink->dir(sink->ctx, dir);
	}
	return ret;
}

int lsm_files_compile(const struct policy *p, const struct file_sink *sink, char *err,
		      size_t errlen)
{
	struct sx_file_key k = { .prefixlen = 0 };
	struct sx_file_value v;
	int r;

	build_value(p, NULL, &v);
	r = sink->add(sink->ctx, &k, &v);
	for (size_t i = 0; i < p->nfile_rules && r >= 0; i++) {
		const struct file_rule *x = &p->file_rules[i];
		size_t len = strlen(x->expanded);
		bool root = !strcmp(x->expanded, "/");

		if (seen_before(p, i))
			continue;
		if (len + 1 > SX_FILE_PATH_MAX) {
			snprintf(err, errlen, "%s:%u: path longer than %d bytes: the BPF LSM layer "
				 "cannot match it", x->loc.file ?: p->file, x->loc.line,
				 SX_FILE_PATH_MAX - 1);
			return -ENAMETOOLONG;
		}
		memset(&k, 0, sizeof(k));
		memcpy(k.path, x->expanded, len);
		if (!root)
			k.path[len++] = '/';
		k.prefixlen = len * 8;
		build_value(p, x->expanded, &v);
		r = sink->add(sink->ctx, &k, &v);
		if (r >= 0 && sink->dir && !root)
			r = add_dirs(x->expanded, sink);
	}
	if (r < 0)
		snprintf(err, errlen, "cannot store file rules: %s", strerror(-r));
	return r < 0 ? r : 0;
}
