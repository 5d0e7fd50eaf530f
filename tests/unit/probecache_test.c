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

static char boot[64], build[160];

/* This boot's id and this build's ID, as the cache wrote them. */
static void learn_identity(void)
{
	FILE *f = fopen(file, "r");

	if (f && fscanf(f, "boot=%63s\n%159s", boot, build) != 2)
		boot[0] = build[0] = 0;
	if (f)
		fclose(f);
}

/* Writes the whole file as someone (root) might have left it. */
static void forge(const char *boot_id, const char *build_id, const char *entry)
{
	FILE *f = fopen(file, "w");

	fprintf(f, "boot=%s\n%s %s\n", boot_id, build_id, entry);
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
	is_int(probecache_put_at(file, "a b", 0), -EINVAL, "a name with a space too");

	learn_identity();
	ok(boot[0] && build[0], "the file names the boot and the build");
	forge(boot, build, "bpf_lsm=-13");
	ok(probecache_get_at(file, "bpf_lsm", &v) == 0 && v == -13, "a file of this boot: %d", v);
	forge("00000000-0000-0000-0000-000000000000", build, "bpf_lsm=-1");
	is_int(probecache_get_at(file, "bpf_lsm", &v), -ENOENT, "another boot: not trusted");
	forge(boot, "0123abcd", "bpf_lsm=-1");
	is_int(probecache_get_at(file, "bpf_lsm", &v), -ENOENT, "another build's answer: not ours");
	is_int(probecache_put_at(file, "bpf_lsm", -2), 0, "our own beside it");
	ok(probecache_get_at(file, "bpf_lsm", &v) == 0 && v == -2, "ours is read: %d", v);
	learn_identity();
	ok(!strcmp(build, "0123abcd"), "and the other build's answer is kept (%s)", build);
	forge(boot, build, "bpf_lsm=-1x");
	is_int(probecache_get_at(file, "bpf_lsm", &v), -ENOENT, "not a number: not trusted");
	unlink(file);
	for (int i = 0; i < 40; i++) {
		char name[16];

		snprintf(name, sizeof(name), "p%d", i);
		probecache_put_at(file, name, -i);
	}
	ok(probecache_get_at(file, "p39", &v) == 0 && v == -39 &&
		   probecache_get_at(file, "p0", &v) == -ENOENT,
	   "a full file drops the oldest answer, keeps the newest");

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
