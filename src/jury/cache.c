/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The verdict cache: a chained hash table over a doubly linked LRU list,
 * under one mutex. Look-up and insertion are O(1); an expired entry is
 * dropped when it is found, and the least recently used entry is evicted
 * when the cache is full, so the cache never holds more than its capacity.
 * One lock is enough here: a look-up is a hash, a memcmp and a copy of a
 * few hundred bytes, far below the cost of the review it saves.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jury/cache.h"

struct cache_entry {
	struct cache_entry *hnext; /* hash chain */
	struct cache_entry *prev, *next; /* LRU list, most recent first */
	uint64_t hash;
	uint64_t expires_ns;
	size_t keylen;
	/* The cached part of the answer; votes has nvotes entries. */
	enum vote_verdict verdict;
	enum jury_judge judge;
	char reason[VOTE_REASON_MAX];
	char consensus[32];
	size_t nvotes;
	struct jury_vote *votes;
	char key[];
};

struct jury_cache {
	pthread_mutex_t lock;
	struct cache_entry **buckets;
	size_t nbuckets, count, capacity;
	uint64_t ttl_ns;
	struct cache_entry head; /* LRU sentinel */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* FNV-1a, 64 bit. */
static uint64_t key_hash(const char *key, size_t len)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 1099511628211ull;
	return h;
}

int jury_cache_new(size_t capacity, int ttl_ms, struct jury_cache **ret)
{
	struct jury_cache *c = calloc(1, sizeof(*c));

	*ret = NULL;
	if (!c)
		return -ENOMEM;
	c->capacity = capacity;
	c->ttl_ns = (uint64_t)ttl_ms * 1000000ull;
	c->nbuckets = 64;
	while (c->nbuckets < capacity)
		c->nbuckets <<= 1;
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		return -ENOMEM;
	}
	pthread_mutex_init(&c->lock, NULL);
	c->head.prev = c->head.next = &c->head;
	*ret = c;
	return 0;
}

static void lru_unlink(struct cache_entry *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}

static void lru_push(struct jury_cache *c, struct cache_entry *e)
{
	e->next = c->head.next;
	e->prev = &c->head;
	c->head.next->prev = e;
	c->head.next = e;
}

/* Unlinks e from its chain and the list, and frees it. Lock held. */
static void entry_drop(struct jury_cache *c, struct cache_entry *e)
{
	struct cache_entry **pp = &c->buckets[e->hash & (c->nbuckets - 1)];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	lru_unlink(e);
	c->count--;
	free(e->votes);
	free(e);
}

static struct cache_entry *entry_find(struct jury_cache *c, const char *key, size_t keylen,
				      uint64_t h)
{
	struct cache_entry *e = c->buckets[h & (c->nbuckets - 1)];

	for (; e; e = e->hnext)
		if (e->hash == h && e->keylen == keylen && !memcmp(e->key, key, keylen))
			return e;
	return NULL;
}

bool jury_cache_get(struct jury_cache *c, const char *key, size_t keylen, struct jury_answer *ans)
{
	uint64_t h = key_hash(key, keylen);
	struct cache_entry *e;
	bool hit = false;

	if (!c || !c->capacity)
		return false;
	pthread_mutex_lock(&c->lock);
	e = entry_find(c, key, keylen, h);
	if (e && e->expires_ns <= now_ns()) {
		entry_drop(c, e);
		e = NULL;
	}
	if (e) {
		lru_unlink(e);
		lru_push(c, e);
		ans->verdict = e->verdict;
		ans->judge = e->judge;
		ans->nvotes = e->nvotes;
		memcpy(ans->reason, e->reason, sizeof(ans->reason));
		memcpy(ans->consensus, e->consensus, sizeof(ans->consensus));
		memcpy(ans->votes, e->votes, e->nvotes * sizeof(ans->votes[0]));
		hit = true;
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

void jury_cache_put(struct jury_cache *c, const char *key, size_t keylen,
		    const struct jury_answer *ans)
{
	size_t vsize = ans->nvotes * sizeof(ans->votes[0]);
	uint64_t h = key_hash(key, keylen);
	struct cache_entry *e;

	if (!c || !c->capacity)
		return;
	e = malloc(sizeof(*e) + keylen);
	if (!e)
		return;
	e->votes = malloc(vsize ? vsize : 1);
	if (!e->votes) {
		free(e);
		return;
	}
	memcpy(e->votes, ans->votes, vsize);
	e->nvotes = ans->nvotes;
	e->verdict = ans->verdict;
	e->judge = ans->judge;
	memcpy(e->reason, ans->reason, sizeof(e->reason));
	memcpy(e->consensus, ans->consensus, sizeof(e->consensus));
	e->hash = h;
	e->keylen = keylen;
	memcpy(e->key, key, keylen);
	pthread_mutex_lock(&c->lock);
	e->expires_ns = now_ns() + c->ttl_ns;
	{
		struct cache_entry *old = entry_find(c, key, keylen, h);

		if (old)
			entry_drop(c, old);
	}
	if (c->count >= c->capacity)
		entry_drop(c, c->head.prev);
	e->hnext = c->buckets[h & (c->nbuckets - 1)];
	c->buckets[h & (c->nbuckets - 1)] = e;
	lru_push(c, e);
	c->count++;
	pthread_mutex_unlock(&c->lock);
}

void jury_cache_free(struct jury_cache *c)
{
	if (!c)
		return;
	while (c->head.next != &c->head)
		entry_drop(c, c->head.next);
	pthread_mutex_destroy(&c->lock);
	free(c->buckets);
	free(c);
}
