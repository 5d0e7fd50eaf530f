// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the DNS message reader (src/dns/wire.c, answer.c):
 * every input is parsed as a message; one that parses is walked record by
 * record (names printed, CNAME data read), its address chain followed, and
 * a local reply written to it, into buffers of exactly the size needed so
 * that ASan sees any byte written or read beyond them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/wire.h"

#define DNS_ADDRS_FUZZ 8	/* small, so that -E2BIG is reached too */

static void walk(const struct dns_msg *m)
{
	char text[DNS_NAME_TEXT_MAX];
	struct dns_iter it = { 0 };
	struct dns_name n;
	struct dns_rr rr;

	dns_name_text(&m->qname, text, sizeof(text));
	while (dns_rr_next(m, &it, &rr) == 1) {
		dns_name_text(&rr.name, text, sizeof(text));
		if (rr.type == DNS_TYPE_CNAME || rr.type == DNS_TYPE_NS || rr.type == DNS_TYPE_PTR)
			dns_rr_name(m, &rr, &n);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes: a read past the message is caught */
	uint8_t *buf = malloc(size ? size : 1), *out;
	struct dns_addr addrs[DNS_ADDRS_FUZZ];
	struct dns_header h;
	struct dns_msg m;
	int n;

	memcpy(buf, data, size);
	if (dns_parse(buf, size, &m) == 0) {
		walk(&m);
		dns_answer_addrs(&m, addrs, DNS_ADDRS_FUZZ);
		out = malloc(DNS_HEADER_LEN + m.qname.len + 4);
		n = dns_write_reply(&m, DNS_RCODE_NXDOMAIN, out, DNS_HEADER_LEN + m.qname.len + 4);
		if (n < 0 || dns_parse(out, (size_t)n, &m))
			abort(); /* a reply we wrote must read back */
		free(out);
	} else if (dns_parse_header(buf, size, &h) == 0) {
		uint8_t bare[DNS_HEADER_LEN];

		dns_write_bare_reply(&h, DNS_RCODE_FORMERR, bare, sizeof(bare));
	}
	free(buf);
	return 0;
}
