// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DNS message reader and writer (src/dns/wire.h): answers built with
 * the writer and by hand, read back; CNAME chains and their TTLs; every
 * bound (compression loops, forward pointers, hop and length limits,
 * record counts, a cut or padded message) refused, never crossed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../lib/tap.h"
#include "dns/wire.h"

static struct dns_name N(const char *text)
{
	struct dns_name n;

	if (dns_name_from_text(text, &n))
		abort();
	return n;
}

static const uint8_t v4a[4] = { 192, 0, 2, 1 }, v4b[4] = { 192, 0, 2, 2 };
static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

/* question Api.Example.COM A; api -> edge.cdn.test -> 2 A + 1 AAAA, plus noise */
static int build_chain(uint8_t *buf, size_t cap)
{
	struct dns_name q = N("Api.Example.COM"), edge = N("edge.cdn.test");
	struct dns_writer w;

	dns_writer_init(&w, buf, cap);
	dns_write_header(&w, 0x1234, DNS_F_QR | DNS_F_RD | DNS_F_RA);
	dns_write_question(&w, &q, DNS_TYPE_A, DNS_CLASS_IN);
	dns_write_cname(&w, DNS_SEC_ANSWER, &q, 300, &edge);
	dns_write_rr(&w, DNS_SEC_ANSWER, &edge, DNS_TYPE_A, 60, v4a, 4);
	dns_write_rr(&w, DNS_SEC_ANSWER, &edge, DNS_TYPE_A, 600, v4b, 4);
	dns_write_rr(&w, DNS_SEC_ANSWER, &edge, DNS_TYPE_AAAA, 0x80000010u, v6, 16);
	/* not on the chain: never learnt */
	struct dns_name evil = N("evil.test");
	dns_write_rr(&w, DNS_SEC_ANSWER, &evil, DNS_TYPE_A, 60, v4a, 4);
	dns_write_rr(&w, DNS_SEC_ADDITIONAL, &q, DNS_TYPE_A, 60, v4b, 4);
	return dns_writer_end(&w);
}

static void test_chain(void)
{
	uint8_t buf[512];
	struct dns_addr a[8];
	struct dns_msg m;
	char text[DNS_NAME_TEXT_MAX];
	int len = build_chain(buf, sizeof(buf)), n;

	ok(len > 0, "the writer builds an answer with a CNAME chain");
	is_int(dns_parse(buf, (size_t)len, &m), 0, "it parses");
	is_int(m.h.ancount, 5, "five answer records");
	is_int(m.h.arcount, 1, "one additional record");
	/* the CNAME's owner is the question's name: a pointer to offset 12 */
	ok(buf[m.rr_off] == 0xc0 && buf[m.rr_off + 1] == 12, "a repeated name is compressed");
	dns_name_text(&m.qname, text, sizeof(text));
	is_str(text, "api.example.com", "names print in lower case");
	n = dns_answer_addrs(&m, a, 8);
	is_int(n, 3, "three addresses at the end of the chain, none of other owners");
	ok(n == 3 && a[0].family == AF_INET && !memcmp(a[0].addr, v4a, 4), "first A");
	ok(n == 3 && a[2].family == AF_INET6 && !memcmp(a[2].addr, v6, 16), "the AAAA");
	is_int(a[0].ttl, 60, "TTL: the address's own when shorter than the chain's");
	is_int(a[1].ttl, 300, "TTL: the CNAME's when shorter");
	is_int(a[2].ttl, 0, "a TTL with the top bit set reads as 0");
	is_int(dns_answer_addrs(&m, a, 2), -E2BIG, "more addresses than room: -E2BIG");
}

static void test_cut_and_padded(void)
{
	uint8_t buf[600];
	struct dns_msg m;
	int len = build_chain(buf, sizeof(buf)), bad = 0;

	for (int l = 0; l < len; l++)
		bad += dns_parse(buf, (size_t)l, &m) != 0;
	is_int(bad, len, "every prefix of the message is refused");
	buf[len] = 0;
	is_int(dns_parse(buf, (size_t)len + 1, &m), -EBADMSG, "a byte after the last record");
}

