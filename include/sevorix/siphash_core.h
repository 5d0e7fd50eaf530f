/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rounds of SipHash-2-4, written once for both sides of the exec
 * checks: the hold (src/util/siphash.c) binds an approval to the hash of
 * the argv it checked, and the kernel (bpf/exec.bpf.c) hashes the new
 * image's argument area with the same key. The two must agree bit for
 * bit; only how each reads its bytes differs.
 */
#ifndef SEVORIX_SIPHASH_CORE_H
#define SEVORIX_SIPHASH_CORE_H

#ifndef __VMLINUX_H__ /* user space; BPF programs include vmlinux.h first */
#include <linux/types.h>
#endif

struct sx_sip {
	__u64 v0, v1, v2, v3;
};

#define SX_SIP_ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SX_SIP_INLINE static inline __attribute__((always_inline))

/* k0, k1: the 128-bit key as two little-endian words. */
SX_SIP_INLINE void sx_sip_init(struct sx_sip *s, __u64 k0, __u64 k1)
{
	s->v0 = 0x736f6d6570736575ULL ^ k0;
	s->v1 = 0x646f72616e646f6dULL ^ k1;
	s->v2 = 0x6c7967656e657261ULL ^ k0;
	s->v3 = 0x7465646279746573ULL ^ k1;
}

SX_SIP_INLINE void sx_sip_round(struct sx_sip *s)
{
	s->v0 += s->v1;
	s->v1 = SX_SIP_ROTL(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = SX_SIP_ROTL(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = SX_SIP_ROTL(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = SX_SIP_ROTL(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = SX_SIP_ROTL(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = SX_SIP_ROTL(s->v2, 32);
}

/* One little-endian 8-byte word of the message: two rounds. */
SX_SIP_INLINE void sx_sip_block(struct sx_sip *s, __u64 m)
{
	s->v3 ^= m;
	sx_sip_round(s);
	sx_sip_round(s);
	s->v0 ^= m;
}

/* last: the remaining bytes, with the length's low byte in its top byte. */
SX_SIP_INLINE __u64 sx_sip_final(struct sx_sip *s, __u64 last)
{
	sx_sip_block(s, last);
	s->v2 ^= 0xff;
	sx_sip_round(s);
	sx_sip_round(s);
	sx_sip_round(s);
	sx_sip_round(s);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

#endif
