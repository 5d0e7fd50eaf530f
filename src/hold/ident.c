// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a file the kernel loads for an exec is: its identity (device,
 * inode), and, where the policy recognises programs by content, its
 * content identity -- and the bounded work of taking it.
 *
 * A content identity exists to recognise a copy of a denied (or reviewed)
 * program under another name; a copy has every byte of its original, so:
 *
 *  - a file of up to HOLD_HASH_CAP bytes is identified by the SHA-256 of
 *    its content;
 *  - a larger file by the SHA-256 of its size, its first HOLD_HASH_CAP/2
 *    and its last HOLD_HASH_CAP/2 bytes. Nothing is refused for its size
 *    (a 245 MB agent binary runs), and a copy still matches; two different
 *    files of the same size that share both ends would match too, which
 *    can only deny or review a file that is not a copy (fail closed),
 *    never let a copy through.
 *
 * Denied identities are taken the same way when the policy loads. The
 * hashing of any one file reads at most HOLD_HASH_CAP bytes, and happens
 * on hashing threads of its own (HOLD_HASHERS, a queue of at most
 * HOLD_HASH_QUEUE calls): the answering threads never read a file's
 * content, so an exec that needs no hash never waits behind one that does.
 *
 * A hash is only worth something if the kernel then loads those same
 * bytes. The kernel's check compares the ctime (abi.h), which every
 * write(2), truncate and first write through a fresh mapping moves on a
 * disk filesystem; but not a write through a mapping that was already
 * writable, and on tmpfs, shmem and memfds no write through a mapping at
 * all; on FUSE and network filesystems the server changes files unseen.
 * So a file is "pinned" before its content counts: on a disk filesystem
 * when nobody has it open for writing (a read lease can be taken: it is
 * refused while a writer exists, writable mappings included); a memfd
 * when sealed against writes (by the agent, or here: the hold seals it,
 * which the agent sees as a memfd it can no longer write); nothing else.
 * A file whose content counts and cannot be pinned is refused (exec.c),
 * and only hashes of disk files are kept in the cache.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "exec/exec.h"
#include "hold/internal.h"

#ifndef EROFS_SUPER_MAGIC_V1
#define EROFS_SUPER_MAGIC_V1 0xE0F5E1E2
#endif
#ifndef F2FS_SUPER_MAGIC
#define F2FS_SUPER_MAGIC 0xF2F52010
#endif

/* Where a file lives: see the comment at the top. */
static enum exec_fs fs_of(long type)
{
	static const long stable[] = { EXT4_SUPER_MAGIC, XFS_SUPER_MAGIC, BTRFS_SUPER_MAGIC,
				       F2FS_SUPER_MAGIC, OVERLAYFS_SUPER_MAGIC,
				       SQUASHFS_MAGIC, EROFS_SUPER_MAGIC_V1, ISOFS_SUPER_MAGIC };

	for (size_t i = 0; i < sizeof(stable) / sizeof(*stable); i++)
		if (type == stable[i])
			return EXEC_FS_STABLE;
	if (type == TMPFS_MAGIC || type == HUGETLBFS_MAGIC)
		return EXEC_FS_MEMORY;
	return EXEC_FS_OTHER;
}

/* f's filesystem from the mount cache (see internal.h); false when it is not there. */
static bool mount_get(struct hold *h, uint64_t id, struct exec_file *f)
{
	bool hit = false;

	pthread_mutex_lock(&h->lock);
	for (int i = 0; i < MOUNT_CACHE && !hit; i++) {
		const struct mount_entry *e = &h->mounts[i];

		hit = e->id == id && e->kdev == f->kdev;
		if (hit) {
			f->fs = e->fs;
			f->fsid = e->fsid;
		}
	}
	pthread_mutex_unlock(&h->lock);
	return hit;
}

static void mount_put(struct hold *h, uint64_t id, const struct exec_file *f)
{
	struct mount_entry *e = &h->mounts[(id ^ f->kdev) % MOUNT_CACHE];

	pthread_mutex_lock(&h->lock);
	*e = (struct mount_entry){ .id = id, .kdev = f->kdev, .fsid = f->fsid, .fs = f->fs };
	pthread_mutex_unlock(&h->lock);
}

