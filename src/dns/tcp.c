// SPDX-License-Identifier: GPL-2.0-only
/*
 * Clients over TCP (RFC 7766): each message after its 2-byte length,
 * several queries in flight on one connection (glibc sends A and AAAA
 * back to back), replies in the order they are ready. Bounded: max_tcp
 * connections (one more is closed at once), DNS_TCP_PIPELINE queries per
 * connection (reading stops until one is answered), DNS_TCP_OUT_MAX bytes
 * of replies waiting for a client that does not read (then the connection
 * is closed), DNS_TCP_IDLE_MS without a whole query.
 *
 * A connection is only ever freed from a place that holds no pointer to
 * it afterwards (the end of tcp_ready, a query's end, the deadline scan);
 * a failure elsewhere marks it broken, and queries still running for it
 * forget it when it goes.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns/internal.h"

#define TCP_BATCH 64	/* messages read from one connection per wake-up */

int dns_frame_read(int fd, uint8_t **buf, size_t *have)
{
	size_t want = *have < 2 ? 2 : 2 + (size_t)((*buf)[0] << 8 | (*buf)[1]);
	ssize_t n;

	if (!*buf && !(*buf = malloc(2)))
		return -ENOMEM;
	if (*have == 2) {
		uint8_t *p;

		if (want == 2)
			return -EBADMSG; /* a zero-length message */
		p = realloc(*buf, want);
		if (!p)
			return -ENOMEM;
		*buf = p;
	}
	n = recv(fd, *buf + *have, want - *have, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n == 0)
		return -ECONNRESET;
	*have += (size_t)n;
	return *have > 2 && *have == want;
}

static void conn_close(struct dns_resolver *r, struct conn *c)
{
	for (unsigned int i = 0; i < r->c.max_inflight; i++)
		if (r->q[i].state != Q_FREE && r->q[i].to.conn == c)
			r->q[i].to.conn = NULL;
	dns_unwatch(r, &c->fd);
	r->conns[c->slot] = NULL;
	free(c->in);
	free(c->out);
	free(c);
}

/* Reads while it may; writes while it has something; closes what is finished or broken. */
static void conn_settle(struct dns_resolver *r, struct conn *c)
{
	uint32_t ev = (c->pending < DNS_TCP_PIPELINE && !c->eof ? EPOLLIN : 0) |
		      (c->outlen ? EPOLLOUT : 0);

	if (c->broken || (c->eof && !c->pending && !c->outlen)) {
		conn_close(r, c);
		return;
	}
	if (ev != c->events && !dns_watch(r, EPOLL_CTL_MOD, c->fd, ev, W_CONN, c->slot, c->gen))
		c->events = ev;
}

void dns_tcp_accept(struct dns_resolver *r, int lfd)
{
	for (int n = 0; n < 16; n++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		unsigned int s = 0;
		struct conn *c;

		if (fd < 0)
			return;
		while (s < r->c.max_tcp && r->conns[s])
			s++;
		c = s < r->c.max_tcp ? calloc(1, sizeof(*c)) : NULL;
		if (!c) { /* over the bound: the client sees the connection closed */
			close(fd);
			continue;
		}
		*c = (struct conn){ .fd = fd, .slot = s, .gen = ++r->conn_gen, .events = EPOLLIN,
				    .idle_deadline = dns_now_ms() + DNS_TCP_IDLE_MS };
		if (dns_watch(r, EPOLL_CTL_ADD, fd, EPOLLIN, W_CONN, s, c->gen)) {
			close(fd);
			free(c);
			continue;
		}
		r->conns[s] = c;
	}
}

static void flush(struct conn *c)
{
	while (c->outlen) {
		ssize_t n = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			c->broken = errno != EAGAIN && errno != EINTR;
			return;
		}
		memmove(c->out, c->out + n, c->outlen - (size_t)n);
		c->outlen -= (size_t)n;
	}
}

void dns_tcp_send(struct dns_resolver *r, struct conn *c, const uint8_t *msg, size_t len)
{
	size_t need = c->outlen + 2 + len;

	(void)r;
	if (need > DNS_TCP_OUT_MAX) { /* a client that does not read its replies */
		c->broken = true;
		return;
	}
	if (need > c->outcap) {
		uint8_t *p = realloc(c->out, need);

		if (!p) {
			c->broken = true;
			return;
		}
		c->out = p;
		c->outcap = need;
	}
	c->out[c->outlen] = (uint8_t)(len >> 8);
	c->out[c->outlen + 1] = (uint8_t)len;
	memcpy(c->out + c->outlen + 2, msg, len);
	c->outlen = need;
	c->idle_deadline = dns_now_ms() + DNS_TCP_IDLE_MS;
	flush(c);
}

/*
 * Reads whole queries until the pipeline is full, the socket is dry, or
 * TCP_BATCH were read (a client streaming refused names, which take no
 * pipeline slot, must not keep the loop from everyone else).
 */
static void read_queries(struct dns_resolver *r, struct conn *c)
{
	c->busy = true;
	for (int n = 0; n < TCP_BATCH && !c->broken && !c->eof && c->pending < DNS_TCP_PIPELINE;
	     n++) {
		struct client to = { .transport = IPPROTO_TCP, .udp_fd = -1, .conn = c };
		int e = dns_frame_read(c->fd, &c->in, &c->inlen);

		if (e == 0)
			break;
		if (e < 0) {
			/* the client closed its side: answer what it asked, then close */
			c->eof = e == -ECONNRESET && c->inlen == 0;
			c->broken = !c->eof;
			break;
		}
		c->idle_deadline = dns_now_ms() + DNS_TCP_IDLE_MS;
		dns_query_receive(r, c->in + 2, c->inlen - 2, &to);
		c->inlen = 0;
	}
	c->busy = false;
}

void dns_tcp_ready(struct dns_resolver *r, struct conn *c, uint32_t events)
{
	if (events & EPOLLERR)
		c->broken = true;
	if (events & EPOLLOUT)
		flush(c);
	if (events & (EPOLLIN | EPOLLHUP))
		read_queries(r, c);
	conn_settle(r, c);
}

void dns_tcp_query_done(struct dns_resolver *r, struct conn *c)
{
	c->pending--;
	if (!c->busy)
		conn_settle(r, c);
}

void dns_tcp_expire(struct dns_resolver *r, uint64_t now)
{
	for (unsigned int i = 0; i < r->c.max_tcp; i++) {
		struct conn *c = r->conns[i];

		if (!c || c->idle_deadline > now)
			continue;
		if (c->pending) /* its queries have deadlines of their own */
			c->idle_deadline = now + DNS_TCP_IDLE_MS;
		else
			conn_close(r, c);
	}
}

void dns_tcp_close_all(struct dns_resolver *r)
{
	for (unsigned int i = 0; i < r->c.max_tcp; i++)
		if (r->conns[i])
			conn_close(r, r->conns[i]);
}
