// SPDX-License-Identifier: GPL-2.0-only
/*
 * The content identity of an executable, and the bounded work of taking
 * it. A content identity exists to recognise a copy of a denied (or
 * reviewed) program under another name; a copy has every byte of its
 * original, so:
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
 * Denied identities are taken the same way when the policy loads. So the
 * hashing of any one exec reads at most HOLD_HASH_CAP bytes, and it
 * happens on hashing threads of its own (HOLD_HASHERS, a queue of at most
 * HOLD_HASH_QUEUE calls): the answering threads never read a file's
 * content, so an exec that needs no hash never waits behind one that does.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hold/internal.h"
#include "util/sha256.h"

/* Feeds len bytes of fd from off into s. Returns 0 or -errno. */
static int hash_range(struct sha256 *s, int fd, uint64_t off, uint64_t len)
{
	static __thread uint8_t buf[1 << 16];

	while (len > 0) {
		ssize_t n = pread(fd, buf, len < sizeof(buf) ? len : sizeof(buf), off);

		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO; /* shorter than its size: it changed under us (deny) */
		sha256_update(s, buf, n);
		off += n;
		len -= n;
	}
	return 0;
}

int hold_hash_file(int fd, uint64_t size, uint8_t sha[32])
{
	struct sha256 s;
	uint8_t le[8];
	int r;

	sha256_init(&s);
	if (size <= HOLD_HASH_CAP) {
		r = hash_range(&s, fd, 0, size);
	} else {
		for (int i = 0; i < 8; i++)
			le[i] = size >> (8 * i);
		sha256_update(&s, le, sizeof(le));
		r = hash_range(&s, fd, 0, HOLD_HASH_CAP / 2);
		r = r ?: hash_range(&s, fd, size - HOLD_HASH_CAP / 2, HOLD_HASH_CAP / 2);
	}
	if (!r)
		sha256_final(&s, sha);
	return r;
}

static struct hash_entry *cache_slot(struct hold *h, const struct exec_call *c)
{
	return &h->cache[c->ino % HASH_CACHE];
}

bool hold_cache_get(struct hold *h, struct exec_call *c)
{
	struct hash_entry *e = cache_slot(h, c);
	bool hit;

	pthread_mutex_lock(&h->lock);
	hit = e->kdev == c->kdev && e->ino == c->ino && e->size == c->size &&
	      e->ctime_sec == c->ctime_sec && e->ctime_nsec == c->ctime_nsec;
	if (hit)
		memcpy(c->sha, e->sha, sizeof(c->sha));
	pthread_mutex_unlock(&h->lock);
	return hit;
}

void hold_cache_put(struct hold *h, const struct exec_call *c)
{
	struct hash_entry *e = cache_slot(h, c);

	pthread_mutex_lock(&h->lock);
	*e = (struct hash_entry){ .kdev = c->kdev, .ino = c->ino, .size = c->size,
				  .ctime_sec = c->ctime_sec, .ctime_nsec = c->ctime_nsec };
	memcpy(e->sha, c->sha, sizeof(e->sha));
	pthread_mutex_unlock(&h->lock);
}

/* One call waiting for its file's hash. */
struct hash_job {
	struct hash_job *next;
	struct trapped t;
	struct exec_call c;	/* argv owned here */
	int fd;			/* the file that was identified */
};

static void run_job(struct hold *h, struct hash_job *j)
{
	int r = hold_hash_file(j->fd, j->c.size, j->c.sha);

	close(j->fd);
	if (r == 0) {
		hold_cache_put(h, &j->c);
		r = hold_conclude_exec(h, &j->t, &j->c); /* takes the argv */
	} else {
		hold_free_argv(j->c.argv); /* fail closed: unreadable content is not judged */
	}
	if (r != HOLD_HELD)
		hold_respond(h, &j->t, r);
	free(j);
}

static void *hasher(void *arg)
{
	struct hold *h = arg;

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

int hold_hash_later(struct hold *h, const struct trapped *t, struct exec_call *c, int fd)
{
	struct hash_job *j = calloc(1, sizeof(*j)), **tail;
	int r = HOLD_HELD;

	pthread_mutex_lock(&h->hq_lock);
	if (!j || h->hq_len >= HOLD_HASH_QUEUE || h->nhashers == 0) {
		r = -EAGAIN; /* fail closed: too many files waiting for their hash */
	} else {
		*j = (struct hash_job){ .t = *t, .c = *c, .fd = fd };
		j->t.mem = -1;
		for (tail = &h->hq_head; *tail; tail = &(*tail)->next)
			;
		*tail = j;
		h->hq_len++;
		pthread_cond_signal(&h->hq_cond);
	}
	pthread_mutex_unlock(&h->hq_lock);
	if (r != HOLD_HELD) {
		free(j);
		close(fd);
		hold_free_argv(c->argv);
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
