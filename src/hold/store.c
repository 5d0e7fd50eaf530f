// SPDX-License-Identifier: GPL-2.0-only
/*
 * Content identities remembered across runs: a file of fixed records in
 * /var/cache/sevorix (SEVORIX_EXEC_HASHES names another), so that a
 * system binary hashed once is not hashed again by the next run, nor its
 * denied identities when the next policy loads.
 *
 * A record is keyed by everything that changes when the file does: the
 * filesystem's identity (statfs f_fsid), device, inode, size, ctime and
 * mtime. It is written and trusted only for files whose ctime witnesses
 * every change (a disk filesystem: ident.c) and that the agent cannot
 * write (owned by root, no group or other write bit: an ACL that grants
 * write shows in the group bits); never for tmpfs, shmem, memfd, FUSE or
 * network filesystems. The file and its directory must be root's and
 * writable by no one else, or the store is not used at all (the hashes are
 * then taken again: fail closed). Writers append whole records (O_APPEND),
 * so runs that store at the same time do not mix them; a torn tail is
 * ignored. Past STORE_MAX records it starts over.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hold/internal.h"

#define STORE_DIR "/var/cache/sevorix"
#define STORE_FILE STORE_DIR "/exec-hashes"
#define STORE_MAX 65536

struct record {
	uint64_t fsid, dev, ino;
	int64_t size, ctime_sec, ctime_nsec, mtime_sec, mtime_nsec;
	uint8_t sha[32];
};

struct store {
	struct record *rec;	/* sorted by (dev, ino), then what was added in this run */
	size_t n, nsorted;
	pthread_mutex_t lock;
	char path[4096];
};

/* Root's, and writable by nobody else. */
static bool trusted(int fd, bool dir)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_uid == 0 && !(st.st_mode & 022) &&
	       (dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
}

static const char *store_path(void)
{
	const char *p = getenv("SEVORIX_EXEC_HASHES");

	return p && *p == '/' ? p : STORE_FILE;
}

static int by_inode(const void *a, const void *b)
{
	const struct record *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* Reads the records of the store at path; a store that cannot be trusted gives none. */
static int load(struct store *s)
{
	char dir[4096];
	int dfd, fd;
	struct stat st;
	ssize_t n;

	snprintf(dir, sizeof(dir), "%s", s->path);
	*strrchr(dir, '/') = 0;
	mkdir(dir, 0700); /* the first run makes it */
	dfd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	fd = open(s->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 || !trusted(dfd, true) || fd < 0 || !trusted(fd, false) ||
	    fstat(fd, &st) < 0 || st.st_size / sizeof(struct record) > STORE_MAX) {
		if (dfd >= 0)
			close(dfd);
		if (fd >= 0)
			close(fd);
		return 0; /* none yet, untrusted or full: start over when storing */
	}
	close(dfd);
	s->rec = malloc(st.st_size + sizeof(struct record));
	n = s->rec ? read(fd, s->rec, st.st_size) : -1;
	close(fd);
	if (n < 0)
		return -EIO;
	s->n = s->nsorted = n / sizeof(struct record); /* a torn last record is left out */
	if (s->n)
		qsort(s->rec, s->n, sizeof(*s->rec), by_inode);
	return 0;
}

int hold_store_open(struct hold *h)
{
	struct store *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	pthread_mutex_init(&s->lock, NULL);
	snprintf(s->path, sizeof(s->path), "%s", store_path());
	if (load(s) < 0) {
		free(s->rec);
		s->rec = NULL;
		s->n = s->nsorted = 0;
	}
	h->store = s;
	return 0;
}

void hold_store_close(struct hold *h)
{
	if (!h->store)
		return;
	pthread_mutex_destroy(&h->store->lock);
	free(h->store->rec);
	free(h->store);
	h->store = NULL;
}

/* Kept across runs: a disk file only root can write. */
static bool eligible(const struct exec_file *f)
{
	return f->fs == EXEC_FS_STABLE && f->uid == 0 && !(f->mode & 022);
}

static bool same(const struct record *r, const struct exec_file *f)
{
	return r->fsid == f->fsid && r->dev == f->kdev && r->ino == f->ino && r->size == f->size &&
	       r->ctime_sec == f->ctime_sec && r->ctime_nsec == f->ctime_nsec &&
	       r->mtime_sec == f->mtime_sec && r->mtime_nsec == f->mtime_nsec;
}

bool hold_store_get(struct hold *h, struct exec_file *f)
{
	struct store *s = h->store;
	struct record key = { .dev = f->kdev, .ino = f->ino }, *r;
	const struct record *hit = NULL;

	if (!s || !eligible(f))
		return false;
	pthread_mutex_lock(&s->lock);
	r = s->nsorted ? bsearch(&key, s->rec, s->nsorted, sizeof(*r), by_inode) : NULL;
	/* records of one inode sit together: from the first of them */
	while (r && r > s->rec && !by_inode(r - 1, &key))
		r--;
	for (; r && r < s->rec + s->nsorted && !by_inode(r, &key) && !hit; r++)
		if (same(r, f))
			hit = r;
	for (size_t i = s->nsorted; i < s->n && !hit; i++) /* added by this run */
		if (same(&s->rec[i], f))
			hit = &s->rec[i];
	if (hit) {
		memcpy(f->sha, hit->sha, sizeof(f->sha));
		f->hashed = true;
	}
	pthread_mutex_unlock(&s->lock);
	return hit != NULL;
}

void hold_store_put(struct hold *h, const struct exec_file *f)
{
	struct store *s = h->store;
	struct record r = { .fsid = f->fsid, .dev = f->kdev, .ino = f->ino, .size = f->size,
			    .ctime_sec = f->ctime_sec, .ctime_nsec = f->ctime_nsec,
			    .mtime_sec = f->mtime_sec, .mtime_nsec = f->mtime_nsec };
	struct record *more;
	int fd;

	if (!s || !eligible(f) || !f->hashed)
		return;
	memcpy(r.sha, f->sha, sizeof(r.sha));
	pthread_mutex_lock(&s->lock);
	more = s->n < STORE_MAX ? realloc(s->rec, (s->n + 1) * sizeof(*more)) : NULL;
	if (more) {
		s->rec = more;
		s->rec[s->n++] = r;
	}
	fd = open(s->path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0 && trusted(fd, false)) {
		struct stat st;

		/* full: start over (the records are only a cache) */
		if (fstat(fd, &st) == 0 && st.st_size / sizeof(r) >= STORE_MAX)
			(void)!ftruncate(fd, 0);
		(void)!write(fd, &r, sizeof(r));
	}
	if (fd >= 0)
		close(fd);
	pthread_mutex_unlock(&s->lock);
}
