// SPDX-License-Identifier: GPL-2.0-only
/*
 * The classes of argv strings that a set of argv patterns tells apart
 * (learn/diff_internal.h). A pattern ('*' any run of bytes, '?' one byte,
 * anything else itself, as policy_glob() matches) is a small NFA whose
 * states are its positions; a string leads every pattern to a set of
 * positions, and the tuple of those sets is a state of the product. A
 * breadth-first walk over the product from the empty string reaches every
 * combination of matches that some string has, the first time by a
 * shortest string, which becomes the class's example.
 *
 * The alphabet is finite without loss: every byte that no pattern writes
 * literally behaves like every other such byte, so the bytes the patterns
 * write plus one other stand for all 255 (NUL cannot occur in an argv).
 * The walk is exponential in the worst case (it is a subset construction),
 * so it stops at a bound; the caller says which rules that leaves open.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "learn/diff_internal.h"

#define WORDS 2 /* positions 0..127: a pattern is shorter than SX_GLOB_MAX (128) */

struct walk {
	const char *const *pats;
	size_t n, stride;	/* patterns; uint64_t words per product state */
	size_t *lens;
	uint8_t sym[256];
	size_t nsym;
	uint64_t *st;		/* nst states of stride words */
	int32_t *parent;
	uint8_t *via;
	size_t nst, max;
	int32_t *slot;		/* open addressing over st, hcap slots */
	size_t hcap;
};

static void closure(const char *pat, size_t len, uint64_t *s)
{
	for (size_t i = 0; i < len; i++)
		if (pat[i] == '*' && (s[i / 64] >> (i % 64) & 1))
			s[(i + 1) / 64] |= 1ULL << ((i + 1) % 64);
}

static void step(const char *pat, size_t len, const uint64_t *in, uint8_t c, uint64_t *out)
{
	memset(out, 0, WORDS * sizeof(*out));
	for (size_t i = 0; i < len; i++) {
		if (!(in[i / 64] >> (i % 64) & 1))
			continue;
		if (pat[i] == '*')
			out[i / 64] |= 1ULL << (i % 64);
		else if (pat[i] == '?' || (uint8_t)pat[i] == c)
			out[(i + 1) / 64] |= 1ULL << ((i + 1) % 64);
	}
	closure(pat, len, out);
}

static uint64_t hash_state(const uint64_t *s, size_t words)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < words; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

/* Index of state s, adding it when new; -1 when the bound is reached, -2 on ENOMEM. */
static long intern(struct walk *w, const uint64_t *s, int32_t parent, uint8_t via)
{
	size_t h = hash_state(s, w->stride) & (w->hcap - 1);

	for (; w->slot[h] >= 0; h = (h + 1) & (w->hcap - 1))
		if (!memcmp(&w->st[(size_t)w->slot[h] * w->stride], s, w->stride * 8))
			return w->slot[h];
	if (w->nst >= w->max)
		return -1;
	memcpy(&w->st[w->nst * w->stride], s, w->stride * 8);
	w->parent[w->nst] = parent;
	w->via[w->nst] = via;
	w->slot[h] = w->nst;
	return w->nst++;
}

static void alphabet(struct walk *w)
{
	static const char other[] = "xyzqjkwvXYZQ0123456789";
	bool lit[256] = { false };

	for (size_t i = 0; i < w->n; i++)
		for (const char *c = w->pats[i]; *c; c++)
			if (*c != '*' && *c != '?')
				lit[(uint8_t)*c] = true;
	for (int c = 1; c < 256; c++)
		if (lit[c])
			w->sym[w->nsym++] = c;
	for (const char *c = other; *c; c++) {
		if (!lit[(uint8_t)*c]) {
			w->sym[w->nsym++] = *c;
			return;
		}
	}
	for (int c = 1; c < 256; c++) {
		if (!lit[c]) {
			w->sym[w->nsym++] = c;
			return;
		}
	}
}

