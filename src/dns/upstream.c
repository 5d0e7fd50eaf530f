// SPDX-License-Identifier: GPL-2.0-only
/*
 * Forwarding a query to the upstream servers, one at a time in their
 * order, each within timeout_ms. Every attempt has a socket of its own,
 * connected to the server: the kernel then drops datagrams from any other
 * address, and the random source port and the random id make a forged
 * answer a guess of 32 bits. A client that asked over UDP is forwarded
 * over UDP (a truncated answer goes back as it is, and the client asks
 * again over TCP); a client over TCP is forwarded over TCP.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "dns/internal.h"

void dns_upstream_close(struct dns_resolver *r, struct query *q)
{
	dns_unwatch(r, &q->fd);
	q->anslen = 0;
}

static int watch(struct dns_resolver *r, struct query *q, int op, uint32_t events)
{
	return dns_watch(r, op, q->fd, events, W_UPSTREAM, (unsigned int)(q - r->q), q->sock_gen);
}

/* Opens the socket of one attempt and sends (UDP) or starts connecting (TCP). */
static int open_attempt(struct dns_resolver *r, struct query *q)
{
	const struct dns_endpoint *up = &r->c.upstream[q->attempt];
	int tcp = q->to.transport == IPPROTO_TCP, e = 0;
	int fd = socket(up->ss.ss_family,
			(tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)&up->ss, up->len) && errno != EINPROGRESS)
		e = -errno;
	else if (!tcp && send(fd, q->msg, q->len, 0) != (ssize_t)q->len)
		e = -errno;
	if (e) {
		close(fd);
		return e;
	}
	q->fd = fd;
	q->sock_gen++;
	q->up_tcp = tcp;
	q->connected = false;
	q->woff = 0;
	q->anslen = 0;
	e = watch(r, q, EPOLL_CTL_ADD, tcp ? EPOLLOUT : EPOLLIN);
	if (e)
		dns_upstream_close(r, q);
	return e;
}

int dns_upstream_start(struct dns_resolver *r, struct query *q)
{
	dns_upstream_close(r, q);
	for (; q->attempt < r->c.nupstream; q->attempt++) {
		if (open_attempt(r, q) == 0) {
			q->deadline = dns_now_ms() + r->c.timeout_ms;
			return 0;
		}
	}
	return -EHOSTUNREACH;
}

void dns_upstream_next(struct dns_resolver *r, struct query *q, const char *why)
{
	q->attempt++;
	if (dns_upstream_start(r, q)) /* fail closed: SERVFAIL, nothing learnt */
		dns_query_fail(r, q, DNS_RCODE_SERVFAIL, SX_ALLOW, why);
}

static void udp_ready(struct dns_resolver *r, struct query *q)
{
	ssize_t n = recv(q->fd, r->scratch, DNS_MSG_MAX, MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) /* ICMP port unreachable and the like: this server is not there */
		dns_upstream_next(r, q, "upstream unreachable");
	else
		dns_query_answered(r, q, r->scratch, (size_t)n);
}

/* Writes the 2-byte length and the query from woff; 1 when all of it is out. */
static int tcp_write(struct query *q)
{
	uint8_t head[2] = { (uint8_t)(q->len >> 8), (uint8_t)q->len };
	struct iovec iov[2] = { { head, 2 }, { q->msg, q->len } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n;

	if (q->woff < 2) {
		iov[0].iov_base = head + q->woff;
		iov[0].iov_len = 2 - q->woff;
	} else {
		mh.msg_iov = &iov[1];
		mh.msg_iovlen = 1;
		iov[1].iov_base = q->msg + (q->woff - 2);
		iov[1].iov_len = q->len - (q->woff - 2);
	}
	n = sendmsg(q->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	q->woff += (size_t)n;
	return q->woff == q->len + 2;
}

static void tcp_ready(struct dns_resolver *r, struct query *q, uint32_t events)
{
	int e = 0;

	if (!q->connected) {
		socklen_t l = sizeof(e);

		if ((events & EPOLLERR) || getsockopt(q->fd, SOL_SOCKET, SO_ERROR, &e, &l) || e) {
			dns_upstream_next(r, q, "upstream unreachable");
			return;
		}
		q->connected = true;
	}
	if (q->woff < q->len + 2) {
		e = tcp_write(q);
		if (e == 1)
			e = watch(r, q, EPOLL_CTL_MOD, EPOLLIN);
		if (e < 0)
			dns_upstream_next(r, q, "upstream connection failed");
		return;
	}
	e = dns_frame_read(q->fd, &q->ans, &q->anslen);
	if (e == 1)
		dns_query_answered(r, q, q->ans + 2, q->anslen - 2);
	else if (e == -EBADMSG)
		dns_query_fail(r, q, DNS_RCODE_SERVFAIL, SX_ALLOW, "malformed upstream answer");
	else if (e < 0)
		dns_upstream_next(r, q, "upstream connection failed");
}

void dns_upstream_ready(struct dns_resolver *r, struct query *q, uint32_t events)
{
	if (q->up_tcp)
		tcp_ready(r, q, events);
	else
		udp_ready(r, q);
}
