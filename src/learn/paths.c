// SPDX-License-Identifier: GPL-2.0-only
/*
 * Spellings shared by suggest and learn (learn/learn.h): paths written
 * with the agent's variables, destinations as the rules judge them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "learn/learn.h"

char *learn_written(const char *home, const char *workspace, const char *path)
{
	const char *names[2] = { "WORKSPACE", "HOME" }, *vals[2] = { workspace, home };
	size_t n[2] = { workspace ? strlen(workspace) : 0, home ? strlen(home) : 0 };
	char *out;

	/* the longer value first: a workspace under $HOME is ${WORKSPACE} */
	if (n[1] > n[0]) {
		names[0] = "HOME", names[1] = "WORKSPACE";
		vals[0] = home, vals[1] = workspace;
		n[0] = n[1], n[1] = workspace ? strlen(workspace) : 0;
	}
	for (int i = 0; i < 2; i++) {
		if (n[i] < 2 || strncmp(path, vals[i], n[i]) || (path[n[i]] && path[n[i]] != '/'))
			continue;
		return asprintf(&out, "${%s}%s", names[i], path + n[i]) < 0 ? NULL : out;
	}
	return strdup(path);
}

void learn_normalize(int *family, uint8_t *a)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (*family == AF_INET6 && !memcmp(a, mapped, 12)) {
		memmove(a, a + 12, 4);
		memset(a + 4, 0, 12);
		*family = AF_INET;
	}
	if (*family == AF_INET && !memcmp(a, (uint8_t[4]){ 0 }, 4))
		memcpy(a, (uint8_t[4]){ 127, 0, 0, 1 }, 4);
	else if (*family == AF_INET6 && !memcmp(a, (uint8_t[16]){ 0 }, 16))
		a[15] = 1;
}

struct port_range *learn_port_ranges(const uint64_t *bits, size_t *n)
{
	struct port_range *v = NULL, *m;

	*n = 0;
	for (uint32_t p = 1; p <= 65535; p++) {
		if (!(bits[p / 64] >> (p % 64) & 1))
			continue;
		if (*n && (uint32_t)v[*n - 1].hi + 1 == p) {
			v[*n - 1].hi = p;
			continue;
		}
		m = realloc(v, (*n + 1) * sizeof(*m));
		if (!m) {
			free(v);
			*n = 0;
			return NULL;
		}
		v = m;
		v[(*n)++] = (struct port_range){ p, p };
	}
	return v;
}
