// SPDX-License-Identifier: GPL-2.0-only
/*
 * One query, from the client's message to the reply: checked, decided by
 * the host rules, answered here or reviewed or forwarded, and at the end
 * its answer checked against the question, its addresses learnt, and the
 * reply sent with the client's id. resolver.h states the policy (what is
 * answered here, with which code, and why); this file is where each of
 * those lines is taken.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "dns/internal.h"

static void reply(struct dns_resolver *r, const struct client *to, const uint8_t *msg,
		  size_t len)
{
	if (to->transport == IPPROTO_UDP)
		/* a full socket buffer drops the reply, as the network would; the client retries */
		sendto(to->udp_fd, msg, len, MSG_DONTWAIT, (const struct sockaddr *)&to->addr.ss,
		       to->addr.len);
	else if (to->conn)
		dns_tcp_send(r, to->conn, msg, len);
}

static void emit(struct dns_resolver *r, const struct dns_event *e)
{
	if (r->c.event)
		r->c.event(r->c.ctx, e);
}

/* A reply made here from the parts of a query; returns its length or -ENOSPC. */
static int local_reply(const struct dns_header *h, const struct dns_name *qname, uint16_t qtype,
		       uint16_t qclass, unsigned int rcode, uint8_t *out, size_t cap)
{
	struct dns_msg q = { .h = *h, .qname = *qname, .qtype = qtype, .qclass = qclass };

	return dns_write_reply(&q, rcode, out, cap);
}

/* Answers a query that never got a slot; the event names the decision. */
static void answer_here(struct dns_resolver *r, const struct client *to, const struct dns_msg *m,
			const char *name, struct dns_match d, unsigned int rcode, const char *why)
{
	struct dns_event e = { .name = name, .qtype = m->qtype, .verdict = SX_DENY,
			       .rule = d.rule, .rcode = rcode, .transport = to->transport,
			       .why = why };
	uint8_t out[DNS_HEADER_LEN + DNS_NAME_MAX + 4];
	int n = dns_write_reply(m, rcode, out, sizeof(out));

	if (n > 0)
		reply(r, to, out, (size_t)n);
	emit(r, &e);
}

static struct query *slot_get(struct dns_resolver *r)
{
	for (unsigned int i = 0; i < r->c.max_inflight; i++)
		if (r->q[i].state == Q_FREE)
			return &r->q[i];
	return NULL;
}

static void slot_free(struct dns_resolver *r, struct query *q)
{
	dns_upstream_close(r, q);
	free(q->msg);
	free(q->ans);
	q->msg = q->ans = NULL;
	if (q->to.transport == IPPROTO_TCP && q->to.conn)
		dns_tcp_query_done(r, q->to.conn);
	q->to.conn = NULL;
	q->state = Q_FREE;
}

/* Query ids from a pool refilled 64 at a time: one getrandom per 64 queries. */
static uint16_t random_id(void)
{
	static uint16_t pool[64];
	static unsigned int left;

	if (!left) {
		/* GRND_NONBLOCK on an initialised pool does not fail; if it did, the
		 * old pool, the time and the counter still vary the ids */
		if (getrandom(pool, sizeof(pool), GRND_NONBLOCK) != sizeof(pool))
			for (unsigned int i = 0; i < 64; i++)
				pool[i] ^= (uint16_t)((dns_now_ms() + i) * 2654435761u >> 16);
		left = 64;
	}
	return pool[--left];
}

/* Takes a slot for a query that will be reviewed or forwarded. */
static struct query *start(struct dns_resolver *r, const struct dns_msg *m, const char *name,
			   struct dns_match d, const struct client *to)
{
	struct query *q = slot_get(r);
	uint32_t gen, sock_gen;

	if (!q)
		return NULL;
	/* both generations go on counting: an event queued for the slot's last use is stale */
	gen = q->gen + 1;
	sock_gen = q->sock_gen;
	memset(q, 0, sizeof(*q));
	q->fd = -1;
	q->gen = gen;
	q->sock_gen = sock_gen;
	q->msg = malloc(m->len);
	if (!q->msg)
		return NULL;
	memcpy(q->msg, m->buf, m->len);
	q->len = m->len;
	q->to = *to;
	q->client_id = m->h.id;
	q->qname = m->qname;
	q->qtype = m->qtype;
	q->qclass = m->qclass;
	strcpy(q->name, name);
	q->m = d;
	q->state = Q_REVIEW;
	if (to->transport == IPPROTO_TCP)
		to->conn->pending++;
	return q;
}