int hold_stat_file(struct hold *h, int fd, struct exec_file *f)
{
	struct statfs sfs;
	struct statx st;
	uint64_t mnt = 0;

	*f = (struct exec_file){ .fd = fd };
	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_SYNC_AS_STAT,
		  STATX_BASIC_STATS | STATX_MNT_ID_UNIQUE, &st) < 0)
		return -errno;
	if (!S_ISREG(st.stx_mode))
		return -EACCES; /* what execve itself answers for a directory or device */
	f->kdev = exec_kdev(makedev(st.stx_dev_major, st.stx_dev_minor));
	f->ino = st.stx_ino;
	f->size = st.stx_size;
	f->ctime_sec = st.stx_ctime.tv_sec;
	f->ctime_nsec = st.stx_ctime.tv_nsec;
	f->mtime_sec = st.stx_mtime.tv_sec;
	f->mtime_nsec = st.stx_mtime.tv_nsec;
	f->nlink = st.stx_nlink;
	f->uid = st.stx_uid;
	f->mode = st.stx_mode;
	f->fs = EXEC_FS_OTHER;
	/* a unique mount id (6.8+) names the filesystem: statfs once per mount */
	if (st.stx_mask & STATX_MNT_ID_UNIQUE)
		mnt = st.stx_mnt_id;
	if (h && mnt && mount_get(h, mnt, f))
		return 0;
	if (fstatfs(fd, &sfs) == 0) {
		f->fs = fs_of(sfs.f_type);
		memcpy(&f->fsid, &sfs.f_fsid, sizeof(f->fsid));
		f->noexec = (sfs.f_flags & ST_NOEXEC) || sfs.f_type == PROC_SUPER_MAGIC;
		if (h && mnt && !f->noexec)
			mount_put(h, mnt, f);
	}
	return 0;
}

/* A path read from our /proc/self/fd link, as the agent sees it (below its root). */
static void strip_root(const struct trapped *t, char *path)
{
	char link[64], root[4096];
	ssize_t n;
	size_t len;

	if (t->root_ours)
		return; /* the same root: the same view */
	snprintf(link, sizeof(link), "/proc/%d/root", t->pid);
	n = readlink(link, root, sizeof(root) - 1);
	if (n <= 1)
		return; /* "/": the same view */
	root[n] = 0;
	len = n;
	if (!strncmp(path, root, len) && (path[len] == '/' || !path[len]))
		memmove(path, path + len, strlen(path + len) + 1);
	if (!*path)
		strcpy(path, "/");
}

/* A system loader's path without symlinks, when f is one (saves a readlink per exec). */
static const char *loader_path(const struct hold *h, const struct exec_file *f)
{
	for (size_t i = 0; i < h->nloaders; i++)
		if (h->loaders[i].kdev == f->kdev && h->loaders[i].ino == f->ino && h->loaders[i].canon)
			return h->loaders[i].canon;
	return NULL;
}

int hold_identify_file(struct hold *h, const struct trapped *t, int fd, struct exec_file *f)
{
	char link[64], path[4096];
	const char *known;
	ssize_t n;
	int r = hold_stat_file(h, fd, f);

	if (r)
		return r;
	/* the kernel refuses to load it from there (the run's private /tmp and
	 * /dev/shm): the agent sees the same answer from here */
	if (f->noexec)
		return -EACCES;
	f->root_only = t->unprivileged && f->uid == 0 && !(f->mode & 022);
	known = t->root_ours ? loader_path(h, f) : NULL;
	if (known) {
		f->path = strdup(known);
		return f->path ? 0 : -ENOMEM;
	}
	/* from the hold's /proc/self/fd when it has one: no walk through /proc/self */
	snprintf(link, sizeof(link), h->self_fds >= 0 ? "%d" : "/proc/self/fd/%d", fd);
	n = readlinkat(h->self_fds >= 0 ? h->self_fds : AT_FDCWD, link, path, sizeof(path) - 1);
	if (n < 0)
		return -errno;
	path[n] = 0;
	strip_root(t, path);
	f->path = strdup(path);
	return f->path ? 0 : -ENOMEM;
}

/* Seals a memfd against every change of its content; true when it is (or was). */
static bool seal(int fd)
{
	const int need = F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW;
	int seals = fcntl(fd, F_GET_SEALS), rw, r;
	char p[64];

	if (seals < 0)
		return false; /* not a memfd: tmpfs files cannot be sealed */
	if ((seals & need) == need)
		return true;
	/* sealing needs a writable descriptor; a writable mapping makes it fail */
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	rw = open(p, O_RDWR | O_CLOEXEC);
	if (rw < 0)
		return false;
	r = fcntl(rw, F_ADD_SEALS, need);
	close(rw);
	return r == 0;
}

