// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading DNS messages: the header, the question, the records, and names
 * with their compression pointers (wire.h says which bounds hold and why).
 * Nothing here allocates or keeps state between calls, so a message can
 * be read by several iterators at once; the fuzz target
 * (tests/dns/fuzz/msg_fuzz.c) calls every function of this file.
 */
#include <errno.h>
#include <string.h>

#include "dns/wire.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

int dns_parse_header(const uint8_t *buf, size_t len, struct dns_header *h)
{
	if (len < DNS_HEADER_LEN)
		return -EBADMSG;
	*h = (struct dns_header){ get16(buf), get16(buf + 2), get16(buf + 4),
				  get16(buf + 6), get16(buf + 8), get16(buf + 10) };
	return 0;
}

/*
 * A pointer must lead to a label sequence that starts before the sequence
 * it appears in: every byte from that start up to the pointer has been
 * read already, so a pointer anywhere at or after it would loop. This
 * makes the offsets strictly decrease from jump to jump; the hop limit
 * only bounds the work for a name made of many short pieces.
 */
int dns_name_read(const uint8_t *buf, size_t len, size_t off, struct dns_name *n, size_t *end)
{
	size_t pos = off, seq = off, out = 0;
	unsigned int hops = 0;
	bool jumped = false;

	for (;;) {
		uint8_t c;

		if (pos >= len)
			return -EBADMSG;
		c = buf[pos];
		if ((c & 0xc0) == 0xc0) {
			size_t to;

			if (pos + 1 >= len)
				return -EBADMSG;
			to = (size_t)(c & 0x3f) << 8 | buf[pos + 1];
			if (to >= seq || ++hops > DNS_PTR_HOPS_MAX)
				return -EBADMSG;
			if (!jumped)
				*end = pos + 2;
			jumped = true;
			pos = seq = to;
			continue;
		}
		if (c & 0xc0) /* 0x40 and 0x80: label types nobody may send (RFC 6891) */
			return -EBADMSG;
		if (out + 1 + c > DNS_NAME_MAX || pos + 1 + c > len)
			return -EBADMSG;
		memcpy(n->wire + out, buf + pos, 1 + c);
		out += 1 + c;
		pos += 1 + c;
		if (c == 0)
			break;
	}
	if (!jumped)
		*end = pos;
	n->len = (uint16_t)out;
	return 0;
}

bool dns_name_eq(const struct dns_name *a, const struct dns_name *b)
{
	if (a->len != b->len)
		return false;
	/* length bytes are below 64, so lowering them changes nothing */
	for (size_t i = 0; i < a->len; i++)
		if (lower(a->wire[i]) != lower(b->wire[i]))
			return false;
	return true;
}

