// SPDX-License-Identifier: GPL-2.0-only
/*
 * The resolver's loop: listeners on UDP and TCP, one epoll set for them,
 * the clients' connections and the queries' upstream sockets, and the
 * deadlines. Deadlines are found by a scan of the query slots and
 * connections at each round: both are bounded (max_inflight, max_tcp, a
 * few hundred), so a scan costs less than the system calls of one query
 * and needs no timer structure to keep right.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "dns/internal.h"

#define UDP_BATCH 64	/* datagrams read per wake-up of one listener, for fairness */

uint64_t dns_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int dns_watch(struct dns_resolver *r, int op, int fd, uint32_t events, enum watch_kind kind,
	      unsigned int index, uint32_t gen)
{
	struct epoll_event ev = { .events = events };

	ev.data.u64 = (uint64_t)kind << 56 | (uint64_t)(index & 0xffffff) << 32 | gen;
	return epoll_ctl(r->epfd, op, fd, &ev) ? -errno : 0;
}

void dns_unwatch(struct dns_resolver *r, int *fd)
{
	(void)r;
	if (*fd < 0)
		return;
	/* the fd is never duplicated, so closing it also takes it out of the epoll set */
	close(*fd);
	*fd = -1;
}

void dns_resolver_config_init(struct dns_resolver_config *c)
{
	struct sockaddr_in *lo = (struct sockaddr_in *)&c->listen[0].ss;

	memset(c, 0, sizeof(*c));
	lo->sin_family = AF_INET;
	lo->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->listen[0].len = sizeof(*lo);
	c->nlisten = 1;
	c->ttl_min = 30;
	c->ttl_max = 3600;
	c->grace = 5;
	c->timeout_ms = 2000;
	c->review_ms = 1000;
	c->max_inflight = 256;
	c->max_tcp = 64;
	c->max_reviews = 8;
}

static uint16_t port_of(const struct dns_endpoint *ep)
{
	const struct sockaddr_in *a = (const struct sockaddr_in *)&ep->ss;

	/* sin_port and sin6_port are at the same offset */
	return ntohs(a->sin_port);
}