/* header + question "a" A IN, with qd/an/ns/ar counts given */
static size_t head(uint8_t *b, int qd, int an, int ar)
{
	const uint8_t h[] = { 0, 1, 0x81, 0x80, 0, (uint8_t)qd, 0, (uint8_t)an, 0, 0, 0,
			      (uint8_t)ar, 1, 'a', 0, 0, 1, 0, 1 };

	memcpy(b, h, sizeof(h));
	return sizeof(h);
}

static size_t rr(uint8_t *b, const uint8_t *name, size_t nlen, uint16_t type, uint32_t ttl,
		 const uint8_t *rd, uint16_t rdlen)
{
	size_t o = nlen;

	memcpy(b, name, nlen);
	b[o++] = (uint8_t)(type >> 8), b[o++] = (uint8_t)type;
	b[o++] = 0, b[o++] = 1;
	b[o++] = (uint8_t)(ttl >> 24), b[o++] = (uint8_t)(ttl >> 16);
	b[o++] = (uint8_t)(ttl >> 8), b[o++] = (uint8_t)ttl;
	b[o++] = (uint8_t)(rdlen >> 8), b[o++] = (uint8_t)rdlen;
	memcpy(b + o, rd, rdlen);
	return o + rdlen;
}

static void test_pointers(void)
{
	static const uint8_t self[] = { 0xc0, 19 }, fwd[] = { 0xc0, 40 }, q[] = { 0xc0, 12 };
	uint8_t b[128];
	struct dns_msg m;
	size_t o;

	o = head(b, 1, 1, 0);
	o += rr(b + o, self, 2, DNS_TYPE_A, 1, v4a, 4);
	is_int(dns_parse(b, o, &m), -EBADMSG, "a pointer to itself is refused");
	o = head(b, 1, 1, 0);
	o += rr(b + o, fwd, 2, DNS_TYPE_A, 1, v4a, 4);
	is_int(dns_parse(b, o, &m), -EBADMSG, "a pointer forward is refused");
	o = head(b, 1, 1, 0);
	o += rr(b + o, q, 2, DNS_TYPE_A, 1, v4a, 4);
	is_int(dns_parse(b, o, &m), 0, "a pointer back to the question is read");
	/* "x" then a pointer into its own label sequence: a loop */
	uint8_t loop[] = { 1, 'x', 0xc0, 19 };
	o = head(b, 1, 1, 0);
	o += rr(b + o, loop, sizeof(loop), DNS_TYPE_A, 1, v4a, 4);
	is_int(dns_parse(b, o, &m), -EBADMSG, "a pointer into its own name is refused");
	uint8_t ext[] = { 0x40, 'x', 0 };
	o = head(b, 1, 1, 0);
	o += rr(b + o, ext, sizeof(ext), DNS_TYPE_A, 1, v4a, 4);
	is_int(dns_parse(b, o, &m), -EBADMSG, "label types 0x40 and 0x80 are refused");
}

/* A chain of pointers, each to the one before it, ending at a root label. */
static void test_hops(void)
{
	uint8_t b[1 + 2 * 200];
	struct dns_name n;
	size_t end;

	b[0] = 0;
	for (int i = 0; i < 200; i++) {
		size_t at = 1 + 2 * (size_t)i, to = i ? at - 2 : 0;

		b[at] = (uint8_t)(0xc0 | to >> 8);
		b[at + 1] = (uint8_t)to;
	}
	is_int(dns_name_read(b, sizeof(b), 1 + 2 * 126, &n, &end), 0, "127 hops are followed");
	is_int(dns_name_read(b, sizeof(b), 1 + 2 * 127, &n, &end), -EBADMSG,
	       "a 128th hop is refused");
}

