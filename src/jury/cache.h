/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The verdict cache: normalized request (review_key()) -> answer, LRU with
 * a time to live. Thread-safe. Every answer a review reaches is cached, the
 * local jurors' and the cloud judge's alike (the judge is kept with it); an
 * answer taken from the cache is marked cached and keeps its original
 * votes.
 */
#ifndef SEVORIX_JURY_CACHE_H
#define SEVORIX_JURY_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "jury/jury.h"

struct jury_cache;

/* Returns 0 or -ENOMEM; capacity 0 gives a cache that never holds anything. */
int jury_cache_new(size_t capacity, int ttl_ms, struct jury_cache **ret);
void jury_cache_free(struct jury_cache *c);
/* On a fresh hit copies verdict, reason, consensus, votes and judge into ans. */
bool jury_cache_get(struct jury_cache *c, const char *key, size_t keylen, struct jury_answer *ans);
void jury_cache_put(struct jury_cache *c, const char *key, size_t keylen,
		    const struct jury_answer *ans);

#endif