/* Which local answer a query gets before any rule is asked, or 0 when none. */
static unsigned int not_a_lookup(const struct dns_msg *m, const char **why)
{
	if (DNS_F_OPCODE(m->h.flags) != DNS_OPCODE_QUERY) {
		*why = "not a standard query";
		return DNS_RCODE_NOTIMP;
	}
	if (m->qclass != DNS_CLASS_IN) {
		*why = "class other than IN";
		return DNS_RCODE_REFUSED;
	}
	if (m->qtype == DNS_TYPE_AXFR || m->qtype == DNS_TYPE_IXFR) {
		*why = "zone transfer";
		return DNS_RCODE_REFUSED;
	}
	return 0;
}

static void malformed(struct dns_resolver *r, const uint8_t *msg, size_t len,
		      const struct client *to)
{
	struct dns_event e = { .name = "", .verdict = SX_DENY, .rule = -1,
			       .rcode = DNS_RCODE_FORMERR, .transport = to->transport,
			       .why = "malformed query" };
	uint8_t out[DNS_HEADER_LEN];
	struct dns_header h;

	/* an answer sent to us (QR set) is dropped unanswered: no reflection loops */
	if (dns_parse_header(msg, len, &h) || (h.flags & DNS_F_QR))
		return;
	if (dns_write_bare_reply(&h, DNS_RCODE_FORMERR, out, sizeof(out)) > 0)
		reply(r, to, out, sizeof(out));
	emit(r, &e);
}

void dns_query_receive(struct dns_resolver *r, const uint8_t *msg, size_t len,
		       const struct client *to)
{
	char name[DNS_NAME_TEXT_MAX];
	struct dns_match d = { SX_DENY, -1 };
	const char *why = NULL;
	unsigned int rcode;
	struct dns_msg m;
	struct query *q;

	if (dns_parse(msg, len, &m)) {
		malformed(r, msg, len, to);
		return;
	}
	if (m.h.flags & DNS_F_QR)
		return;
	dns_name_text(&m.qname, name, sizeof(name));
	rcode = not_a_lookup(&m, &why);
	if (!rcode) {
		d = dns_hosts_match(r->c.hosts, name);
		rcode = d.action == SX_DENY ? DNS_RCODE_NXDOMAIN : 0;
		why = d.rule < 0 ? "no host rule allows the name" : "denied by a host rule";
	}
	if (rcode) {
		answer_here(r, to, &m, name, d, rcode, why);
		return;
	}
	q = start(r, &m, name, d, to);
	if (!q) { /* fail closed: no slot, no lookup */
		answer_here(r, to, &m, name, d, DNS_RCODE_SERVFAIL, "too many queries in flight");
		return;
	}
	if (d.action == SX_REVIEW) {
		q->reviewed = true;
		q->deadline = dns_now_ms() + r->c.review_ms;
		if (dns_review_start(r, q)) /* fail closed: no review, no lookup */
			dns_query_fail(r, q, DNS_RCODE_NXDOMAIN, SX_DENY, "review unavailable");
		return;
	}
	dns_query_forward(r, q);
}

void dns_query_forward(struct dns_resolver *r, struct query *q)
{
	q->state = Q_UPSTREAM;
	q->attempt = 0;
	q->up_id = random_id();
	q->msg[0] = (uint8_t)(q->up_id >> 8);
	q->msg[1] = (uint8_t)q->up_id;
	if (dns_upstream_start(r, q)) /* fail closed: nothing learnt */
		dns_query_fail(r, q, DNS_RCODE_SERVFAIL, SX_ALLOW, "no upstream reachable");
}

