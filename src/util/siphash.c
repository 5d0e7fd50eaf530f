// SPDX-License-Identifier: GPL-2.0-only
/*
 * SipHash-2-4, incremental: words are little-endian 8-byte blocks, the
 * last block holds the remaining bytes and the length's low byte in its
 * top byte (the reference implementation's layout). The rounds are
 * sevorix/siphash_core.h's, which the kernel's side uses too.
 */
#include <string.h>

#include "util/siphash.h"

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

void siphash_init(struct siphash *s, const uint64_t key[2])
{
	sx_sip_init(&s->v, key[0], key[1]);
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
			sx_sip_block(&s->v, le64(s->buf));
	}
}

uint64_t siphash_final(struct siphash *s)
{
	size_t have = s->len & 7;

	memset(s->buf + have, 0, 8 - have);
	return sx_sip_final(&s->v, le64(s->buf) | s->len << 56);
}
