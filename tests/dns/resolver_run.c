// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs the run's resolver (src/dns/resolver.h) as a process, for the
 * tests and the benchmark, until SIGTERM or SIGINT. It prints one line per
 * callback on stdout, flushed at once:
 *   listening ADDR:PORT
 *   learn NAME ADDR ttl=T rule=R expires_in=MS
 *   event NAME qtype=T verdict=V rule=R rcode=RCODE addrs=N via=udp|tcp why=...
 *   review NAME rule=R
 *
 * usage: resolver_run [--listen ADDR[:P]]... [--upstream A[:P]]... [--resolv-conf F]
 *          [--default allow|deny|review] [--ttl-min S] [--ttl-max S] [--grace S]
 *          [--timeout-ms N] [--review-ms N] [--max-inflight N] [--max-tcp N]
 *          [--max-reviews N] [--review-allow NAME]... [--review-sleep-ms N]
 *          [--learn-delay-ms N] [--learn-fail NAME] [--quiet] ACTION:HOST...
 * A --listen without a port takes a free one. The review callback allows the --review-allow names and denies the rest,
 * after --review-sleep-ms (names whose first label is "slow" sleep 4 times
 * as long). The learn callback sleeps --learn-delay-ms before it prints
 * (so a reply sent before it would be seen first), and fails for
 * --learn-fail. Rule ids are the ACTION:HOST arguments' indexes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dns/resolver.h"
#include "dns/wire.h"

struct opts {
	const char *allow[16];
	int nallow;
	unsigned int review_sleep_ms;
	unsigned int learn_delay_ms;
	const char *learn_fail;
	int quiet;
};

static struct dns_resolver *running;