void dns_query_fail(struct dns_resolver *r, struct query *q, unsigned int rcode,
		    enum sx_action verdict, const char *why)
{
	struct dns_event e = { .name = q->name, .qtype = q->qtype, .verdict = verdict,
			       .rule = q->m.rule, .reviewed = q->reviewed, .rcode = rcode,
			       .transport = q->to.transport, .why = why };
	struct dns_header h = { .id = q->client_id, .flags = (uint16_t)(q->msg[2] << 8 | q->msg[3]) };
	uint8_t out[DNS_HEADER_LEN + DNS_NAME_MAX + 4];
	int n = local_reply(&h, &q->qname, q->qtype, q->qclass, rcode, out, sizeof(out));

	if (n > 0)
		reply(r, &q->to, out, (size_t)n);
	emit(r, &e);
	slot_free(r, q);
}

void dns_query_expire(struct dns_resolver *r, struct query *q)
{
	if (q->state == Q_REVIEW) {
		/* fail closed: a review without an answer in time is a deny */
		dns_query_fail(r, q, DNS_RCODE_NXDOMAIN, SX_DENY, "review timed out");
		return;
	}
	dns_upstream_next(r, q, "upstream timed out");
}

/* The answer is to our question: same id, a reply to a standard query, same question. */
static bool answers(const struct query *q, const struct dns_msg *a)
{
	return a->h.id == q->up_id && (a->h.flags & DNS_F_QR) &&
	       DNS_F_OPCODE(a->h.flags) == DNS_OPCODE_QUERY && a->qtype == q->qtype &&
	       a->qclass == q->qclass && dns_name_eq(&a->qname, &q->qname);
}

static uint64_t expiry_ns(const struct dns_resolver_config *c, uint32_t ttl)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec +
	       ((uint64_t)ttl + c->grace) * 1000000000ull;
}

/* Hands every address to the learn callback; 0, or the first failure. */
static int learn_all(struct dns_resolver *r, const struct query *q, const struct dns_addr *a,
		     int n)
{
	const struct dns_resolver_config *c = &r->c;

	for (int i = 0; i < n; i++) {
		uint32_t ttl = a[i].ttl < c->ttl_min	 ? c->ttl_min
			       : a[i].ttl > c->ttl_max ? c->ttl_max
						       : a[i].ttl;
		struct dns_learnt l = { .family = a[i].family, .expires_ns = expiry_ns(c, ttl),
					.ttl = ttl, .rule = q->m.rule, .name = q->name };
		int e;

		memcpy(l.addr, a[i].addr, sizeof(l.addr));
		e = c->learn ? c->learn(c->ctx, &l) : 0;
		if (e)
			return e;
	}
	return 0;
}

void dns_query_answered(struct dns_resolver *r, struct query *q, uint8_t *ans, size_t len)
{
	struct dns_addr addrs[DNS_ADDRS_MAX];
	struct dns_event e = { .name = q->name, .qtype = q->qtype, .verdict = SX_ALLOW,
			       .rule = q->m.rule, .reviewed = q->reviewed,
			       .transport = q->to.transport };
	struct dns_msg a;
	int n = 0;

	/* fail closed from here on: any doubt about the answer is SERVFAIL, nothing learnt */
	if (dns_parse(ans, len, &a) || !answers(q, &a)) {
		dns_query_fail(r, q, DNS_RCODE_SERVFAIL, SX_ALLOW, "malformed upstream answer");
		return;
	}
	if (DNS_F_RCODE(a.h.flags) == DNS_RCODE_NOERROR)
		n = dns_answer_addrs(&a, addrs, DNS_ADDRS_MAX);
	if (n < 0) {
		dns_query_fail(r, q, DNS_RCODE_SERVFAIL, SX_ALLOW,
			       n == -E2BIG ? "too many addresses in the answer"
					   : "malformed upstream answer");
		return;
	}
	if (learn_all(r, q, addrs, n)) {
		dns_query_fail(r, q, DNS_RCODE_SERVFAIL, SX_ALLOW, "cannot store a learnt address");
		return;
	}
	ans[0] = (uint8_t)(q->client_id >> 8);
	ans[1] = (uint8_t)q->client_id;
	reply(r, &q->to, ans, len);
	e.rcode = DNS_F_RCODE(a.h.flags);
	e.naddrs = (unsigned int)n;
	e.addrs = addrs;
	emit(r, &e);
	slot_free(r, q);
}
