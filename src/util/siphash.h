/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SipHash-2-4 (Aumasson, Bernstein): a keyed 64-bit hash that an attacker
 * who does not know the key cannot make collide. The kernel side of the
 * exec checks computes the same over the new image's argument area
 * (bpf/exec.bpf.c); both take their rounds from sevorix/siphash_core.h.
 */
#ifndef SEVORIX_UTIL_SIPHASH_H
#define SEVORIX_UTIL_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#include "sevorix/siphash_core.h"

struct siphash {
	struct sx_sip v;	/* the rounds' state (sevorix/siphash_core.h) */
	uint64_t len;		/* bytes fed so far */
	uint8_t buf[8];		/* the last word, not yet full */
};

void siphash_init(struct siphash *s, const uint64_t key[2]);
void siphash_update(struct siphash *s, const void *data, size_t len);
uint64_t siphash_final(struct siphash *s);

#endif
