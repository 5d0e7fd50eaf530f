// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a learning run did, as it happens (learn/learn.h): observations
 * come from several threads (the event reader, the hold's answering
 * threads), each distinct one is kept once with a count, and at most a
 * bounded number are kept at all: beyond it they are counted as dropped,
 * and the learnt policy says so at its top rather than silently missing
 * what they were.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/learn.h"

#define KEY_MAX 32

/* A key under which the kernel counts the later uses of an observation. */
struct keyed {
	unsigned char key[KEY_MAX];
	size_t len;
	size_t index;		/* in v */
};

struct learn_rec {
	pthread_mutex_t lock;
	struct observed *v;
	size_t n, cap, max;
	int32_t *slot;		/* open addressing over v, hcap slots (a power of two) */
	size_t hcap;
	unsigned long dropped;
	struct keyed *keys;
	size_t nkeys;
	bool sorted;		/* keys are sorted (by_key) */
};

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same(const struct observed *a, const struct observed *b)
{
	return a->kind == b->kind && a->access == b->access && a->flags == b->flags &&
	       a->family == b->family && a->port == b->port && !memcmp(a->addr, b->addr, 16) &&
	       str_eq(a->path, b->path) && str_eq(a->name, b->name) && str_eq(a->argv, b->argv);
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	for (const unsigned char *c = p; n--; c++)
		h = (h ^ *c) * 0x100000001b3ULL;
	return h;
}

static uint64_t hash(const struct observed *o)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = mix(h, &o->kind, sizeof(o->kind));
	h = mix(h, &o->access, sizeof(o->access));
	h = mix(h, &o->flags, sizeof(o->flags));
	h = mix(h, o->addr, 16);
	h = mix(h, &o->port, sizeof(o->port));
	if (o->path)
		h = mix(h, o->path, strlen(o->path));
	if (o->argv)
		h = mix(h, o->argv, strlen(o->argv));
	if (o->name)
		h = mix(h, o->name, strlen(o->name));
	return h ^ (h >> 31);
}

int learn_rec_new(size_t max, struct learn_rec **ret)
{
	struct learn_rec *r = calloc(1, sizeof(*r));

	*ret = NULL;
	if (!r)
		return -ENOMEM;
	r->max = max;
	for (r->hcap = 1024; r->hcap < 2 * max; r->hcap *= 2)
		;
	r->slot = malloc(r->hcap * sizeof(*r->slot));
	if (!r->slot) {
		free(r);
		return -ENOMEM;
	}
	memset(r->slot, 0xff, r->hcap * sizeof(*r->slot));
	pthread_mutex_init(&r->lock, NULL);
	*ret = r;
	return 0;
}

static char *dup_or_null(const char *s, bool *fail)
{
	char *d = s ? strdup(s) : NULL;

	*fail |= s && !d;
	return d;
}

/* Appends a copy of o at slot h; called with the lock held. */
static int append(struct learn_rec *r, const struct observed *o, size_t h)
{
	struct observed *v = r->v, c = *o;
	bool fail = false;

	if (r->n == r->cap) {
		v = realloc(r->v, (r->cap ? r->cap * 2 : 256) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		r->v = v;
		r->cap = r->cap ? r->cap * 2 : 256;
	}
	c.path = dup_or_null(o->path, &fail);
	c.name = dup_or_null(o->name, &fail);
	c.argv = dup_or_null(o->argv, &fail);
	if (fail) {
		free(c.path);
		free(c.name);
		free(c.argv);
		return -ENOMEM;
	}
	c.count = o->count ? o->count : 1;
	r->slot[h] = r->n;
	r->v[r->n++] = c;
	return 0;
}

/* Adds o; *index set to its entry. Called with the lock held. */
static int add_locked(struct learn_rec *r, const struct observed *o, size_t *index)
{
	size_t h;
	int ret = 0;

	for (h = hash(o) & (r->hcap - 1); r->slot[h] >= 0; h = (h + 1) & (r->hcap - 1))
		if (same(&r->v[r->slot[h]], o))
			break;
	if (r->slot[h] >= 0)
		r->v[r->slot[h]].count += o->count ? o->count : 1;
	else if (r->n >= r->max)
		r->dropped += o->count ? o->count : 1, ret = -E2BIG;
	else
		ret = append(r, o, h);
	*index = ret ? 0 : (size_t)r->slot[h];
	return ret;
}

int learn_rec_add(struct learn_rec *r, const struct observed *o)
{
	size_t index;
	int ret;

	pthread_mutex_lock(&r->lock);
	ret = add_locked(r, o, &index);
	pthread_mutex_unlock(&r->lock);
	return ret;
}

int learn_rec_add_keyed(struct learn_rec *r, const struct observed *o, const void *key, size_t len)
{
	struct keyed *k;
	size_t index;
	int ret;

	if (len > KEY_MAX)
		return -EINVAL;
	pthread_mutex_lock(&r->lock);
	ret = add_locked(r, o, &index);
	k = ret ? NULL : realloc(r->keys, (r->nkeys + 1) * sizeof(*k));
	if (k) {
		r->keys = k;
		k = &k[r->nkeys++];
		memset(k->key, 0, KEY_MAX);
		memcpy(k->key, key, len);
		k->len = len;
		k->index = index;
		r->sorted = false;
	} else if (!ret) {
		ret = -ENOMEM;
	}
	pthread_mutex_unlock(&r->lock);
	return ret;
}

static int by_key(const void *x, const void *y)
{
	const struct keyed *a = x, *b = y;

	return a->len != b->len ? (a->len < b->len ? -1 : 1) : memcmp(a->key, b->key, a->len);
}

int learn_rec_count(struct learn_rec *r, const void *key, size_t len, unsigned long uses)
{
	struct keyed want = { .len = len }, *k;

	if (len > KEY_MAX)
		return -EINVAL;
	memcpy(want.key, key, len);
	pthread_mutex_lock(&r->lock);
	if (r->nkeys && !r->sorted)
		qsort(r->keys, r->nkeys, sizeof(*r->keys), by_key);
	r->sorted = true;
	k = r->nkeys ? bsearch(&want, r->keys, r->nkeys, sizeof(*r->keys), by_key) : NULL;
	/* the event said one use; the kernel counted all of them, that one too */
	if (k && uses > 1)
		r->v[k->index].count += uses - 1;
	pthread_mutex_unlock(&r->lock);
	return k ? 0 : -ENOENT;
}

const struct observed *learn_rec_list(struct learn_rec *r, size_t *n)
{
	pthread_mutex_lock(&r->lock);
	*n = r->n;
	pthread_mutex_unlock(&r->lock);
	return r->v;
}

unsigned long learn_rec_dropped(struct learn_rec *r)
{
	unsigned long d;

	pthread_mutex_lock(&r->lock);
	d = r->dropped;
	pthread_mutex_unlock(&r->lock);
	return d;
}

void learn_rec_free(struct learn_rec *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].path);
		free(r->v[i].name);
		free(r->v[i].argv);
	}
	pthread_mutex_destroy(&r->lock);
	free(r->keys);
	free(r->v);
	free(r->slot);
	free(r);
}
