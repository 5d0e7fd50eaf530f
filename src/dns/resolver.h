/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The run's resolver: a small DNS server on UDP and TCP that answers every
 * lookup of the agent (the kernel layer sends it every port-53 packet).
 *
 * For each query it decides the name with the host rules (match.h):
 *  - deny, or no rule and a deny default: answered here with NXDOMAIN and
 *    never forwarded, so a lookup cannot carry data out. NXDOMAIN, not
 *    REFUSED: a stub resolver takes NXDOMAIN as final, while REFUSED makes
 *    glibc, c-ares and Go try every other server and then report a
 *    temporary failure (EAI_AGAIN), the "it looks like an outage" that a
 *    policy must not produce; the event log says which rule refused it.
 *  - review: the review callback decides on a worker thread, within
 *    review_ms; anything but allow, or no answer in time, is a deny.
 *  - allow: forwarded to the upstream servers, one after the other, each
 *    within timeout_ms. The answer must parse (wire.h) and match the
 *    question; then every address at the end of its CNAME chain is handed
 *    to the learn callback, and only when all of them were taken does the
 *    answer go back to the client, so the agent's first connect finds the
 *    address already in the kernel.
 * Fail closed: an upstream that times out or answers something malformed,
 * too many addresses, or a learn callback that fails: SERVFAIL and nothing
 * learnt (addresses learnt before the failure expire as usual). Bounds:
 * queries in flight (max_inflight), TCP clients (max_tcp, each with at
 * most DNS_TCP_PIPELINE queries and DNS_TCP_OUT_MAX bytes of replies
 * waiting), a message is at most 65535 bytes, a TCP client that sends
 * nothing for DNS_TCP_IDLE_MS is closed. A query beyond max_inflight gets
 * SERVFAIL, a connection beyond max_tcp is closed at once, a connection
 * with a full pipeline is not read until one of its queries is answered.
 *
 * Zone transfers (AXFR, IXFR), classes other than IN and opcodes other
 * than QUERY are answered here (REFUSED, NOTIMP): they are not lookups.
 *
 * One thread runs the loop: dns_resolver_run(), or dns_resolver_dispatch()
 * from another loop that polls dns_resolver_fd(). The learn and event
 * callbacks run on that thread; only review runs on worker threads.
 */
#ifndef SEVORIX_DNS_RESOLVER_H
#define SEVORIX_DNS_RESOLVER_H

#include <stdint.h>
#include <sys/socket.h>

#include "dns/match.h"

#define DNS_LISTEN_MAX 4
#define DNS_UPSTREAM_MAX 3		/* as glibc's MAXNS */
#define DNS_ADDRS_MAX 64		/* addresses learnt from one answer */
#define DNS_TCP_PIPELINE 16
#define DNS_TCP_OUT_MAX (4 * 65537)
#define DNS_TCP_IDLE_MS 10000

struct dns_endpoint {
	struct sockaddr_storage ss;
	socklen_t len;
};

/*
 * "192.0.2.53", "192.0.2.53:5353", "2001:db8::53", "[2001:db8::53]:5353".
 * Returns 0 or -EINVAL.
 */
int dns_endpoint_parse(const char *text, uint16_t default_port, struct dns_endpoint *ep);
/* "addr:port" or "[addr]:port"; returns the length or -ENOSPC. */
int dns_endpoint_text(const struct dns_endpoint *ep, char *out, size_t cap);
/*
 * The nameserver lines of a resolv.conf(5), port 53, at most max. Returns
 * how many, -ENOENT when there is none, or another -errno.
 */
int dns_resolv_conf(const char *path, struct dns_endpoint *out, size_t max);

/* An address learnt for an allowed name. */
struct dns_learnt {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network byte order; IPv4 in addr[0..3] */
	uint64_t expires_ns;	/* CLOCK_BOOTTIME (bpf_ktime_get_boot_ns): now + ttl + grace */
	uint32_t ttl;		/* the answer's TTL clamped to [ttl_min, ttl_max], seconds */
	int rule;		/* the id of the host rule that allowed the name, -1: default */
	const char *name;	/* the name asked, lower case, no trailing dot */
};

struct dns_addr;

/* One decision, when the client has been answered. */
struct dns_event {
	const char *name;	/* as in dns_learnt */
	uint16_t qtype;
	enum sx_action verdict;	/* allow: forwarded; deny: answered here */
	int rule;		/* the deciding host rule's id, -1: the default */
	int reviewed;		/* a review rule matched and the callback decided (or timed out) */
	unsigned int rcode;	/* what the client got */
	unsigned int naddrs;	/* addresses learnt */
	const struct dns_addr *addrs; /* naddrs of them, or NULL */
	int transport;		/* IPPROTO_UDP or IPPROTO_TCP */
	const char *why;	/* a short reason for a local answer or a failure, else NULL */
};

struct dns_resolver_config {
	struct dns_endpoint listen[DNS_LISTEN_MAX];	/* UDP and TCP on each; port 0 picks one */
	size_t nlisten;
	struct dns_endpoint upstream[DNS_UPSTREAM_MAX];
	size_t nupstream;		/* 0: the nameservers of resolv_conf */
	const char *resolv_conf;	/* default /etc/resolv.conf */
	const struct dns_hosts *hosts;	/* must outlive the resolver */
	unsigned int ttl_min, ttl_max;	/* seconds (30, 3600) */
	unsigned int grace;		/* seconds added to every expiry (5) */
	unsigned int timeout_ms;	/* per upstream (2000) */
	unsigned int review_ms;		/* review deadline (1000) */
	unsigned int max_inflight;	/* queries forwarded or in review (256) */
	unsigned int max_tcp;		/* client TCP connections (64) */
	unsigned int max_reviews;	/* review threads at once (8); beyond: deny */
	/* 0 when stored; anything else fails the lookup (SERVFAIL) */
	int (*learn)(void *ctx, const struct dns_learnt *l);
	void (*event)(void *ctx, const struct dns_event *e);
	/* May block; called on a worker thread; NULL: every review is a deny. */
	enum sx_action (*review)(void *ctx, const char *name, uint16_t qtype, int rule);
	void *ctx;
};

/* The defaults above, one listener on 127.0.0.1 port 0, no callbacks. */
void dns_resolver_config_init(struct dns_resolver_config *c);

struct dns_resolver;
/* Binds the listeners. Returns 0 or -errno (*err says why). */
int dns_resolver_new(const struct dns_resolver_config *c, struct dns_resolver **ret, char *err,
		     size_t errlen);
/* Listener i as bound (its port chosen when it was 0). Returns 0 or -ENOENT. */
int dns_resolver_local(const struct dns_resolver *r, size_t i, struct dns_endpoint *ep);
/* An epoll fd, readable when dns_resolver_dispatch() has work. */
int dns_resolver_fd(const struct dns_resolver *r);
/* Waits up to timeout_ms (-1: no limit), handles what is ready. Returns 0 or -errno. */
int dns_resolver_dispatch(struct dns_resolver *r, int timeout_ms);
/* Dispatches until dns_resolver_stop(). Returns 0 or -errno. */
int dns_resolver_run(struct dns_resolver *r);
/* From any thread or a signal handler. */
void dns_resolver_stop(struct dns_resolver *r);
/* Closes everything; waits for review threads still running. Accepts NULL. */
void dns_resolver_free(struct dns_resolver *r);

#endif
