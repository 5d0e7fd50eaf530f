/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The resolver's parts, shared by its files: resolver.c (the loop, the
 * listeners, deadlines), query.c (a query from decision to reply),
 * upstream.c (forwarding over UDP and TCP), tcp.c (clients over TCP),
 * review.c (review threads). Everything but review.c's workers runs on
 * the loop's thread.
 */
#ifndef SEVORIX_DNS_INTERNAL_H
#define SEVORIX_DNS_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "dns/resolver.h"
#include "dns/wire.h"

/*
 * What an epoll event is about: its data is (kind, index, generation), not
 * a pointer, so an event that was already queued for a socket closed
 * earlier in the same round is recognised (its generation is gone) even
 * when the slot, or the fd number, has been reused since.
 */
enum watch_kind {
	W_UDP = 1,	/* a listener's UDP socket; index: the listener */
	W_LISTEN,	/* a listener's TCP socket */
	W_CONN,		/* a client's TCP connection; index: its slot */
	W_UPSTREAM,	/* a query's socket to its upstream; index: the query's slot */
	W_WAKE,		/* the eventfd: stop, or reviews done */
};

struct listener {
	int udp;
	int tcp;
};

/* A client's TCP connection: queries in, length-prefixed; replies out. */
struct conn {
	int fd;
	unsigned int slot;
	uint32_t gen;
	uint8_t *in;		/* 2-byte length, then the message */
	size_t inlen;
	uint8_t *out;
	size_t outlen;
	size_t outcap;
	unsigned int pending;	/* its queries in flight */
	bool eof;		/* the client closed its side: answer, then close */
	bool broken;		/* close at the next safe point */
	bool busy;		/* being read from: not to be freed now */
	uint32_t events;	/* registered with epoll */
	uint64_t idle_deadline;	/* ms, CLOCK_MONOTONIC */
};

/* Where a reply goes. */
struct client {
	int transport;			/* IPPROTO_UDP or IPPROTO_TCP */
	int udp_fd;			/* the listener it came to (UDP) */
	struct dns_endpoint addr;	/* UDP */
	struct conn *conn;		/* TCP; NULL once the connection is gone */
};

enum qstate { Q_FREE = 0, Q_REVIEW, Q_UPSTREAM };

struct query {
	int fd;				/* upstream socket; -1 when none */
	uint32_t sock_gen;		/* changes with every upstream socket */
	enum qstate state;
	uint32_t gen;			/* changes at every reuse of the slot */
	struct client to;
	uint16_t client_id;
	uint16_t up_id;
	uint8_t *msg;			/* the client's query; its id is up_id while forwarded */
	size_t len;
	struct dns_name qname;
	uint16_t qtype;
	uint16_t qclass;
	char name[DNS_NAME_TEXT_MAX];
	struct dns_match m;
	bool reviewed;
	unsigned int attempt;		/* index of the upstream asked */
	uint64_t deadline;		/* ms, CLOCK_MONOTONIC */
	/* upstream over TCP: the query is written from woff, the answer read into ans */
	bool up_tcp;
	bool connected;
	size_t woff;
	uint8_t *ans;
	size_t anslen;
};

struct reviews;

struct dns_resolver {
	struct dns_resolver_config c;
	int epfd;
	int wake;
	struct listener lis[DNS_LISTEN_MAX];
	size_t nlis;
	struct query *q;		/* c.max_inflight slots */
	struct conn **conns;		/* c.max_tcp slots */
	uint32_t conn_gen;
	uint8_t *scratch;		/* one message, for the loop's own use */
	volatile int stopping;
	struct reviews *rv;
};

uint64_t dns_now_ms(void);
/* epoll_ctl op for fd with the event key (kind, index, gen). Returns 0 or -errno. */
int dns_watch(struct dns_resolver *r, int op, int fd, uint32_t events, enum watch_kind kind,
	      unsigned int index, uint32_t gen);
/* Removes *fd from the set, closes it, sets it to -1. */
void dns_unwatch(struct dns_resolver *r, int *fd);

/* query.c */
void dns_query_receive(struct dns_resolver *r, const uint8_t *msg, size_t len,
		   const struct client *to);
void dns_query_forward(struct dns_resolver *r, struct query *q);
void dns_query_answered(struct dns_resolver *r, struct query *q, uint8_t *ans, size_t len);
/* Answers here with rcode (deny: refused by policy, else a failure), frees the slot. */
void dns_query_fail(struct dns_resolver *r, struct query *q, unsigned int rcode,
		enum sx_action verdict, const char *why);
void dns_query_expire(struct dns_resolver *r, struct query *q);

/* upstream.c */
/* Asks upstream q->attempt, or the next that can be reached. Returns 0 or -EHOSTUNREACH. */
int dns_upstream_start(struct dns_resolver *r, struct query *q);
/* Gives up on the upstream asked and asks the next; when none is left, SERVFAIL (why). */
void dns_upstream_next(struct dns_resolver *r, struct query *q, const char *why);
void dns_upstream_ready(struct dns_resolver *r, struct query *q, uint32_t events);
void dns_upstream_close(struct dns_resolver *r, struct query *q);

/* tcp.c */
/*
 * Reads a 2-byte length and then the message into *buf (grown as needed)
 * while the socket has data. Returns 1 when *have is the whole frame, 0
 * for more, -ECONNRESET at the end of the stream, -EBADMSG for a length
 * of 0, or another -errno.
 */
int dns_frame_read(int fd, uint8_t **buf, size_t *have);
void dns_tcp_accept(struct dns_resolver *r, int lfd);
void dns_tcp_ready(struct dns_resolver *r, struct conn *c, uint32_t events);
void dns_tcp_send(struct dns_resolver *r, struct conn *c, const uint8_t *msg, size_t len);
void dns_tcp_query_done(struct dns_resolver *r, struct conn *c);
void dns_tcp_expire(struct dns_resolver *r, uint64_t now);
void dns_tcp_close_all(struct dns_resolver *r);

/* review.c */
int dns_review_init(struct dns_resolver *r);
int dns_review_start(struct dns_resolver *r, struct query *q);
void dns_review_collect(struct dns_resolver *r);
void dns_review_free(struct dns_resolver *r);

#endif