static bool plain(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* One byte of a label in presentation form; returns the characters written. */
static size_t escape(uint8_t c, char esc[4])
{
	if (plain(c)) {
		esc[0] = (char)c;
		return 1;
	}
	esc[0] = '\\';
	if (c == '.' || c == '\\') {
		esc[1] = (char)c;
		return 2;
	}
	esc[1] = (char)('0' + c / 100);
	esc[2] = (char)('0' + c / 10 % 10);
	esc[3] = (char)('0' + c % 10);
	return 4;
}

int dns_name_text(const struct dns_name *n, char *out, size_t cap)
{
	size_t o = 0;
	char esc[4];

	for (size_t i = 0; i < n->len && n->wire[i];) {
		uint8_t l = n->wire[i++];

		if (o) {
			if (o < cap)
				out[o] = '.';
			o++;
		}
		for (size_t j = 0; j < l && i < n->len; j++, i++) {
			size_t k = escape(lower(n->wire[i]), esc);

			for (size_t x = 0; x < k; x++, o++)
				if (o < cap)
					out[o] = esc[x];
		}
	}
	if (o >= cap)
		return -ENOSPC;
	out[o] = 0;
	return (int)o;
}

int dns_name_from_text(const char *text, struct dns_name *n)
{
	size_t len = strlen(text), out = 0, start = 0;

	if (len && text[len - 1] == '.')
		len--;
	while (start < len) {
		const char *dot = memchr(text + start, '.', len - start);
		size_t l = (dot ? (size_t)(dot - text) : len) - start;

		if (!l || l > DNS_LABEL_MAX || out + 1 + l + 1 > DNS_NAME_MAX)
			return -EINVAL;
		n->wire[out++] = (uint8_t)l;
		memcpy(n->wire + out, text + start, l);
		out += l;
		start += l + 1;
	}
	n->wire[out++] = 0;
	n->len = (uint16_t)out;
	return 0;
}

/* Reads the record at *off and moves *off past it. */
static int rr_read(const uint8_t *buf, size_t len, size_t *off, struct dns_rr *rr)
{
	size_t pos;
	int r = dns_name_read(buf, len, *off, &rr->name, &pos);

	if (r)
		return r;
	if (len - pos < 10)
		return -EBADMSG;
	rr->type = get16(buf + pos);
	rr->rclass = get16(buf + pos + 2);
	rr->ttl = get32(buf + pos + 4);
	if (rr->ttl & 0x80000000u)
		rr->ttl = 0;
	rr->rdlen = get16(buf + pos + 8);
	rr->rdoff = pos + 10;
	if (len - rr->rdoff < rr->rdlen)
		return -EBADMSG;
	if (rr->rclass == DNS_CLASS_IN && ((rr->type == DNS_TYPE_A && rr->rdlen != 4) ||
					   (rr->type == DNS_TYPE_AAAA && rr->rdlen != 16)))
		return -EBADMSG;
	*off = rr->rdoff + rr->rdlen;
	return 0;
}

int dns_rr_next(const struct dns_msg *m, struct dns_iter *it, struct dns_rr *rr)
{
	const struct dns_header *h = &m->h;
	int r;

	if (it->i >= m->nrr)
		return 0;
	if (!it->off)
		it->off = m->rr_off;
	r = rr_read(m->buf, m->len, &it->off, rr);
	if (r)
		return r;
	rr->section = it->i < h->ancount		 ? DNS_SEC_ANSWER
		      : it->i < h->ancount + h->nscount ? DNS_SEC_AUTHORITY
							 : DNS_SEC_ADDITIONAL;
	it->i++;
	return 1;
}

int dns_rr_name(const struct dns_msg *m, const struct dns_rr *rr, struct dns_name *n)
{
	size_t end;
	/* the name may point back into the message, but must end with the data */
	int r = dns_name_read(m->buf, rr->rdoff + rr->rdlen, rr->rdoff, n, &end);

	if (r)
		return r;
	return end == rr->rdoff + rr->rdlen ? 0 : -EBADMSG;
}

/* Every CNAME's data must be a name: a chain is followed through them later. */
static int check_rr(const struct dns_msg *m, const struct dns_rr *rr)
{
	struct dns_name n;

	if (rr->type == DNS_TYPE_CNAME && rr->rclass == DNS_CLASS_IN)
		return dns_rr_name(m, rr, &n);
	return 0;
}

int dns_parse(const uint8_t *buf, size_t len, struct dns_msg *m)
{
	struct dns_iter it = { 0 };
	struct dns_rr rr;
	size_t pos;
	int r;

	memset(m, 0, sizeof(*m));
	if (len > DNS_MSG_MAX || dns_parse_header(buf, len, &m->h))
		return -EBADMSG;
	if (m->h.qdcount != 1)
		return -EBADMSG;
	m->buf = buf;
	m->len = len;
	m->nrr = (unsigned int)m->h.ancount + m->h.nscount + m->h.arcount;
	if (m->nrr > DNS_RR_MAX)
		return -E2BIG;
	r = dns_name_read(buf, len, DNS_HEADER_LEN, &m->qname, &pos);
	if (r)
		return r;
	if (len - pos < 4)
		return -EBADMSG;
	m->qtype = get16(buf + pos);
	m->qclass = get16(buf + pos + 2);
	m->rr_off = pos + 4;
	while ((r = dns_rr_next(m, &it, &rr)) == 1)
		if ((r = check_rr(m, &rr)))
			return r;
	if (r)
		return r;
	/* nothing may follow the last record: a message is one thing */
	return (m->nrr ? it.off : m->rr_off) == len ? 0 : -EBADMSG;
}

const char *dns_rcode_name(unsigned int rcode)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL",
					     "NXDOMAIN", "NOTIMP", "REFUSED" };

	return rcode < sizeof(names) / sizeof(names[0]) ? names[rcode] : "OTHER";
}
