// SPDX-License-Identifier: GPL-2.0-only
/*
 * What an answer says about its question (the addresses at the end of its
 * CNAME chain, and their TTLs), and writing messages: the replies the
 * resolver makes itself, and the answers the tests build.
 *
 * The chain is followed by walking the answer section once per link, at
 * most DNS_CNAME_MAX + 1 times over at most DNS_RR_MAX records: bounded
 * work for the largest message, and no table that a hostile answer could
 * fill.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "dns/wire.h"

/* One link: the addresses owned by cur, or its CNAME in *next (1). Returns 0, 1 or -errno. */
static int link_of(const struct dns_msg *m, const struct dns_name *cur, uint32_t chain_ttl,
		   struct dns_addr *out, size_t max, size_t *n, struct dns_name *next,
		   uint32_t *next_ttl)
{
	struct dns_iter it = { 0 };
	bool cname = false;
	struct dns_rr rr;
	int r;

	while ((r = dns_rr_next(m, &it, &rr)) == 1) {
		if (rr.section != DNS_SEC_ANSWER)
			break;
		if (rr.rclass != DNS_CLASS_IN || !dns_name_eq(&rr.name, cur))
			continue;
		if (rr.type == DNS_TYPE_CNAME) {
			if (cname)
				return -EBADMSG; /* two CNAMEs for one name */
			cname = true;
			*next_ttl = rr.ttl;
			r = dns_rr_name(m, &rr, next);
			if (r)
				return r;
		} else if (rr.type == DNS_TYPE_A || rr.type == DNS_TYPE_AAAA) {
			struct dns_addr *a;

			if (*n >= max)
				return -E2BIG;
			a = &out[*n];
			memset(a, 0, sizeof(*a));
			a->family = rr.type == DNS_TYPE_A ? AF_INET : AF_INET6;
			memcpy(a->addr, m->buf + rr.rdoff, rr.rdlen);
			a->ttl = rr.ttl < chain_ttl ? rr.ttl : chain_ttl;
			(*n)++;
		}
	}
	if (r < 0)
		return r;
	return cname;
}

int dns_answer_addrs(const struct dns_msg *m, struct dns_addr *out, size_t max)
{
	struct dns_name cur = m->qname, next;
	uint32_t chain_ttl = UINT32_MAX, ttl = 0;
	size_t n = 0;

	for (int step = 0; step <= DNS_CNAME_MAX; step++) {
		size_t before = n;
		int r = link_of(m, &cur, chain_ttl, out, max, &n, &next, &ttl);

		if (r <= 0)
			return r < 0 ? r : (int)n;
		if (n != before)
			return -EBADMSG; /* a CNAME and other data for one name (RFC 1034 3.6.2) */
		chain_ttl = ttl < chain_ttl ? ttl : chain_ttl;
		cur = next;
	}
	return -ELOOP;
}

/* --- writing --------------------------------------------------------------- */

static void put(struct dns_writer *w, const void *p, size_t n)
{
	if (w->err)
		return;
	if (w->cap - w->len < n) {
		w->err = -ENOSPC;
		return;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void put16(struct dns_writer *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(w, b, 2);
}

static void put32(struct dns_writer *w, uint32_t v)
{
	put16(w, (uint16_t)(v >> 16));
	put16(w, (uint16_t)v);
}

/* Adds one to the header's count at off (4: questions, 6, 8, 10: sections). */
static void count(struct dns_writer *w, size_t off)
{
	uint16_t v;

	if (w->err || w->len < DNS_HEADER_LEN)
		return;
	v = (uint16_t)(w->buf[off] << 8 | w->buf[off + 1]) + 1;
	w->buf[off] = (uint8_t)(v >> 8);
	w->buf[off + 1] = (uint8_t)v;
}

void dns_writer_init(struct dns_writer *w, uint8_t *buf, size_t cap)
{
	*w = (struct dns_writer){ .buf = buf, .cap = cap };
}

void dns_write_header(struct dns_writer *w, uint16_t id, uint16_t flags)
{
	uint8_t zero[8] = { 0 };

	put16(w, id);
	put16(w, flags);
	put(w, zero, sizeof(zero));
}

/* A name written before is replaced by a pointer to it (offsets below 0x4000 only). */
static void put_name(struct dns_writer *w, const struct dns_name *n)
{
	for (unsigned int i = 0; i < w->nnames && !w->err; i++) {
		struct dns_name seen;
		size_t end;

		if (dns_name_read(w->buf, w->len, w->names[i], &seen, &end) == 0 &&
		    dns_name_eq(&seen, n)) {
			put16(w, 0xc000 | w->names[i]);
			return;
		}
	}
	if (w->len < 0x4000 && w->nnames < DNS_WRITER_NAMES && n->len > 1)
		w->names[w->nnames++] = (uint16_t)w->len;
	put(w, n->wire, n->len);
}

void dns_write_question(struct dns_writer *w, const struct dns_name *n, uint16_t type,
			uint16_t qclass)
{
	put_name(w, n);
	put16(w, type);
	put16(w, qclass);
	count(w, 4);
}

static void rr_head(struct dns_writer *w, enum dns_section s, const struct dns_name *n,
		    uint16_t type, uint32_t ttl)
{
	put_name(w, n);
	put16(w, type);
	put16(w, DNS_CLASS_IN);
	put32(w, ttl);
	count(w, 4 + 2 * (size_t)s);
}

void dns_write_rr(struct dns_writer *w, enum dns_section s, const struct dns_name *n,
		  uint16_t type, uint32_t ttl, const void *rdata, uint16_t rdlen)
{
	rr_head(w, s, n, type, ttl);
	put16(w, rdlen);
	put(w, rdata, rdlen);
}

void dns_write_cname(struct dns_writer *w, enum dns_section s, const struct dns_name *n,
		     uint32_t ttl, const struct dns_name *target)
{
	size_t at;

	rr_head(w, s, n, DNS_TYPE_CNAME, ttl);
	at = w->len;
	put16(w, 0);
	put_name(w, target);
	if (!w->err) {
		size_t l = w->len - at - 2;

		w->buf[at] = (uint8_t)(l >> 8);
		w->buf[at + 1] = (uint8_t)l;
	}
}

int dns_writer_end(const struct dns_writer *w)
{
	return w->err ? w->err : (int)w->len;
}

static uint16_t reply_flags(uint16_t query_flags, unsigned int rcode)
{
	return (uint16_t)(DNS_F_QR | (query_flags & (0xf << 11)) | (query_flags & DNS_F_RD) |
			  DNS_F_RA | (rcode & 0xf));
}

int dns_write_reply(const struct dns_msg *q, unsigned int rcode, uint8_t *out, size_t cap)
{
	struct dns_writer w;

	dns_writer_init(&w, out, cap);
	dns_write_header(&w, q->h.id, reply_flags(q->h.flags, rcode));
	dns_write_question(&w, &q->qname, q->qtype, q->qclass);
	return dns_writer_end(&w);
}

int dns_write_bare_reply(const struct dns_header *q, unsigned int rcode, uint8_t *out,
			 size_t cap)
{
	struct dns_writer w;

	dns_writer_init(&w, out, cap);
	dns_write_header(&w, q->id, reply_flags(q->flags, rcode));
	return dns_writer_end(&w);
}
