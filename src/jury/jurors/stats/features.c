/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Feature extraction for the statistical jurors (see features.h). Both
 * families hash into FEAT_DIM buckets with FNV-1a; a collision costs a
 * little accuracy and saves a vocabulary file. Cost is linear in the
 * text: a 200-byte command makes about 700 features in a few µs.
 */
#include <ctype.h>
#include <string.h>

#include "jury/jurors/stats/features.h"

uint32_t features_hash(const char *s, size_t n, uint32_t seed)
{
	uint32_t h = 2166136261u ^ seed;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h & (FEAT_DIM - 1);
}

static bool b64ish(char c)
{
	return isalnum((unsigned char)c) || c == '+' || c == '/' || c == '=';
}

/* Length of a base64/hex-like blob at s (0 when shorter than 24 or no mix). */
static size_t blob_len(const char *s, size_t n)
{
	size_t k = 0, digits = 0, upper = 0;

	while (k < n && b64ish(s[k])) {
		digits += isdigit((unsigned char)s[k]) != 0;
		upper += isupper((unsigned char)s[k]) != 0;
		k++;
	}
	if (k < 24 || (digits == 0 && upper == 0) || memchr(s, '/', k) != NULL)
		return 0;
	return k;
}

size_t features_normalize(const char *in, size_t n, char *out, size_t outlen)
{
	size_t o = 0;

	if (outlen == 0)
		return 0;
	for (size_t i = 0; i < n && o + 4 < outlen;) {
		unsigned char c = (unsigned char)in[i];
		size_t blob = (i == 0 || !b64ish(in[i - 1])) ? blob_len(in + i, n - i) : 0;

		if (blob) {
			memcpy(out + o, "b64", 3);
			o += 3;
			i += blob;
		} else if (isdigit(c)) {
			out[o++] = '0';
			while (i < n && isdigit((unsigned char)in[i]))
				i++;
		} else {
			out[o++] = (char)tolower(c);
			i++;
		}
	}
	out[o] = '\0';
	return o;
}

int features_chars(const char *text, size_t len, uint32_t *out, int max)
{
	char norm[SHLEX_TEXT + 2];
	size_t n;
	int k = 0;

	norm[0] = ' ';
	n = features_normalize(text, len, norm + 1, sizeof(norm) - 2) + 1;
	norm[n++] = ' ';
	for (int g = 3; g <= 5; g++)
		for (size_t i = 0; i + (size_t)g <= n && k < max; i++)
			out[k++] = features_hash(norm + i, (size_t)g, (uint32_t)g);
	for (size_t i = 0; i < n && k < max;) {
		size_t j = i;

		while (j < n && norm[j] != ' ')
			j++;
		if (j > i)
			out[k++] = features_hash(norm + i, j - i, 0x77);
		i = j + 1;
	}
	return k;
}