static void on_signal(int sig)
{
	(void)sig;
	if (running)
		dns_resolver_stop(running);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (ms && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static uint64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int learn(void *ctx, const struct dns_learnt *l)
{
	const struct opts *o = ctx;
	char a[INET6_ADDRSTRLEN];

	sleep_ms(o->learn_delay_ms);
	if (o->learn_fail && !strcmp(o->learn_fail, l->name))
		return -ENOSPC;
	inet_ntop(l->family, l->addr, a, sizeof(a));
	if (!o->quiet)
		printf("learn %s %s ttl=%u rule=%d expires_in=%lld\n", l->name, a, l->ttl, l->rule,
		       (long long)(l->expires_ns - boot_ns()) / 1000000);
	fflush(stdout);
	return 0;
}

static void event(void *ctx, const struct dns_event *e)
{
	const struct opts *o = ctx;

	if (o->quiet)
		return;
	printf("event %s qtype=%u verdict=%s rule=%d rcode=%s addrs=%u via=%s%s why=%s\n", e->name,
	       e->qtype, sx_action_name(e->verdict), e->rule, dns_rcode_name(e->rcode),
	       e->naddrs, e->transport == IPPROTO_TCP ? "tcp" : "udp",
	       e->reviewed ? " reviewed" : "", e->why ? e->why : "-");
	fflush(stdout);
}

static enum sx_action review(void *ctx, const char *name, uint16_t qtype, int rule)
{
	const struct opts *o = ctx;

	(void)qtype;
	printf("review %s rule=%d\n", name, rule);
	fflush(stdout);
	sleep_ms(strncmp(name, "slow.", 5) ? o->review_sleep_ms : 4 * o->review_sleep_ms);
	for (int i = 0; i < o->nallow; i++)
		if (!strcmp(o->allow[i], name))
			return SX_ALLOW;
	return SX_DENY;
}

static int action_of(const char *s, enum sx_action *a)
{
	static const char *const names[] = { "allow", "review", "deny" };

	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*a = (enum sx_action)i;
			return 0;
		}
	return -EINVAL;
}

static int endpoint(const char *text, uint16_t port, struct dns_endpoint *v, size_t *n,
		    size_t max)
{
	if (*n >= max || dns_endpoint_parse(text, port, &v[*n]))
		return -EINVAL;
	(*n)++;
	return 0;
}

/* Parses one option into c or o; returns 0 or -EINVAL. */
static int option(int ch, const char *arg, struct dns_resolver_config *c, struct opts *o,
		  enum sx_action *def, size_t *nlisten)
{
	unsigned int v = (unsigned int)strtoul(arg ? arg : "0", NULL, 10);

	switch (ch) {
	case 'l': return endpoint(arg, 0, c->listen, nlisten, DNS_LISTEN_MAX);
	case 'u': return endpoint(arg, 53, c->upstream, &c->nupstream, DNS_UPSTREAM_MAX);
	case 'c': c->resolv_conf = arg; return 0;
	case 'd': return action_of(arg, def);
	case 'm': c->ttl_min = v; return 0;
	case 'M': c->ttl_max = v; return 0;
	case 'g': c->grace = v; return 0;
	case 't': c->timeout_ms = v; return 0;
	case 'r': c->review_ms = v; return 0;
	case 'i': c->max_inflight = v; return 0;
	case 'T': c->max_tcp = v; return 0;
	case 'R': c->max_reviews = v; return 0;
	case 'a': if (o->nallow >= 16) return -EINVAL; o->allow[o->nallow++] = arg; return 0;
	case 's': o->review_sleep_ms = v; return 0;
	case 'L': o->learn_delay_ms = v; return 0;
	case 'F': o->learn_fail = arg; return 0;
	case 'q': o->quiet = 1; return 0;
	}
	return -EINVAL;
}

static int rules_of(char **argv, int n, enum sx_action def, struct dns_hosts **ret)
{
	struct dns_host_rule *r = calloc((size_t)n + 1, sizeof(*r));
	size_t bad = 0;
	int e = r ? 0 : -ENOMEM;

	for (int i = 0; i < n && !e; i++) {
		char *colon = strchr(argv[i], ':');

		if (!colon)
			e = -EINVAL;
		else
			*colon = 0;
		if (!e && action_of(argv[i], &r[i].action))
			e = -EINVAL;
		if (!e)
			r[i] = (struct dns_host_rule){ colon + 1, r[i].action, (unsigned int)i };
	}
	if (!e)
		e = dns_hosts_new(r, (size_t)n, def, ret, &bad);
	free(r);
	return e;
}

static int serve(struct dns_resolver_config *c)
{
	struct dns_endpoint ep;
	char err[256], text[64];
	int e = dns_resolver_new(c, &running, err, sizeof(err));

	if (e) {
		fprintf(stderr, "resolver_run: %s\n", err);
		return 1;
	}
	for (size_t i = 0; dns_resolver_local(running, i, &ep) == 0; i++) {
		dns_endpoint_text(&ep, text, sizeof(text));
		printf("listening %s\n", text);
	}
	fflush(stdout);
	e = dns_resolver_run(running);
	dns_resolver_free(running);
	return e ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "listen", 1, 0, 'l' },      { "upstream", 1, 0, 'u' },
		{ "resolv-conf", 1, 0, 'c' }, { "default", 1, 0, 'd' },
		{ "ttl-min", 1, 0, 'm' },     { "ttl-max", 1, 0, 'M' },
		{ "grace", 1, 0, 'g' },	      { "timeout-ms", 1, 0, 't' },
		{ "review-ms", 1, 0, 'r' },   { "max-inflight", 1, 0, 'i' },
		{ "max-tcp", 1, 0, 'T' },     { "max-reviews", 1, 0, 'R' },
		{ "review-allow", 1, 0, 'a' }, { "review-sleep-ms", 1, 0, 's' },
		{ "learn-delay-ms", 1, 0, 'L' }, { "learn-fail", 1, 0, 'F' },
		{ "quiet", 0, 0, 'q' },	      { 0 },
	};
	struct dns_resolver_config c;
	struct opts o = { 0 };
	enum sx_action def = SX_DENY;
	struct dns_hosts *hosts = NULL;
	size_t nlisten = 0;
	int ch, status;

	dns_resolver_config_init(&c);
	while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1)
		if (option(ch, optarg, &c, &o, &def, &nlisten)) {
			fprintf(stderr, "resolver_run: bad option (see the source's usage)\n");
			return 2;
		}
	c.nlisten = nlisten ? nlisten : 1;
	if (rules_of(argv + optind, argc - optind, def, &hosts)) {
		fprintf(stderr, "resolver_run: bad rule (ACTION:HOST)\n");
		return 2;
	}
	c.hosts = hosts;
	c.learn = learn;
	c.event = event;
	c.review = review;
	c.ctx = &o;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	status = serve(&c);
	dns_hosts_free(hosts);
	return status;
}