static void test_lengths(void)
{
	uint8_t b[400];
	struct dns_name n;
	size_t end, o = 0;

	for (int i = 0; i < 127; i++)
		b[o++] = 1, b[o++] = 'a';
	b[o++] = 0;
	is_int(dns_name_read(b, o, 0, &n, &end), 0, "a name of 255 bytes is read");
	b[o - 1] = 1, b[o++] = 'a', b[o++] = 0;
	is_int(dns_name_read(b, o, 0, &n, &end), -EBADMSG, "a name of 257 bytes is refused");
	is_int(dns_name_from_text("a..b", &n), -EINVAL, "text: an empty label");
	is_int(dns_name_from_text("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b",
				  &n),
	       -EINVAL, "text: a label of 64");
	is_int(dns_name_from_text("a.b.", &n), 0, "text: a trailing dot");
	is_int(n.len, 5, "text: a.b. is 5 bytes");
}

static void test_counts(void)
{
	uint8_t b[64];
	struct dns_msg m;
	size_t o;

	o = head(b, 0, 0, 0);
	is_int(dns_parse(b, 12, &m), -EBADMSG, "no question");
	o = head(b, 2, 0, 0);
	is_int(dns_parse(b, o, &m), -EBADMSG, "two questions");
	o = head(b, 1, 0, 0);
	b[6] = 0x04, b[7] = 0x01; /* 1025 answers */
	is_int(dns_parse(b, o, &m), -E2BIG, "more than DNS_RR_MAX records");
	o = head(b, 1, 1, 0);
	static const uint8_t q[] = { 0xc0, 12 };
	o += rr(b + o, q, 2, DNS_TYPE_A, 1, v4a, 3);
	is_int(dns_parse(b, o, &m), -EBADMSG, "an A record of 3 bytes");
	o = head(b, 1, 1, 0);
	o += rr(b + o, q, 2, DNS_TYPE_CNAME, 1, (const uint8_t *)"\x01x\x00\x00", 4);
	is_int(dns_parse(b, o, &m), -EBADMSG, "a CNAME whose name does not fill its data");
}

static int cname_msg(uint8_t *buf, size_t cap, int links, bool loop)
{
	struct dns_writer w;
	char a[16], b[16];

	dns_writer_init(&w, buf, cap);
	dns_write_header(&w, 1, DNS_F_QR);
	struct dns_name q = N("n0");
	dns_write_question(&w, &q, DNS_TYPE_A, DNS_CLASS_IN);
	for (int i = 0; i < links; i++) {
		snprintf(a, sizeof(a), "n%d", i);
		snprintf(b, sizeof(b), "n%d", loop && i == links - 1 ? 0 : i + 1);
		struct dns_name x = N(a), y = N(b);
		dns_write_cname(&w, DNS_SEC_ANSWER, &x, 100, &y);
	}
	snprintf(a, sizeof(a), "n%d", links);
	struct dns_name last = N(a);
	dns_write_rr(&w, DNS_SEC_ANSWER, &last, DNS_TYPE_A, 100, v4a, 4);
	return dns_writer_end(&w);
}

