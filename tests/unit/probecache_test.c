// SPDX-License-Identifier: GPL-2.0-only
/*
 * The per-boot probe cache (util/probecache.h): an answer written is read
 * back in the same boot and build; one of another boot or build, one in a
 * file or directory that someone other than root could have written, and
 * a value that is not a number are not trusted, so the caller probes
 * again. Root only (the cache trusts only root's files): skips otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/tap.h"
#include "util/probecache.h"

static char dir[64], file[128];

/* Replaces the line starting with key= by key=value (a stale or forged cache). */
static void rewrite(const char *key, const char *value)
{
	char line[256], out[4096] = "";
	FILE *f = fopen(file, "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == '=')
			snprintf(line, sizeof(line), "%s=%s\n", key, value);
		strncat(out, line, sizeof(out) - strlen(out) - 1);
	}
	if (f)
		fclose(f);
	f = fopen(file, "w");
	fputs(out, f);
	fclose(f);
}

static void fresh(void)
{
	unlink(file);
	probecache_put_at(file, "bpf_lsm", -1);
}

int main(void)
{
	struct stat before, after;
	int v = 0;

	if (geteuid() != 0) {
		printf("1..0 # SKIP the cache trusts only root's files: run as root\n");
		return 0;
	}
	snprintf(dir, sizeof(dir), "/tmp/sevorix-probecache.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	chmod(dir, 0755);
	snprintf(file, sizeof(file), "%s/probes", dir);

	is_int(probecache_get_at(file, "bpf_lsm", &v), -ENOENT, "no file: nothing to trust");
	is_int(probecache_put_at(file, "bpf_lsm", -EPERM), 0, "an answer is kept");
	is_int(probecache_put_at(file, "other", 0), 0, "a second answer beside it");
	v = 1;
	ok(probecache_get_at(file, "bpf_lsm", &v) == 0 && v == -EPERM, "read back: %d", v);
	ok(probecache_get_at(file, "other", &v) == 0 && v == 0, "the second too: %d", v);
	is_int(probecache_put_at(file, "bpf_lsm", 0), 0, "an answer is replaced");
	ok(probecache_get_at(file, "bpf_lsm", &v) == 0 && v == 0, "the new one is read: %d", v);
	is_int(probecache_get_at(file, "missing", &v), -ENOENT, "a name never probed: none");
	is_int(probecache_put_at(file, "a=b", 0), -EINVAL, "a name with '=' is refused");

	rewrite("boot", "00000000-0000-0000-0000-000000000000");
	is_int(probecache_get_at(file, "bpf_lsm", &v), -ENOENT, "another boot: not trusted");
	fresh();
	rewrite("build", "0123abcd");
	is_int(probecache_get_at(file, "bpf_lsm", &v), -ENOENT, "another build: not trusted");
	fresh();
	rewrite("bpf_lsm", "-1x");
	is_int(probecache_get_at(file, "bpf_lsm", &v), -ENOENT, "not a number: not trusted");

	fresh();
	chmod(file, 0666);
	is_int(probecache_get_at(file, "bpf_lsm", &v), -EPERM, "a file others may write: no");
	fresh();
	ok(chown(file, 65534, 65534) == 0, "the file given to another user");
	is_int(probecache_get_at(file, "bpf_lsm", &v), -EPERM, "a file not root's: no");
	fresh();
	chmod(dir, 0777);
	is_int(probecache_get_at(file, "bpf_lsm", &v), -EPERM,
	       "in a directory others may write: no");
	chmod(dir, 0755);
	fresh();
	unlink(file);
	stat("/etc/passwd", &before);
	ok(symlink("/etc/passwd", file) == 0, "a symbolic link in place of the file");
	ok(probecache_get_at(file, "bpf_lsm", &v) < 0, "a symbolic link is not followed");
	is_int(probecache_put_at(file, "bpf_lsm", -1), 0, "a write replaces the link itself");
	stat("/etc/passwd", &after);
	ok(after.st_size == before.st_size && after.st_mtime == before.st_mtime &&
		   probecache_get_at(file, "bpf_lsm", &v) == 0,
	   "and leaves its target alone");

	unlink(file);
	rmdir(dir);
	return done_testing();
}
