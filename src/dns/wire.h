/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DNS messages (RFC 1035) read and written in place, with no allocation.
 *
 * Every message this reads is hostile: a query from the agent, an answer
 * from an upstream server that an attacker may control. So every length is
 * checked against the buffer before use, a name is at most 255 bytes on
 * the wire (63 per label), a compression pointer must point to a label
 * sequence that starts before the one it appears in (so a loop cannot be
 * written at all) and at most DNS_PTR_HOPS_MAX pointers are followed for
 * one name, a message holds exactly one question and at most DNS_RR_MAX
 * records, and no byte may follow the last record. dns_parse() walks the
 * whole message once; a message that passes can be iterated again without
 * surprises, and one that does not is refused as a whole.
 *
 * Names are kept in wire form (struct dns_name) as they were sent, case
 * included, so that a reply can echo a question exactly; they compare
 * case-insensitively and are printed in lower case.
 */
#ifndef SEVORIX_DNS_WIRE_H
#define SEVORIX_DNS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_HEADER_LEN 12
#define DNS_MSG_MAX 65535	/* a TCP message's 2-byte length */
#define DNS_NAME_MAX 255	/* wire bytes of a name, with the root label */
#define DNS_LABEL_MAX 63
#define DNS_PTR_HOPS_MAX 127	/* one per label at most */
#define DNS_RR_MAX 1024		/* records of all sections in one message */
#define DNS_CNAME_MAX 16	/* CNAMEs followed from the question's name */
/* A name in presentation form: every byte may be escaped as \DDD. */
#define DNS_NAME_TEXT_MAX (4 * DNS_NAME_MAX + 1)

enum dns_type {
	DNS_TYPE_A = 1,
	DNS_TYPE_NS = 2,
	DNS_TYPE_CNAME = 5,
	DNS_TYPE_SOA = 6,
	DNS_TYPE_PTR = 12,
	DNS_TYPE_TXT = 16,
	DNS_TYPE_AAAA = 28,
	DNS_TYPE_OPT = 41,
	DNS_TYPE_IXFR = 251,
	DNS_TYPE_AXFR = 252,
	DNS_TYPE_ANY = 255,
};

#define DNS_CLASS_IN 1

enum dns_rcode {
	DNS_RCODE_NOERROR = 0,
	DNS_RCODE_FORMERR = 1,
	DNS_RCODE_SERVFAIL = 2,
	DNS_RCODE_NXDOMAIN = 3,
	DNS_RCODE_NOTIMP = 4,
	DNS_RCODE_REFUSED = 5,
};

/* Header flags (host byte order) */
#define DNS_F_QR 0x8000
#define DNS_F_AA 0x0400
#define DNS_F_TC 0x0200
#define DNS_F_RD 0x0100
#define DNS_F_RA 0x0080
#define DNS_F_OPCODE(f) (((f) >> 11) & 0xf)
#define DNS_F_RCODE(f) ((f) & 0xf)
#define DNS_OPCODE_QUERY 0

struct dns_header {
	uint16_t id;
	uint16_t flags;
	uint16_t qdcount;
	uint16_t ancount;
	uint16_t nscount;
	uint16_t arcount;
};

/* A name in uncompressed wire form: labels, each after its length, then 0. */
struct dns_name {
	uint16_t len; /* bytes in wire, the root label's 0 included */
	uint8_t wire[DNS_NAME_MAX];
};

enum dns_section {
	DNS_SEC_ANSWER = 1,
	DNS_SEC_AUTHORITY = 2,
	DNS_SEC_ADDITIONAL = 3,
};

/* A message that dns_parse() accepted; buf is not copied. */
struct dns_msg {
	const uint8_t *buf;
	size_t len;
	struct dns_header h;
	struct dns_name qname;
	uint16_t qtype;
	uint16_t qclass;
	size_t rr_off;		/* the first record, after the question */
	unsigned int nrr;	/* ancount + nscount + arcount */
};

struct dns_rr {
	struct dns_name name;
	enum dns_section section;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;		/* seconds; a TTL with the top bit set reads as 0 (RFC 2181) */
	uint16_t rdlen;
	size_t rdoff;		/* the data, at msg->buf + rdoff */
};