bool hold_pin(struct exec_file *f, bool may_seal)
{
	if (f->pinned)
		return true;
	if (f->fs == EXEC_FS_STABLE && f->root_only) {
		/* the agent cannot be its writer, and root outside the run is
		 * trusted (saves the lease's two system calls) */
		f->pinned = true;
	} else if (f->fs == EXEC_FS_STABLE) {
		/* a read lease is refused while anyone has the file open for writing */
		if (fcntl(f->fd, F_SETLEASE, F_RDLCK) == 0) {
			fcntl(f->fd, F_SETLEASE, F_UNLCK);
			f->pinned = true;
		} else {
			f->busy = errno == EAGAIN;
		}
	} else if (f->fs == EXEC_FS_MEMORY && may_seal) {
		f->pinned = seal(f->fd);
	}
	return f->pinned;
}

#define HASH_BUF (1 << 20)

/* Feeds len bytes of fd from off into ctx through buf. Returns 0 or -errno. */
static int hash_range(EVP_MD_CTX *ctx, uint8_t *buf, int fd, uint64_t off, uint64_t len)
{
	while (len > 0) {
		ssize_t n = pread(fd, buf, len < HASH_BUF ? len : HASH_BUF, off);

		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO; /* shorter than its size: it changed under us (deny) */
		if (!EVP_DigestUpdate(ctx, buf, n))
			return -EIO;
		off += n;
		len -= n;
	}
	return 0;
}

/*
 * SHA-256 from libcrypto, which uses the CPU's SHA extensions where it has
 * them (about 1.8 GB/s here, against 0.3 GB/s for portable C).
 */
int hold_hash_file(int fd, uint64_t size, uint8_t sha[32])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t *buf = malloc(HASH_BUF), le[8];
	unsigned int n = 0;
	int r = ctx && buf && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ? 0 : -ENOMEM;

	if (!r && size <= HOLD_HASH_CAP) {
		r = hash_range(ctx, buf, fd, 0, size);
	} else if (!r) {
		for (int i = 0; i < 8; i++)
			le[i] = size >> (8 * i);
		r = EVP_DigestUpdate(ctx, le, sizeof(le)) ? 0 : -EIO;
		r = r ?: hash_range(ctx, buf, fd, 0, HOLD_HASH_CAP / 2);
		r = r ?: hash_range(ctx, buf, fd, size - HOLD_HASH_CAP / 2, HOLD_HASH_CAP / 2);
	}
	if (!r && (!EVP_DigestFinal_ex(ctx, sha, &n) || n != 32))
		r = -EIO;
	EVP_MD_CTX_free(ctx);
	free(buf);
	return r;
}

static struct hash_entry *cache_slot(struct hold *h, const struct exec_file *f)
{
	return &h->cache[f->ino % HASH_CACHE];
}

/* Fills f->sha from the cache when f was hashed unchanged; disk files only. */
static bool cache_get(struct hold *h, struct exec_file *f)
{
	struct hash_entry *e = cache_slot(h, f);

	if (f->fs != EXEC_FS_STABLE)
		return false;
	pthread_mutex_lock(&h->lock);
	f->hashed = e->kdev == f->kdev && e->ino == f->ino && e->size == f->size &&
		    e->ctime_sec == f->ctime_sec && e->ctime_nsec == f->ctime_nsec;
	if (f->hashed)
		memcpy(f->sha, e->sha, sizeof(f->sha));
	pthread_mutex_unlock(&h->lock);
	return f->hashed;
}

static void cache_put(struct hold *h, const struct exec_file *f)
{
	struct hash_entry *e = cache_slot(h, f);

	if (f->fs != EXEC_FS_STABLE)
		return; /* a memfd or tmpfs file may change without its ctime */
	pthread_mutex_lock(&h->lock);
	*e = (struct hash_entry){ .kdev = f->kdev, .ino = f->ino, .size = f->size,
				  .ctime_sec = f->ctime_sec, .ctime_nsec = f->ctime_nsec };
	memcpy(e->sha, f->sha, sizeof(e->sha));
	pthread_mutex_unlock(&h->lock);
}

