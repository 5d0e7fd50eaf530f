// SPDX-License-Identifier: GPL-2.0-only
/*
 * SipHash-2-4, incremental: words are little-endian 8-byte blocks, the
 * last block holds the remaining bytes and the length's low byte in its
 * top byte (the reference implementation's layout).
 */
#include <string.h>

#include "util/siphash.h"

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

static void sipround(struct siphash *s)
{
	s->v0 += s->v1;
	s->v1 = ROTL(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = ROTL(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = ROTL(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = ROTL(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = ROTL(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = ROTL(s->v2, 32);
}

static void block(struct siphash *s, uint64_t m)
{
	s->v3 ^= m;
	sipround(s);
	sipround(s);
	s->v0 ^= m;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

void siphash_init(struct siphash *s, const uint64_t key[2])
{
	s->v0 = 0x736f6d6570736575ULL ^ key[0];
	s->v1 = 0x646f72616e646f6dULL ^ key[1];
	s->v2 = 0x6c7967656e657261ULL ^ key[0];
	s->v3 = 0x7465646279746573ULL ^ key[1];
	s->len = 0;
}

void siphash_update(struct siphash *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 0) {
		size_t have = s->len & 7, take = 8 - have < len ? 8 - have : len;

		memcpy(s->buf + have, p, take);
		s->len += take;
		p += take;
		len -= take;
		if ((s->len & 7) == 0)
			block(s, le64(s->buf));
	}
}

uint64_t siphash_final(struct siphash *s)
{
	size_t have = s->len & 7;
	uint64_t b;

	memset(s->buf + have, 0, 8 - have);
	b = le64(s->buf) | s->len << 56;
	block(s, b);
	s->v2 ^= 0xff;
	for (int i = 0; i < 4; i++)
		sipround(s);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}
