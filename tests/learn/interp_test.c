// SPDX-License-Identifier: GPL-2.0-only
/*
 * What learn mode records as loaded to run a program: a dynamic ELF's
 * loader, a script's interpreter and that one's loader, canonical; and
 * nothing, with no crash, for files that only look like either.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/tap.h"
#include "learn/learn.h"

static void script(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

int main(void)
{
	char out[4][4096], loader[PATH_MAX], dash[PATH_MAX], buf[256];
	char dir[] = "/tmp/sevorix-interp-XXXXXX", s1[PATH_MAX], s2[PATH_MAX];
	int n;

	if (!realpath("/lib64/ld-linux-x86-64.so.2", loader) || !realpath("/bin/sh", dash)) {
		printf("1..0 # SKIP not an x86-64 glibc system\n");
		return 0;
	}
	n = learn_loaded_by(NULL, "/usr/bin/ls", out, 4);
	ok(n == 1 && !strcmp(out[0], loader), "ls: its ELF loader, canonical (%s)", n ? out[0] : "-");
	mkdtemp(dir);
	snprintf(s1, sizeof(s1), "%s/a.sh", dir);
	script(s1, "#!  /bin/sh -e\necho\n");
	n = learn_loaded_by(NULL, s1, out, 4);
	ok(n == 2 && !strcmp(out[0], dash) && !strcmp(out[1], loader),
	   "a script: its interpreter, canonical, then that one's loader");
	snprintf(s2, sizeof(s2), "%s/b.sh", dir);
	script(s2, "#!relative/sh\n");
	is_int(learn_loaded_by(NULL, s2, out, 4), 0, "a relative interpreter is not recorded");
	is_int(learn_loaded_by(NULL, "/nonexistent", out, 4), 0, "a missing file: nothing");
	is_int(learn_interp_of("#!", 2, buf, sizeof(buf)), -EINVAL, "\"#!\" alone is malformed");
	is_int(learn_interp_of("\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\0\0\0", 20, buf,
			       sizeof(buf)),
	       -EINVAL, "a cut ELF header is malformed");
	is_int(learn_interp_of("plain text", 10, buf, sizeof(buf)), -ENOENT, "text names no loader");
	unlink(s1);
	unlink(s2);
	rmdir(dir);
	return done_testing();
}