static void test_cname_bounds(void)
{
	uint8_t buf[2048];
	struct dns_addr a[4];
	struct dns_msg m;
	int len;

	len = cname_msg(buf, sizeof(buf), DNS_CNAME_MAX, false);
	ok(len > 0 && !dns_parse(buf, (size_t)len, &m), "a chain of 16 CNAMEs parses");
	is_int(dns_answer_addrs(&m, a, 4), 1, "and is followed to its address");
	len = cname_msg(buf, sizeof(buf), DNS_CNAME_MAX + 1, false);
	ok(len > 0 && !dns_parse(buf, (size_t)len, &m), "a chain of 17 parses");
	is_int(dns_answer_addrs(&m, a, 4), -ELOOP, "but is not followed");
	len = cname_msg(buf, sizeof(buf), 3, true);
	ok(len > 0 && !dns_parse(buf, (size_t)len, &m), "a CNAME loop parses");
	is_int(dns_answer_addrs(&m, a, 4), -ELOOP, "and is refused when followed");

	struct dns_writer w;
	struct dns_name q = N("q"), t1 = N("t1"), t2 = N("t2");
	dns_writer_init(&w, buf, sizeof(buf));
	dns_write_header(&w, 1, DNS_F_QR);
	dns_write_question(&w, &q, DNS_TYPE_A, DNS_CLASS_IN);
	dns_write_cname(&w, DNS_SEC_ANSWER, &q, 1, &t1);
	dns_write_cname(&w, DNS_SEC_ANSWER, &q, 1, &t2);
	len = dns_writer_end(&w);
	ok(len > 0 && !dns_parse(buf, (size_t)len, &m), "two CNAMEs for one name parse");
	is_int(dns_answer_addrs(&m, a, 4), -EBADMSG, "but are refused as an answer");
	dns_writer_init(&w, buf, sizeof(buf));
	dns_write_header(&w, 1, DNS_F_QR);
	dns_write_question(&w, &q, DNS_TYPE_A, DNS_CLASS_IN);
	dns_write_rr(&w, DNS_SEC_ANSWER, &q, DNS_TYPE_A, 1, v4a, 4);
	dns_write_cname(&w, DNS_SEC_ANSWER, &q, 1, &t1);
	len = dns_writer_end(&w);
	ok(len > 0 && !dns_parse(buf, (size_t)len, &m), "a CNAME beside an address parses");
	is_int(dns_answer_addrs(&m, a, 4), -EBADMSG, "but is refused as an answer");
}

static void test_text(void)
{
	uint8_t b[] = { 3, 'a', '.', 'B', 2, '\\', ' ', 1, 0, 3, 'c', 'o', 'm', 0 };
	char out[DNS_NAME_TEXT_MAX];
	struct dns_name n;
	size_t end;

	dns_name_read(b, sizeof(b), 0, &n, &end);
	dns_name_text(&n, out, sizeof(out));
	is_str(out, "a\\.b.\\\\\\032.\\000.com", "dots, backslashes and other bytes are escaped");
	is_int(dns_name_text(&n, out, 5), -ENOSPC, "a short buffer is -ENOSPC");
	n = N(".");
	dns_name_text(&n, out, sizeof(out));
	is_str(out, "", "the root prints as an empty name");
}

static void test_reply(void)
{
	uint8_t q[64], out[64];
	struct dns_writer w;
	struct dns_msg m, r;
	struct dns_name n = N("MiXeD.Example");
	char text[64];
	int len;

	dns_writer_init(&w, q, sizeof(q));
	dns_write_header(&w, 0xbeef, DNS_F_RD);
	dns_write_question(&w, &n, DNS_TYPE_AAAA, DNS_CLASS_IN);
	len = dns_writer_end(&w);
	ok(len > 0 && !dns_parse(q, (size_t)len, &m), "a query parses");
	len = dns_write_reply(&m, DNS_RCODE_NXDOMAIN, out, sizeof(out));
	ok(len > 0 && !dns_parse(out, (size_t)len, &r), "the local reply parses");
	is_int(r.h.id, 0xbeef, "it carries the query's id");
	is_int(r.h.flags, DNS_F_QR | DNS_F_RD | DNS_F_RA | DNS_RCODE_NXDOMAIN,
	       "QR, RD copied, RA, NXDOMAIN");
	ok(!memcmp(out + 12, q + 12, (size_t)len - 12), "the question is echoed byte for byte");
	snprintf(text, sizeof(text), "%s", dns_rcode_name(DNS_F_RCODE(r.h.flags)));
	is_str(text, "NXDOMAIN", "rcode names");
	is_int(dns_write_reply(&m, 0, out, 20), -ENOSPC, "a reply that does not fit: -ENOSPC");
}

int main(void)
{
	test_chain();
	test_cut_and_padded();
	test_pointers();
	test_hops();
	test_lengths();
	test_counts();
	test_cname_bounds();
	test_text();
	test_reply();
	return done_testing();
}
