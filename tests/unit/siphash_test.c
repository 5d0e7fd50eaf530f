// SPDX-License-Identifier: GPL-2.0-only
/*
 * SipHash-2-4 against the reference vectors of its paper (key 00..0f,
 * messages 00..(n-1)), whole and fed in pieces: the hold's argv hash must
 * equal the kernel's, which shares these rounds (sevorix/siphash_core.h).
 */
#include <stdint.h>

#include "../lib/tap.h"
#include "util/siphash.h"

static uint64_t hash(const uint64_t key[2], const uint8_t *m, size_t n, size_t piece)
{
	struct siphash s;

	siphash_init(&s, key);
	for (size_t i = 0; i < n; i += piece)
		siphash_update(&s, m + i, n - i < piece ? n - i : piece);
	return siphash_final(&s);
}

int main(void)
{
	/* SipHash-2-4 outputs for messages of 0, 1, 7, 8 and 15 bytes (the paper's appendix) */
	static const struct { size_t n; uint64_t h; } want[] = {
		{ 0, 0x726fdb47dd0e0e31ULL },  { 1, 0x74f839c593dc67fdULL },
		{ 7, 0xab0200f58b01d137ULL },  { 8, 0x93f5f5799a932462ULL },
		{ 15, 0xa129ca6149be45e5ULL },
	};
	const uint64_t key[2] = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
	uint8_t m[16];

	for (int i = 0; i < 16; i++)
		m[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		is_int((long long)(hash(key, m, want[i].n, 16) == want[i].h), 1,
		       "%zu bytes, whole: the reference value", want[i].n);
		is_int((long long)(hash(key, m, want[i].n, 3) == want[i].h), 1,
		       "%zu bytes, fed 3 at a time: the same", want[i].n);
	}
	return done_testing();
}
