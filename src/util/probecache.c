// SPDX-License-Identifier: GPL-2.0-only
/*
 * The per-boot probe cache (util/probecache.h): a "boot=" line that says
 * which boot wrote it, then one "BUILD name=value" line per answer, BUILD
 * being the build ID of the program that probed. Answers of several
 * builds are kept side by side (a test suite alternates two builds, each
 * would otherwise throw the other's away), up to MAX_ENTRIES, the oldest
 * dropped first. The file is small and read whole; it is replaced by
 * rename, so a reader sees the old or the new file, never half of one.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/probecache.h"

#define MAX_ENTRIES 32
#define NAME_MAX_LEN 32

#define BUILD_LEN PROBECACHE_ID_LEN

struct entry {
	char build[BUILD_LEN];
	char name[NAME_MAX_LEN];
	int value;
};

struct cache {
	char boot[PROBECACHE_ID_LEN];
	char build[BUILD_LEN];
	struct entry e[MAX_ENTRIES];
	int n;
};

/* The GNU build ID of the main program, from its PT_NOTE segments. */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
	char *hex = data;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr),
			   *end = p + ph->p_memsz;

		while (ph->p_type == PT_NOTE && p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
			const unsigned char *desc =
				(const unsigned char *)(nh + 1) + ((nh->n_namesz + 3) & ~3u);

			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    !memcmp(nh + 1, "GNU", 4) && nh->n_descsz <= 64) {
				for (unsigned int k = 0; k < nh->n_descsz; k++)
					sprintf(hex + 2 * k, "%02x", desc[k]);
				return 1;
			}
			p = (const char *)desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
	return 1; /* only the first object, the program itself */
}

int probecache_identity(char boot[PROBECACHE_ID_LEN], char build[PROBECACHE_ID_LEN])
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
	int ok;

	boot[0] = build[0] = 0;
	if (!f)
		return -errno;
	ok = fgets(boot, PROBECACHE_ID_LEN, f) != NULL;
	fclose(f);
	boot[strcspn(boot, "\n")] = 0;
	dl_iterate_phdr(find_build_id, build);
	/* no build ID (a build without --build-id): nothing to key on, never cached */
	return ok && boot[0] && build[0] ? 0 : -ENOENT;
}

/* Fills c->boot and c->build for this boot and build. Returns 0 or -errno. */
static int identity(struct cache *c)
{
	memset(c, 0, sizeof(*c));
	return probecache_identity(c->boot, c->build);
}

bool probecache_trusted(const struct stat *st)
{
	return st->st_uid == 0 && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

int probecache_dir_trusted(const char *file)
{
	char dir[PATH_MAX];
	struct stat st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", file);
	slash = strrchr(dir, '/');
	if (!slash)
		return -EINVAL;
	*slash = 0;
	if (stat(dir[0] ? dir : "/", &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) && probecache_trusted(&st) ? 0 : -EPERM;
}

/* One "BUILD name=value" line into c; anything else is not an answer. */
static void parse_entry(struct cache *c, char *line)
{
	char *name = strchr(line, ' '), *v, *end;
	long n;

	if (!name || c->n >= MAX_ENTRIES)
		return;
	*name++ = 0;
	v = strchr(name, '=');
	if (!v || strlen(line) >= BUILD_LEN || (size_t)(v - name) >= NAME_MAX_LEN)
		return;
	*v++ = 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < INT_MIN || n > INT_MAX)
		return; /* not a number: as if it were not there */
	snprintf(c->e[c->n].build, BUILD_LEN, "%s", line);
	snprintf(c->e[c->n].name, NAME_MAX_LEN, "%s", name);
	c->e[c->n++].value = (int)n;
}

/*
 * Reads the entries of file into c (whose identity is set), when the file
 * is root's and of this boot; otherwise c holds none. Returns 0 or -errno.
 */
static int load(const char *file, struct cache *c)
{
	bool boot_ok = false;
	char line[256];
	struct stat st;
	FILE *f;
	int fd;

	c->n = 0;
	if (probecache_dir_trusted(file) < 0)
		return -EPERM;
	fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !probecache_trusted(&st)) {
		close(fd);
		return -EPERM; /* fail closed: someone else's file decides nothing */
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "boot=", 5))
			boot_ok = !strcmp(line + 5, c->boot);
		else
			parse_entry(c, line);
	}
	fclose(f);
	if (!boot_ok)
		c->n = 0; /* another boot: its answers may not hold */
	return c->n ? 0 : -ENOENT;
}

int probecache_get_at(const char *file, const char *name, int *value)
{
	struct cache c;
	int r = identity(&c);

	r = r ?: load(file, &c);
	for (int i = 0; r == 0 && i < c.n; i++)
		if (!strcmp(c.e[i].build, c.build) && !strcmp(c.e[i].name, name)) {
			*value = c.e[i].value;
			return 0;
		}
	return r < 0 ? r : -ENOENT;
}

/* Writes c to file through a temporary file and rename. Returns 0 or -errno. */
static int store(const char *file, const struct cache *c)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd, r = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", file) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f || fchmod(fd, 0644) < 0) {
		r = -errno;
		f ? fclose(f) : close(fd);
		unlink(tmp);
		return r;
	}
	fprintf(f, "boot=%s\n", c->boot);
	for (int i = 0; i < c->n; i++)
		fprintf(f, "%s %s=%d\n", c->e[i].build, c->e[i].name, c->e[i].value);
	if (fclose(f) != 0 || rename(tmp, file) < 0) {
		r = -errno;
		unlink(tmp);
	}
	return r;
}

int probecache_put_at(const char *file, const char *name, int value)
{
	struct cache c;
	int i, r;

	if (geteuid() != 0)
		return -EPERM; /* only root's answers are ever read back */
	if (strlen(name) >= NAME_MAX_LEN || strpbrk(name, "= \n"))
		return -EINVAL;
	r = identity(&c);
	if (r < 0)
		return r;
	load(file, &c); /* keeps the other answers of this boot */
	for (i = 0; i < c.n; i++)
		if (!strcmp(c.e[i].build, c.build) && !strcmp(c.e[i].name, name))
			break;
	if (i == MAX_ENTRIES) { /* full: the oldest answer goes */
		memmove(&c.e[0], &c.e[1], (MAX_ENTRIES - 1) * sizeof(c.e[0]));
		i = c.n = MAX_ENTRIES - 1;
	}
	snprintf(c.e[i].build, BUILD_LEN, "%s", c.build);
	snprintf(c.e[i].name, NAME_MAX_LEN, "%s", name);
	c.e[i].value = value;
	c.n += i == c.n;
	return store(file, &c);
}

int probecache_get(const char *name, int *value)
{
	return probecache_get_at(PROBECACHE_FILE, name, value);
}

int probecache_put(const char *name, int value)
{
	if (mkdir(PROBECACHE_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	return probecache_put_at(PROBECACHE_FILE, name, value);
}
