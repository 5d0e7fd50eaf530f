// SPDX-License-Identifier: GPL-2.0-only
/*
 * ${NAME} expansion and path normalization for the rulebook. Variables are
 * looked up first among the policy's own vars (each may use the built-ins
 * and the vars before it, in its file and in the files read before it),
 * then the built-ins HOME, USER, WORKSPACE and AGENT_DIR.
 * There is no escape syntax and no recursion: one pass, left to right.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/internal.h"

bool policy_var_name_ok(const char *name)
{
	if (!isalpha((unsigned char)*name) && *name != '_')
		return false;
	for (; *name; name++)
		if (!isalnum((unsigned char)*name) && *name != '_')
			return false;
	return true;
}

static const char *lookup(const struct policy *p, const char *name, size_t len)
{
	for (size_t i = p->nvars; i-- > 0;)
		if (strlen(p->vars[i].name) == len && !strncmp(p->vars[i].name, name, len))
			return p->vars[i].value;
	for (int i = 0; i < POLICY_NBUILTIN; i++)
		if (strlen(p->builtin[i].name) == len && !strncmp(p->builtin[i].name, name, len))
			return p->builtin[i].value;
	return NULL;
}

const char *policy_var_value(const struct policy *p, const char *name)
{
	return lookup(p, name, strlen(name));
}

static bool is_agent_dir(const char *name, size_t len)
{
	return len == 9 && !strncmp(name, "AGENT_DIR", 9);
}

char *loader_expand(struct loader *l, yaml_node_t *n, const char *s)
{
	size_t cap = strlen(s) + 1, len = 0;
	char *out = malloc(cap);
	const char *c = s;

	if (!out)
		return NULL;
	while (*c) {
		const char *val = NULL, *end;
		size_t vlen, add;
		char one[2] = { *c, 0 };

		if (c[0] == '$' && c[1] == '{') {
			end = strchr(c + 2, '}');
			if (!end) {
				ydoc_error(&l->y, n, "unterminated '${' in '%s'", s);
				goto fail;
			}
			val = lookup(l->p, c + 2, end - c - 2);
			if (!val && is_agent_dir(c + 2, end - c - 2)) {
				ydoc_error(&l->y, n, "${AGENT_DIR} is not known here: sevorix run sets "
						     "it from its COMMAND (policy check: --command "
						     "CMD; elsewhere: define it in vars)");
				goto fail;
			}
			if (!val) {
				ydoc_error(&l->y, n, "unknown variable '%.*s'", (int)(end - c - 2), c + 2);
				goto fail;
			}
			c = end + 1;
		} else {
			val = one;
			c++;
		}
		vlen = strlen(val);
		add = len + vlen + 1;
		if (add > cap) {
			char *o = realloc(out, cap = add * 2);

			if (!o)
				goto fail;
			out = o;
		}
		memcpy(out + len, val, vlen);
		len += vlen;
	}
	out[len] = 0;
	return out;
fail:
	free(out);
	return NULL;
}

void policy_path_normalize(char *path)
{
	char *r = path, *w = path;

	/* invariant: path starts with '/', and so does the output */
	while (*r) {
		if (r[0] == '/' && (r[1] == '/' || (r[1] == 0 && w > path))) {
			r++;
			continue;
		}
		if (r[0] == '/' && r[1] == '.' && (r[2] == '/' || r[2] == 0)) {
			r += 2;
			continue;
		}
		if (r[0] == '/' && r[1] == '.' && r[2] == '.' && (r[3] == '/' || r[3] == 0)) {
			while (w > path && *--w != '/')
				;
			r += 3;
			continue;
		}
		*w++ = *r++;
	}
	if (w == path)
		*w++ = '/';
	while (w > path + 1 && w[-1] == '/')
		w--;
	*w = 0;
}

bool policy_path_covers(const char *r, const char *p)
{
	size_t n = strlen(r);

	if (!strcmp(r, "/"))
		return p[0] == '/';
	return !strncmp(r, p, n) && (p[n] == 0 || p[n] == '/');
}