static int by_size(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * A copy has the size of its original: a file whose size is that of no
 * content identity cannot be a copy of one, and needs no hash (nor a pin:
 * its size cannot change without its ctime).
 */
bool hold_content_counts(const struct hold *h, const struct exec_file *f)
{
	return h->nsizes && bsearch(&f->size, h->sizes, h->nsizes, sizeof(*h->sizes), by_size);
}

void hold_sizes_sort(struct hold *h)
{
	if (h->nsizes)
		qsort(h->sizes, h->nsizes, sizeof(*h->sizes), by_size);
}

/* f->sha from the caches, or hashed now on this thread. Returns 0 or -errno. */
int hold_hash_now(struct hold *h, struct exec_file *f)
{
	int r;

	if (f->hashed || cache_get(h, f))
		return 0;
	if (hold_store_get(h, f)) {
		cache_put(h, f);
		return 0;
	}
	r = hold_hash_file(f->fd, f->size, f->sha);
	if (r)
		return r;
	f->hashed = true;
	cache_put(h, f);
	hold_store_put(h, f);
	return 0;
}

int hold_needs_hash(struct hold *h, struct exec_call *c)
{
	int need = 0;

	for (int i = 0; i < c->n + (c->entry >= 0); i++) {
		struct exec_file *f = &c->f[i];

		/* a file that cannot be pinned is refused, not hashed (hold_judge_exec) */
		if (hold_content_counts(h, f) && hold_pin(f, true) && !cache_get(h, f) &&
		    !hold_store_get(h, f))
			need = 1;
	}
	return need;
}

/* Hashes every file of c that needs it. Returns 0 or -errno. */
static int hash_call(struct hold *h, struct exec_call *c)
{
	for (int i = 0; i < c->n + (c->entry >= 0); i++) {
		struct exec_file *f = &c->f[i];
		int r;

		if (!f->pinned || !hold_content_counts(h, f))
			continue;
		r = hold_hash_now(h, f);
		if (r)
			return r;
	}
	return 0;
}

/* One call waiting for its files' hashes. */
struct hash_job {
	struct hash_job *next;
	struct trapped t;
	struct exec_call c;	/* owned here */
};

static void run_job(struct hold *h, struct hash_job *j)
{
	int r = hash_call(h, &j->c);

	if (r == 0) {
		r = hold_conclude_exec(h, &j->t, &j->c); /* takes the call */
	} else {
		hold_call_free(&j->c); /* fail closed: unreadable content is not judged */
	}
	if (r != HOLD_HELD)
		hold_respond(h, &j->t, r);
	free(j);
}

static void *hasher(void *arg)
{
	struct hold *h = arg;

	pthread_setname_np(pthread_self(), "sx-hash");
	for (;;) {
		struct hash_job *j;

		pthread_mutex_lock(&h->hq_lock);
		while (!h->hq_head && !h->hq_stop)
			pthread_cond_wait(&h->hq_cond, &h->hq_lock);
		j = h->hq_head;
		if (j) {
			h->hq_head = j->next;
			h->hq_len--;
		}
		pthread_mutex_unlock(&h->hq_lock);
		if (!j)
			return NULL; /* stopping, and every queued call was answered */
		run_job(h, j);
	}
}

int hold_hash_later(struct hold *h, const struct trapped *t, struct exec_call *c)
{
	struct hash_job *j = calloc(1, sizeof(*j)), **tail;
	int r = HOLD_HELD;

	pthread_mutex_lock(&h->hq_lock);
	if (!j || h->hq_len >= HOLD_HASH_QUEUE || h->nhashers == 0) {
		r = -EAGAIN; /* fail closed: too many files waiting for their hash */
	} else {
		*j = (struct hash_job){ .t = *t, .c = *c };
		j->t.proc = j->t.root = -1; /* closed when the call was handed on */
		for (tail = &h->hq_head; *tail; tail = &(*tail)->next)
			;
		*tail = j;
		h->hq_len++;
		pthread_cond_signal(&h->hq_cond);
	}
	pthread_mutex_unlock(&h->hq_lock);
	if (r != HOLD_HELD) {
		free(j);
		hold_call_free(c);
	}
	return r;
}

int hold_hashers_start(struct hold *h)
{
	for (int i = 0; i < HOLD_HASHERS; i++) {
		int r = pthread_create(&h->hashers[i], NULL, hasher, h);

		if (r)
			return -r;
		h->nhashers++;
	}
	return 0;
}

void hold_hashers_stop(struct hold *h)
{
	pthread_mutex_lock(&h->hq_lock);
	h->hq_stop = true;
	pthread_cond_broadcast(&h->hq_cond);
	pthread_mutex_unlock(&h->hq_lock);
	for (int i = 0; i < h->nhashers; i++)
		pthread_join(h->hashers[i], NULL);
	h->nhashers = 0;
}
