// SPDX-License-Identifier: GPL-2.0-only
/*
 * which_command(): the PATH search of execvp(3), done ahead of the exec,
 * for what must know the command before it runs (the private /tmp binds
 * the command's file when it lives there).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/which.h"

static int put(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s%s%s", dir, *dir && dir[strlen(dir) - 1] != '/' ? "/" : "",
			 name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static bool runnable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

int which_command(const char *name, char *buf, size_t len)
{
	const char *path = getenv("PATH"), *p, *end;
	char cwd[4096], dir[4096];

	if (!*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		if (name[0] == '/')
			return put(buf, len, "", name);
		if (!getcwd(cwd, sizeof(cwd)))
			return -errno;
		return put(buf, len, cwd, name);
	}
	for (p = path && *path ? path : "/bin:/usr/bin"; p; p = *end ? end + 1 : NULL) {
		size_t n;

		end = strchrnul(p, ':');
		n = (size_t)(end - p);
		if (n >= sizeof(dir))
			continue;
		memcpy(dir, p, n);
		dir[n] = '\0';
		if (!n)
			strcpy(dir, "."); /* an empty entry is the current directory */
		if (put(buf, len, dir, name) == 0 && runnable(buf)) {
			if (buf[0] != '/' && getcwd(cwd, sizeof(cwd)))
				return put(buf, len, cwd,
					   (snprintf(dir, sizeof(dir), "%s", buf), dir));
			return 0;
		}
	}
	return -ENOENT;
}