/* Where dns_rr_next() is; zero it to start at the first record. */
struct dns_iter {
	size_t off;
	unsigned int i;
};

/*
 * Checks a whole message: header, exactly one question, every record.
 * Returns 0, -EBADMSG when anything is malformed, -E2BIG beyond DNS_RR_MAX.
 */
int dns_parse(const uint8_t *buf, size_t len, struct dns_msg *m);
/* Reads the header only (for a reply to a message that did not parse). */
int dns_parse_header(const uint8_t *buf, size_t len, struct dns_header *h);

/* The next record of a parsed message: 1 and *rr filled, 0 at the end, or -EBADMSG. */
int dns_rr_next(const struct dns_msg *m, struct dns_iter *it, struct dns_rr *rr);

/*
 * Reads the name at off, following compression pointers (bounded as said
 * above); *end is the offset after the name where it was written. Returns
 * 0 or -EBADMSG.
 */
int dns_name_read(const uint8_t *buf, size_t len, size_t off, struct dns_name *n, size_t *end);
/* The name of a CNAME (or NS, PTR) record, which must fill its data exactly. */
int dns_rr_name(const struct dns_msg *m, const struct dns_rr *rr, struct dns_name *n);
bool dns_name_eq(const struct dns_name *a, const struct dns_name *b);
/*
 * The name in lower case, without the trailing dot ("" for the root);
 * '.' and '\' inside a label and bytes other than letters, digits, '-'
 * and '_' are escaped as \. \\ and \DDD. Returns the length or -ENOSPC.
 */
int dns_name_text(const struct dns_name *n, char *out, size_t cap);
/* Dotted text (no escapes, one optional trailing dot) to wire form. Returns 0 or -EINVAL. */
int dns_name_from_text(const char *text, struct dns_name *n);

/* An address learnt from an answer. */
struct dns_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network byte order; IPv4 in addr[0..3] */
	uint32_t ttl;		/* the smallest TTL on the way from the question */
};

/*
 * The addresses an answer gives for its question: the A and AAAA records
 * of class IN in the answer section owned by the question's name, or by
 * the end of the chain of CNAMEs that starts there (at most DNS_CNAME_MAX;
 * a longer chain or a loop is -ELOOP). Records of other owners and of the
 * other sections are never taken, so an answer cannot slip in addresses
 * for names that were not asked. A name with two CNAMEs, or with a CNAME
 * and addresses, is -EBADMSG. Returns the number stored, or -E2BIG when
 * there are more than max.
 */
int dns_answer_addrs(const struct dns_msg *m, struct dns_addr *out, size_t max);

/*
 * Writing. The writer counts the question and records in the header it
 * wrote first, compresses a name only when the very same name was written
 * before (a pointer to it), and remembers the first error: check it once
 * with dns_writer_end().
 */
#define DNS_WRITER_NAMES 16
struct dns_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err;
	unsigned int nnames;
	uint16_t names[DNS_WRITER_NAMES]; /* offsets of names written whole */
};

void dns_writer_init(struct dns_writer *w, uint8_t *buf, size_t cap);
void dns_write_header(struct dns_writer *w, uint16_t id, uint16_t flags);
void dns_write_question(struct dns_writer *w, const struct dns_name *n, uint16_t type,
			uint16_t qclass);
void dns_write_rr(struct dns_writer *w, enum dns_section s, const struct dns_name *n,
		  uint16_t type, uint32_t ttl, const void *rdata, uint16_t rdlen);
/* A CNAME record: its data is a name, compressed like the others. */
void dns_write_cname(struct dns_writer *w, enum dns_section s, const struct dns_name *n,
		     uint32_t ttl, const struct dns_name *target);
/* The length written, or -ENOSPC. */
int dns_writer_end(const struct dns_writer *w);

/*
 * A reply to query q with rcode and no records: q's id, opcode and RD,
 * QR and RA set, its question echoed as it was sent. Returns the length or
 * -ENOSPC.
 */
int dns_write_reply(const struct dns_msg *q, unsigned int rcode, uint8_t *out, size_t cap);
/* A reply to a query whose question could not be read: header only. */
int dns_write_bare_reply(const struct dns_header *q, unsigned int rcode, uint8_t *out,
			 size_t cap);

const char *dns_rcode_name(unsigned int rcode);

#endif