static int bound_socket(int type, const struct dns_endpoint *ep)
{
	int one = 1, fd = socket(ep->ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (type == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ep->ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&ep->ss, ep->len) ||
	    (type == SOCK_STREAM && listen(fd, 64))) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/* UDP and TCP on one port; with port 0, the port the UDP bind got (a few tries). */
static int listen_on(struct dns_resolver *r, unsigned int i, const struct dns_endpoint *want)
{
	struct listener *l = &r->lis[i];

	for (int attempt = 0; attempt < 8; attempt++) {
		struct dns_endpoint ep = *want;
		int u = bound_socket(SOCK_DGRAM, &ep), t;

		if (u < 0)
			return u;
		ep.len = sizeof(ep.ss);
		getsockname(u, (struct sockaddr *)&ep.ss, &ep.len);
		t = bound_socket(SOCK_STREAM, &ep);
		if (t < 0) {
			close(u);
			if (t == -EADDRINUSE && port_of(want) == 0)
				continue;
			return t;
		}
		*l = (struct listener){ u, t };
		return dns_watch(r, EPOLL_CTL_ADD, u, EPOLLIN, W_UDP, i, 0) ?:
		       dns_watch(r, EPOLL_CTL_ADD, t, EPOLLIN, W_LISTEN, i, 0);
	}
	return -EADDRINUSE;
}

int dns_resolver_local(const struct dns_resolver *r, size_t i, struct dns_endpoint *ep)
{
	if (i >= r->nlis)
		return -ENOENT;
	ep->len = sizeof(ep->ss);
	return getsockname(r->lis[i].udp, (struct sockaddr *)&ep->ss, &ep->len) ? -errno : 0;
}

/* An upstream that is one of our own listeners would answer every query with itself. */
static bool is_own(const struct dns_resolver *r, const struct dns_endpoint *up)
{
	for (size_t i = 0; i < r->nlis; i++) {
		struct dns_endpoint ep;

		if (!dns_resolver_local(r, i, &ep) && ep.len == up->len &&
		    !memcmp(&ep.ss, &up->ss, ep.len))
			return true;
	}
	return false;
}

static int setup_upstreams(struct dns_resolver *r, char *err, size_t errlen)
{
	struct dns_resolver_config *c = &r->c;
	const char *conf = c->resolv_conf ? c->resolv_conf : "/etc/resolv.conf";
	char text[64];

	if (!c->nupstream) {
		int n = dns_resolv_conf(conf, c->upstream, DNS_UPSTREAM_MAX);

		if (n < 0) {
			snprintf(err, errlen, "no DNS upstream: %s has no usable nameserver (%s)",
				 conf, strerror(-n));
			return n;
		}
		c->nupstream = (size_t)n;
	}
	for (size_t i = 0; i < c->nupstream; i++) {
		if (!is_own(r, &c->upstream[i]))
			continue;
		dns_endpoint_text(&c->upstream[i], text, sizeof(text));
		snprintf(err, errlen, "DNS upstream %s is the resolver itself", text);
		return -ELOOP;
	}
	return 0;
}

static int setup(struct dns_resolver *r, char *err, size_t errlen)
{
	struct dns_resolver_config *c = &r->c;
	char text[64];
	int e;

	if (!c->hosts || !c->nlisten || c->nlisten > DNS_LISTEN_MAX ||
	    c->nupstream > DNS_UPSTREAM_MAX || !c->max_inflight || !c->max_tcp ||
	    c->ttl_min > c->ttl_max) {
		snprintf(err, errlen, "bad resolver configuration");
		return -EINVAL;
	}
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	r->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	r->q = calloc(c->max_inflight, sizeof(*r->q));
	r->conns = calloc(c->max_tcp, sizeof(*r->conns));
	r->scratch = malloc(DNS_MSG_MAX + 2);
	if (r->epfd < 0 || r->wake < 0 || !r->q || !r->conns || !r->scratch ||
	    dns_watch(r, EPOLL_CTL_ADD, r->wake, EPOLLIN, W_WAKE, 0, 0)) {
		snprintf(err, errlen, "cannot set up the resolver: %s", strerror(errno));
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < c->max_inflight; i++)
		r->q[i].fd = -1;
	for (unsigned int i = 0; i < c->nlisten; i++) {
		r->lis[i] = (struct listener){ -1, -1 };
		r->nlis = i + 1;
		e = listen_on(r, i, &c->listen[i]);
		if (e) {
			dns_endpoint_text(&c->listen[i], text, sizeof(text));
			snprintf(err, errlen, "cannot listen on %s: %s", text, strerror(-e));
			return e;
		}
	}
	e = setup_upstreams(r, err, errlen);
	if (!e && (e = dns_review_init(r)))
		snprintf(err, errlen, "cannot set up reviews: %s", strerror(-e));
	return e;
}

int dns_resolver_new(const struct dns_resolver_config *c, struct dns_resolver **ret, char *err,
		     size_t errlen)
{
	struct dns_resolver *r = calloc(1, sizeof(*r));
	int e;

	if (!r)
		return -ENOMEM;
	r->c = *c;
	r->epfd = -1;
	r->wake = -1;
	e = setup(r, err, errlen);
	if (e) {
		dns_resolver_free(r);
		return e;
	}
	*ret = r;
	return 0;
}

int dns_resolver_fd(const struct dns_resolver *r)
{
	return r->epfd;
}

static void udp_readable(struct dns_resolver *r, int fd)
{
	for (int i = 0; i < UDP_BATCH; i++) {
		struct client to = { .transport = IPPROTO_UDP, .udp_fd = fd };
		ssize_t n;

		to.addr.len = sizeof(to.addr.ss);
		n = recvfrom(fd, r->scratch, DNS_MSG_MAX, MSG_DONTWAIT,
			     (struct sockaddr *)&to.addr.ss, &to.addr.len);
		if (n < 0)
			return;
		dns_query_receive(r, r->scratch, (size_t)n, &to);
	}
}

static void handle(struct dns_resolver *r, uint64_t key, uint32_t events)
{
	enum watch_kind kind = (enum watch_kind)(key >> 56);
	unsigned int i = (unsigned int)(key >> 32) & 0xffffff;
	uint32_t gen = (uint32_t)key;
	uint64_t v;

	switch (kind) {
	case W_UDP:
		udp_readable(r, r->lis[i].udp);
		break;
	case W_LISTEN:
		dns_tcp_accept(r, r->lis[i].tcp);
		break;
	case W_CONN:
		if (i < r->c.max_tcp && r->conns[i] && r->conns[i]->gen == gen)
			dns_tcp_ready(r, r->conns[i], events);
		break;
	case W_UPSTREAM:
		if (i < r->c.max_inflight && r->q[i].fd >= 0 && r->q[i].sock_gen == gen)
			dns_upstream_ready(r, &r->q[i], events);
		break;
	case W_WAKE:
		if (read(r->wake, &v, sizeof(v)) < 0 && errno != EAGAIN)
			break;
		dns_review_collect(r);
		break;
	}
}

/* Answers the queries whose deadline passed; returns ms until the next one, or -1. */
static int expire(struct dns_resolver *r)
{
	uint64_t now = dns_now_ms(), next = UINT64_MAX;

	for (unsigned int i = 0; i < r->c.max_inflight; i++) {
		struct query *q = &r->q[i];

		if (q->state != Q_FREE && q->deadline <= now)
			dns_query_expire(r, q);
		if (q->state != Q_FREE && q->deadline < next)
			next = q->deadline;
	}
	dns_tcp_expire(r, now);
	for (unsigned int i = 0; i < r->c.max_tcp; i++)
		if (r->conns[i] && r->conns[i]->idle_deadline < next)
			next = r->conns[i]->idle_deadline;
	return next == UINT64_MAX ? -1 : (int)(next > now ? next - now : 0);
}

int dns_resolver_dispatch(struct dns_resolver *r, int timeout_ms)
{
	struct epoll_event ev[32];
	int wait = expire(r), n;

	if (wait < 0 || (timeout_ms >= 0 && timeout_ms < wait))
		wait = timeout_ms;
	n = epoll_wait(r->epfd, ev, 32, wait);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n && !r->stopping; i++)
		handle(r, ev[i].data.u64, ev[i].events);
	expire(r);
	return 0;
}

int dns_resolver_run(struct dns_resolver *r)
{
	int e = 0;

	while (!r->stopping && !e)
		e = dns_resolver_dispatch(r, -1);
	return e;
}

void dns_resolver_stop(struct dns_resolver *r)
{
	uint64_t one = 1;

	r->stopping = 1;
	if (write(r->wake, &one, sizeof(one)) < 0) {
		/* the counter is already non-zero: the loop wakes anyway */
	}
}

void dns_resolver_free(struct dns_resolver *r)
{
	if (!r)
		return;
	dns_review_free(r);
	for (unsigned int i = 0; r->q && i < r->c.max_inflight; i++) {
		dns_upstream_close(r, &r->q[i]);
		free(r->q[i].msg);
		free(r->q[i].ans);
	}
	if (r->conns)
		dns_tcp_close_all(r);
	for (size_t i = 0; i < r->nlis; i++) {
		dns_unwatch(r, &r->lis[i].udp);
		dns_unwatch(r, &r->lis[i].tcp);
	}
	if (r->wake >= 0)
		close(r->wake);
	if (r->epfd >= 0)
		close(r->epfd);
	free(r->q);
	free(r->conns);
	free(r->scratch);
	free(r);
}
