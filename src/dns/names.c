// SPDX-License-Identifier: GPL-2.0-only
/*
 * The table of learnt names (names.h). Open addressing over
 * DNS_NAMES_MAX slots; every entry of one address lies within NAMES_PROBE
 * slots of the address's hash, whatever its rule, so one probe finds all
 * of them. A table of a few thousand entries costs about a megabyte and
 * a lookup a hash and at most NAMES_PROBE compares.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns/names.h"

#define NAMES_PROBE 16

struct entry {
	uint8_t family; /* 0: a free slot */
	uint8_t addr[16];
	int rule;
	unsigned long long expires_ns;
	char name[DNS_HOST_MAX + 1];
};

struct dns_names {
	pthread_mutex_t lock;
	struct entry e[DNS_NAMES_MAX];
};

int dns_names_new(struct dns_names **ret)
{
	struct dns_names *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	pthread_mutex_init(&t->lock, NULL);
	*ret = t;
	return 0;
}

void dns_names_free(struct dns_names *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* FNV-1a of the family and the address bytes. */
static size_t slot_of(int family, const uint8_t *addr)
{
	uint32_t h = 0x811c9dc5u ^ (uint8_t)family;
	size_t n = family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < n; i++)
		h = (h ^ addr[i]) * 0x01000193u;
	return h % DNS_NAMES_MAX;
}

static bool same_addr(const struct entry *e, int family, const uint8_t *addr)
{
	return e->family == family && !memcmp(e->addr, addr, family == AF_INET ? 4 : 16);
}

/* The slot for (l->addr, l->rule): its own, else a free one, else the one that expires first. */
static struct entry *slot_for(struct dns_names *t, const struct dns_learnt *l)
{
	size_t at = slot_of(l->family, l->addr), pick = at;
	struct entry *free_slot = NULL;

	for (size_t i = 0; i < NAMES_PROBE; i++) {
		struct entry *x = &t->e[(at + i) % DNS_NAMES_MAX];

		if (same_addr(x, l->family, l->addr) && x->rule == l->rule)
			return x;
		if (!x->family && !free_slot)
			free_slot = x;
		if (x->expires_ns < t->e[pick].expires_ns)
			pick = (at + i) % DNS_NAMES_MAX;
	}
	return free_slot ?: &t->e[pick];
}

void dns_names_add(struct dns_names *t, const struct dns_learnt *l)
{
	struct entry *e;

	pthread_mutex_lock(&t->lock);
	e = slot_for(t, l);
	memset(e, 0, sizeof(*e));
	e->family = (uint8_t)l->family;
	memcpy(e->addr, l->addr, l->family == AF_INET ? 4 : 16);
	e->rule = l->rule;
	e->expires_ns = l->expires_ns;
	snprintf(e->name, sizeof(e->name), "%s", l->name);
	pthread_mutex_unlock(&t->lock);
}

/* Of two entries of one address: a's rule asked for, else the live one that lasts longer. */
static bool better(const struct entry *a, const struct entry *b, int rule, unsigned long long now)
{
	if (!b)
		return true;
	if (rule >= 0 && (a->rule == rule) != (b->rule == rule))
		return a->rule == rule;
	if ((a->expires_ns > now) != (b->expires_ns > now))
		return a->expires_ns > now;
	return a->expires_ns > b->expires_ns;
}

bool dns_names_find(struct dns_names *t, int family, const void *addr, int rule,
		    unsigned long long now_ns, struct dns_name_hit *hit)
{
	size_t at = slot_of(family, addr);
	const struct entry *best = NULL;

	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < NAMES_PROBE; i++) {
		const struct entry *x = &t->e[(at + i) % DNS_NAMES_MAX];

		if (same_addr(x, family, addr) && better(x, best, rule, now_ns))
			best = x;
	}
	if (best) {
		snprintf(hit->name, sizeof(hit->name), "%s", best->name);
		hit->rule = best->rule;
		hit->live = best->expires_ns > now_ns;
	}
	pthread_mutex_unlock(&t->lock);
	return best != NULL;
}

size_t dns_names_rules(struct dns_names *t, int family, const void *addr, unsigned long long now_ns,
		       int *rules, size_t max)
{
	size_t at = slot_of(family, addr), n = 0;

	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < NAMES_PROBE && n < max; i++) {
		const struct entry *x = &t->e[(at + i) % DNS_NAMES_MAX];

		if (same_addr(x, family, addr) && x->expires_ns > now_ns)
			rules[n++] = x->rule;
	}
	pthread_mutex_unlock(&t->lock);
	return n;
}