static char *example(const struct walk *w, size_t i)
{
	size_t len = 0;
	char *s;

	for (int32_t j = i; w->parent[j] >= 0; j = w->parent[j])
		len++;
	s = malloc(len + 1);
	if (!s)
		return NULL;
	s[len] = 0;
	for (int32_t j = i; w->parent[j] >= 0; j = w->parent[j])
		s[--len] = w->via[j];
	return s;
}

/* Records the class of state i unless one with its matches exists. */
static int add_class(struct walk *w, size_t i, struct glob_class **cls, size_t *ncls)
{
	struct glob_class c = { .match = { 0 } }, *v;

	for (size_t p = 0; p < w->n; p++) {
		const uint64_t *s = &w->st[i * w->stride + p * WORDS];

		if (s[w->lens[p] / 64] >> (w->lens[p] % 64) & 1)
			c.match[p / 64] |= 1ULL << (p % 64);
	}
	for (size_t k = 0; k < *ncls; k++)
		if (!memcmp((*cls)[k].match, c.match, sizeof(c.match)))
			return 0;
	c.example = example(w, i);
	v = realloc(*cls, (*ncls + 1) * sizeof(*v));
	if (!c.example || !v) {
		free(c.example);
		if (v)
			*cls = v;
		return -ENOMEM;
	}
	*cls = v;
	v[(*ncls)++] = c;
	return 0;
}

static int walk_alloc(struct walk *w, size_t max_states)
{
	w->stride = w->n ? w->n * WORDS : 1;
	w->max = max_states;
	for (w->hcap = 1024; w->hcap < 2 * w->max; w->hcap *= 2)
		;
	w->lens = calloc(w->n + 1, sizeof(*w->lens));
	w->st = calloc(w->max, w->stride * 8);
	w->parent = calloc(w->max, sizeof(*w->parent));
	w->via = calloc(w->max, 1);
	w->slot = malloc(w->hcap * sizeof(*w->slot));
	if (!w->lens || !w->st || !w->parent || !w->via || !w->slot)
		return -ENOMEM;
	memset(w->slot, 0xff, w->hcap * sizeof(*w->slot));
	for (size_t i = 0; i < w->n; i++)
		w->lens[i] = strlen(w->pats[i]);
	return 0;
}

static void walk_free(struct walk *w)
{
	free(w->lens);
	free(w->st);
	free(w->parent);
	free(w->via);
	free(w->slot);
}

/* Breadth first: states are numbered in the order they are found. */
static int walk(struct walk *w, struct glob_class **cls, size_t *ncls, bool *complete)
{
	uint64_t *next = calloc(w->stride, 8);
	int r = 0;

	if (!next)
		return -ENOMEM;
	for (size_t p = 0; p < w->n; p++) {
		next[p * WORDS] = 1;
		closure(w->pats[p], w->lens[p], &next[p * WORDS]);
	}
	if (intern(w, next, -1, 0) < 0)
		r = -ENOMEM;
	for (size_t i = 0; i < w->nst && !r; i++) {
		r = add_class(w, i, cls, ncls);
		for (size_t k = 0; k < w->nsym && !r; k++) {
			long j;

			for (size_t p = 0; p < w->n; p++)
				step(w->pats[p], w->lens[p], &w->st[i * w->stride + p * WORDS],
				     w->sym[k], &next[p * WORDS]);
			j = intern(w, next, i, w->sym[k]);
			*complete &= j != -1;
		}
	}
	free(next);
	return r;
}

int glob_classes(const char *const *pats, size_t n, size_t max_states, struct glob_class **ret,
		 size_t *nret, bool *complete)
{
	struct walk w = { .pats = pats, .n = n };
	int r;

	*ret = NULL;
	*nret = 0;
	*complete = true;
	if (n > GLOB_CLASS_MAX)
		return -E2BIG;
	r = walk_alloc(&w, max_states ? max_states : 1);
	if (!r) {
		alphabet(&w);
		r = walk(&w, ret, nret, complete);
	}
	walk_free(&w);
	if (r) {
		glob_classes_free(*ret, *nret);
		*ret = NULL;
		*nret = 0;
	}
	return r;
}

void glob_classes_free(struct glob_class *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].example);
	free(c);
}
