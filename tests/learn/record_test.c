// SPDX-License-Identifier: GPL-2.0-only
/*
 * Learn mode's recorder: each distinct observation once, with its count;
 * the counts the kernel kept afterwards added by key; a bounded number
 * kept, the rest counted as dropped; and the same from several threads
 * at once as from one.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../lib/tap.h"
#include "learn/learn.h"

static struct learn_rec *shared;

static void *adder(void *arg)
{
	char path[64];

	for (int i = 0; i < 1000; i++) {
		struct observed o = { .kind = OBS_FILE, .path = path, .access = SX_ACCESS_READ };

		snprintf(path, sizeof(path), "/w/f%d", i % 100);
		learn_rec_add(shared, &o);
	}
	(void)arg;
	return NULL;
}

static unsigned long count_of(struct learn_rec *r, const char *path, unsigned int access)
{
	size_t n;
	const struct observed *v = learn_rec_list(r, &n);

	for (size_t i = 0; i < n; i++)
		if (v[i].path && !strcmp(v[i].path, path) && v[i].access == access)
			return v[i].count;
	return 0;
}

int main(void)
{
	struct observed a = { .kind = OBS_FILE, .path = "/w/a", .access = SX_ACCESS_READ };
	struct observed b = { .kind = OBS_FILE, .path = "/w/a", .access = SX_ACCESS_WRITE };
	struct observed c = { .kind = OBS_NET, .family = 2, .port = 443, .addr = { 10, 0, 0, 1 } };
	struct learn_rec *r;
	unsigned long key = 42, other = 7;
	pthread_t t[4];
	size_t n;

	learn_rec_new(3, &r);
	learn_rec_add(r, &a);
	learn_rec_add(r, &a);
	learn_rec_add(r, &b);
	is_int(count_of(r, "/w/a", SX_ACCESS_READ), 2, "the same observation twice: once, count 2");
	is_int(count_of(r, "/w/a", SX_ACCESS_WRITE), 1, "another access of the same path: its own");
	is_int(learn_rec_add_keyed(r, &c, &key, sizeof(key)), 0, "a keyed observation is kept");
	is_int(learn_rec_count(r, &key, sizeof(key), 10), 0, "its key's count is taken");
	learn_rec_list(r, &n);
	ok(n == 3 && learn_rec_list(r, &n)[2].count == 10, "the kernel's 10 uses, the first included");
	is_int(learn_rec_count(r, &other, sizeof(other), 5), -ENOENT, "an unknown key: -ENOENT");
	is_int(learn_rec_add(r, &(struct observed){ .kind = OBS_UNIX, .path = "/run/x" }), -E2BIG,
	       "beyond the bound: -E2BIG");
	is_int(learn_rec_dropped(r), 1, "and counted as dropped");
	learn_rec_free(r);

	learn_rec_new(1000, &shared);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, adder, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	learn_rec_list(shared, &n);
	is_int(n, 100, "4 threads x 1000 adds of 100 paths: 100 observations");
	is_int(count_of(shared, "/w/f7", SX_ACCESS_READ), 40, "each counted 40 times");
	learn_rec_free(shared);
	return done_testing();
}
