/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The grounding juror's view of the agent's filesystem (see grounding.h).
 *
 * Every lookup goes through openat2(RESOLVE_IN_ROOT) on a descriptor of
 * the review's root, so an absolute symlink inside a container's rootfs
 * resolves inside that rootfs and never on the host's /. A binary's
 * known flags are found by searching its mapped image for the flag's
 * name; the mapping and every answer are cached per (device, inode), so
 * only the first question about a binary costs a scan.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jury/jurors/stats/features.h"
#include "jury/jurors/grounding/grounding.h"

int gr_open_in(int rootfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

/* An executable regular file? */
static bool runnable(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

int gr_which(int rootfd, const char *prog, const char *cwd, char *found, size_t len)
{
	static const char *const path[] = {
		"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin",
		"/usr/games", "/snap/bin", NULL,
	};
	char buf[4096];
	int fd;

	if (strchr(prog, '/')) {
		if (prog[0] != '/' && (!cwd || !*cwd))
			return -EAGAIN; /* relative to an unknown directory */
		snprintf(buf, sizeof(buf), "%s%s%s", prog[0] == '/' ? "" : cwd,
			 prog[0] == '/' ? "" : "/", prog);
		fd = gr_open_in(rootfd, buf, O_PATH);
		if (fd >= 0 && !runnable(fd)) {
			close(fd);
			return -EACCES;
		}
		if (fd >= 0)
			snprintf(found, len, "%s", buf);
		return fd;
	}
	for (int i = 0; path[i]; i++) {
		snprintf(buf, sizeof(buf), "%s/%s", path[i], prog);
		fd = gr_open_in(rootfd, buf, O_PATH);
		if (fd < 0)
			continue;
		if (runnable(fd)) {
			snprintf(found, len, "%s", buf);
			return fd;
		}
		close(fd);
	}
	return -ENOENT;
}

static struct gr_binary *cache_get(struct juror *j, int fd)
{
	struct stat st;
	struct gr_binary *b;
	char proc[64];
	int rfd;
	void *map;

	if (fstat(fd, &st) < 0)
		return NULL;
	for (int i = 0; i < j->nbins; i++)
		if (j->bins[i].dev == st.st_dev && j->bins[i].ino == st.st_ino)
			return &j->bins[i];
	if (j->nbins < GR_CACHE) {
		b = &j->bins[j->nbins++];
	} else {
		b = &j->bins[j->next];
		j->next = (j->next + 1) % GR_CACHE;
		if (b->map)
			munmap((void *)b->map, b->len);
	}
	memset(b, 0, sizeof(*b));
	b->dev = st.st_dev;
	b->ino = st.st_ino;
	if (st.st_size < 64 || (size_t)st.st_size > GR_MAX_BINARY)
		return b;
	/* reopen the O_PATH descriptor for reading, still inside the root */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	rfd = open(proc, O_RDONLY | O_CLOEXEC);
	if (rfd < 0)
		return b;
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, rfd, 0);
	close(rfd);
	if (map == MAP_FAILED)
		return b;
	if (memcmp(map, "\177ELF", 4) != 0) {
		munmap(map, (size_t)st.st_size);
		return b;
	}
	b->map = map;
	b->len = (size_t)st.st_size;
	return b;
}

int gr_binary_knows(struct juror *j, int fd, const char *flag)
{
	const char *name = flag;
	size_t n;
	uint64_t h;
	int rc;

	while (*name == '-')
		name++;
	n = strcspn(name, "=");
	if (n < 3 || n > 64)
		return -EINVAL;
	h = ((uint64_t)features_hash(name, n, 0x51) << 32) | features_hash(name, n, 0x52);
	pthread_mutex_lock(&j->lock);
	struct gr_binary *b = cache_get(j, fd);

	if (!b || !b->map) {
		rc = -ENOEXEC;
		goto out;
	}
	for (int i = 0; i < b->nflags; i++)
		if (b->flag_hash[i] == h) {
			rc = b->flag_known[i];
			goto out;
		}
	rc = memmem(b->map, b->len, name, n) != NULL;
	if (b->nflags < GR_FLAGS) {
		b->flag_hash[b->nflags] = h;
		b->flag_known[b->nflags++] = rc;
	}
out:
	pthread_mutex_unlock(&j->lock);
	return rc;
}

void gr_cache_free(struct juror *j)
{
	for (int i = 0; i < j->nbins; i++)
		if (j->bins[i].map)
			munmap((void *)j->bins[i].map, j->bins[i].len);
	j->nbins = 0;
}
