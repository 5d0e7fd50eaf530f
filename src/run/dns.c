// SPDX-License-Identifier: GPL-2.0-only
/*
 * The run's resolver (docs/dns.md), for a `sevorix run` whose policy
 * names hosts: the resolver of src/dns/ on 127.0.0.1 and ::1, on a thread
 * of the supervisor, wired to the rest of the run. Its learn callback
 * writes the kernel's map (net/) and then the table of names that events
 * and the hold read; its event callback writes `kind: dns` events; its
 * review callback asks the jury with the name.
 *
 * The thread lives and dies with the supervisor. If the supervisor dies,
 * its listeners go with it: a redirected lookup then fails at once
 * (ECONNREFUSED, a reset), nothing is learnt any more, and the kernel
 * denies whatever it never learnt (fail closed).
 *
 * What the callbacks need is copied here when the resolver starts (host
 * rules, ports, the review deadline, the jury's socket), so that a policy
 * replaced by `sevorix policy apply` cannot pull anything from under the
 * thread (and apply refuses to change a run whose policy names hosts:
 * apply/maps.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/names.h"
#include "dns/resolver.h"
#include "dns/wire.h"
#include "events/events.h"
#include "net/net.h"
#include "review/client.h"
#include "run/internal.h"
#include "util/log.h"

/* What a review and its event need of a host rule. */
struct host_rule {
	int first_port;		/* -1: every port */
	struct policy_loc loc;	/* its file is file */
	char *file;
	char *name;		/* policy_rule_name() */
};

struct run_dns {
	struct dns_resolver *r;
	struct dns_hosts *hosts; /* what the resolver decides by (audit: all allowed) */
	struct dns_hosts *real;	 /* the policy's host rules */
	struct dns_names *names;
	struct netlayer *nl;
	struct events *ev;
	bool audit;
	struct host_rule *rule; /* by rule id */
	size_t nrules;
	char *jury;
	unsigned int deadline_ms;
	char *workspace;
	pthread_t thread;
	bool running;
};

static int learn(void *ctx, const struct dns_learnt *l)
{
	struct run_dns *d = ctx;
	int r = netlayer_learn(d->nl, l);

	/* fail closed: what the kernel did not take is not named either (SERVFAIL) */
	if (r == 0)
		dns_names_add(d->names, l);
	return r;
}

static const char *qtype_name(unsigned int t, char *buf, size_t len)
{
	switch (t) {
	case DNS_TYPE_A:
		return "A";
	case DNS_TYPE_AAAA:
		return "AAAA";
	case DNS_TYPE_CNAME:
		return "CNAME";
	case DNS_TYPE_TXT:
		return "TXT";
	case DNS_TYPE_PTR:
		return "PTR";
	case DNS_TYPE_NS:
		return "NS";
	case DNS_TYPE_SOA:
		return "SOA";
	}
	snprintf(buf, len, "TYPE%u", t); /* RFC 3597's name for a type without one */
	return buf;
}

static void on_event(void *ctx, const struct dns_event *e)
{
	struct run_dns *d = ctx;
	char text[DNS_ADDRS_MAX][INET6_ADDRSTRLEN], qt[16];
	const char *answers[DNS_ADDRS_MAX + 1];
	enum sx_action verdict = e->verdict;
	int rule = e->rule;
	size_t n = 0;

	if (!d->ev)
		return;
	if (d->audit && d->real) {
		/* the resolver let it through; the event says what the rules say */
		struct dns_match m = dns_hosts_match(d->real, e->name);

		verdict = m.action;
		rule = m.rule;
	}
	for (unsigned int i = 0; i < e->naddrs && n < DNS_ADDRS_MAX; i++)
		if (inet_ntop(e->addrs[i].family, e->addrs[i].addr, text[n], sizeof(text[n])))
			answers[n] = text[n], n++;
	answers[n] = NULL;
	events_dns(d->ev, 0, e->name, qtype_name(e->qtype, qt, sizeof(qt)), verdict,
		   rule >= 0 && (size_t)rule < d->nrules ? &d->rule[rule].loc : NULL, answers);
}

static long elapsed_us(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000000L + (now.tv_nsec - t0->tv_nsec) / 1000;
}

/* A name a review rule matched: the jury sees the name, with the rule's first port. */
static enum sx_action review(void *ctx, const char *name, uint16_t qtype, int rule)
{
	struct run_dns *d = ctx;
	struct review rv = {
		.kind = REVIEW_CONNECT, .host = name, .port = -1, .workspace = d->workspace
	};
	struct review_answer ans = { 0 };
	struct timespec t0;
	char *body = NULL;
	size_t len;
	int e;

	(void)qtype;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (rule >= 0 && (size_t)rule < d->nrules)
		rv.port = d->rule[rule].first_port;
	e = review_encode(&rv, &body, &len);
	e = e ?: review_submit(d->jury, body, len, (int)d->deadline_ms, &ans);
	free(body);
	if (!e && ans.verdict != VOTE_ALLOW)
		e = -EPERM;
	if (d->ev)
		events_review(d->ev, 0, "dns", name, NULL, e == 0,
			      rule >= 0 && (size_t)rule < d->nrules ? d->rule[rule].name : "default",
			      ans.json, e && e != -EPERM ? strerror(-e) : NULL, elapsed_us(&t0));
	review_answer_free(&ans);
	return e == 0 ? SX_ALLOW : SX_DENY; /* fail closed: anything but the jury's allow */
}

/* The host rules of p as the matcher takes them; audit: every one allows, as the default. */
static int build_hosts(const struct policy *p, bool permissive, struct dns_hosts **ret)
{
	struct dns_host_rule *v = calloc(p->nnet_rules + 1, sizeof(*v));
	size_t n = 0, bad;
	int r;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < p->nnet_rules; i++)
		if (p->net_rules[i].kind == NET_RULE_HOST)
			v[n++] = (struct dns_host_rule){ p->net_rules[i].host,
							 permissive ? SX_ALLOW :
								      p->net_rules[i].action,
							 p->net_rules[i].id };
	r = dns_hosts_new(v, n, permissive ? SX_ALLOW : p->network.def, ret, &bad);
	free(v);
	return r;
}

/* What the callbacks read, copied from p (see the top of the file). */
static int copy_policy(struct run_dns *d, const struct policy *p, const char *jury)
{
	char name[4200];
	int r;

	d->audit = p->mode == SX_MODE_AUDIT;
	d->deadline_ms = p->review_deadline_ms;
	d->jury = strdup(jury ?: p->jury_local);
	d->workspace = p->builtin[POLICY_VAR_WORKSPACE].value
			       ? strdup(p->builtin[POLICY_VAR_WORKSPACE].value)
			       : NULL;
	d->nrules = p->nnet_rules;
	d->rule = calloc(p->nnet_rules + 1, sizeof(*d->rule));
	if (!d->jury || !d->rule)
		return -ENOMEM;
	for (size_t i = 0; i < p->nnet_rules; i++) {
		struct host_rule *h = &d->rule[i];

		h->first_port = p->net_rules[i].nports ? p->net_rules[i].ports[0].lo : -1;
		h->loc = p->net_rules[i].loc;
		h->file = h->loc.file ? strdup(h->loc.file) : NULL;
		if (h->loc.file && !h->file)
			return -ENOMEM;
		h->loc.file = h->file;
		policy_rule_name(&h->loc, name, sizeof(name));
		h->name = strdup(name);
		if (!h->name)
			return -ENOMEM;
	}
	r = build_hosts(p, false, &d->real);
	return r ?: build_hosts(p, d->audit, &d->hosts);
}

/* The resolver's settings from network.dns. Returns 0 or -EINVAL (*err says why). */
static int config(struct run_dns *d, const struct policy *p, struct dns_resolver_config *c,
		  bool ip6, char *err, size_t errlen)
{
	struct sockaddr_in6 *lo6 = (struct sockaddr_in6 *)&c->listen[1].ss;

	dns_resolver_config_init(c);
	if (ip6) {
		lo6->sin6_family = AF_INET6;
		lo6->sin6_addr = in6addr_loopback;
		c->listen[1].len = sizeof(*lo6);
		c->nlisten = 2;
	}
	for (size_t i = 0; i < p->dns.nupstream; i++) {
		if (dns_endpoint_parse(p->dns.upstream[i], 53, &c->upstream[i]) < 0) {
			snprintf(err, errlen, "%s:%u: bad upstream '%s'", p->file, p->dns.loc.line,
				 p->dns.upstream[i]);
			return -EINVAL;
		}
	}
	c->nupstream = p->dns.nupstream;
	c->hosts = d->hosts;
	c->ttl_min = p->dns.ttl_min;
	c->ttl_max = p->dns.ttl_max;
	c->grace = p->dns.grace;
	c->review_ms = p->review_deadline_ms;
	c->learn = learn;
	c->event = on_event;
	c->review = review;
	c->ctx = d;
	return 0;
}

/*
 * /etc/hosts never reaches DNS: the addresses of its names that an allow
 * host rule matches are learnt for the whole run, read once at start
 * (later changes to the file are not followed). No lookup is held for a
 * review rule here: such names are judged by cidr rules alone.
 */
static void learn_etc_hosts(struct run_dns *d, const char *path)
{
	FILE *f = fopen(path, "re");
	char line[1024];

	while (f && fgets(line, sizeof(line), f)) {
		struct dns_learnt l = { .expires_ns = ~0ull };
		char *save = NULL, *tok, *c = strchr(line, '#');

		if (c)
			*c = 0;
		tok = strtok_r(line, " \t\r\n", &save);
		if (!tok)
			continue;
		l.family = strchr(tok, ':') ? AF_INET6 : AF_INET;
		if (inet_pton(l.family, tok, l.addr) != 1)
			continue;
		while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
			struct dns_match m = dns_hosts_match(d->real, tok);

			for (char *x = tok; *x; x++)
				*x = (char)(*x >= 'A' && *x <= 'Z' ? *x - 'A' + 'a' : *x);
			l.rule = m.rule;
			l.name = tok;
			if (m.action == SX_ALLOW && m.rule >= 0 && learn(d, &l) < 0)
				log_warn("%s: %s: cannot learn its address", path, tok);
		}
	}
	if (f)
		fclose(f);
}

/* Binds the listeners, on ::1 too when this machine has it. */
static int bind_resolver(struct run_dns *d, const struct policy *p, char *err, size_t errlen)
{
	struct dns_resolver_config c;
	struct dns_endpoint ep4, ep6;
	int r = config(d, p, &c, true, err, errlen);

	if (r == 0 && dns_resolver_new(&c, &d->r, err, errlen) < 0)
		r = config(d, p, &c, false, err, errlen) ?:
							   dns_resolver_new(&c, &d->r, err, errlen);
	if (r < 0)
		return r;
	r = dns_resolver_local(d->r, 0, &ep4);
	if (r == 0)
		r = netlayer_set_resolver(d->nl, &ep4,
					  dns_resolver_local(d->r, 1, &ep6) == 0 ? &ep6 : NULL);
	if (r < 0)
		snprintf(err, errlen, "cannot point the network layer at the resolver: %s",
			 strerror(-r));
	return r;
}

int run_dns_open(const struct policy *p, const char *jury, struct netlayer *nl,
		 struct run_dns **ret, char *err, size_t errlen)
{
	struct run_dns *d = calloc(1, sizeof(*d));
	int r;

	if (!d)
		return -ENOMEM;
	d->nl = nl;
	r = copy_policy(d, p, jury);
	r = r ?: dns_names_new(&d->names);
	if (r < 0)
		snprintf(err, errlen, "cannot prepare the host rules: %s", strerror(-r));
	r = r ?: bind_resolver(d, p, err, errlen);
	if (r < 0) {
		run_dns_close(d);
		return r;
	}
	learn_etc_hosts(d, "/etc/hosts");
	*ret = d;
	return 0;
}

static void *resolver_thread(void *arg)
{
	struct run_dns *d = arg;
	int r = dns_resolver_run(d->r);

	/* fail closed: lookups fail from now on, and nothing more is learnt */
	if (r < 0)
		log_error("the run's resolver stopped: %s", strerror(-r));
	return NULL;
}

int run_dns_start(struct run_dns *d, struct events *ev)
{
	int r;

	d->ev = ev;
	r = pthread_create(&d->thread, NULL, resolver_thread, d);
	if (r)
		return -r;
	d->running = true;
	return 0;
}

struct dns_names *run_dns_names(const struct run_dns *d)
{
	return d ? d->names : NULL;
}

void run_dns_stop(struct run_dns *d)
{
	if (!d || !d->running)
		return;
	dns_resolver_stop(d->r);
	pthread_join(d->thread, NULL);
	d->running = false;
}

void run_dns_close(struct run_dns *d)
{
	if (!d)
		return;
	run_dns_stop(d);
	dns_resolver_free(d->r);
	dns_hosts_free(d->hosts);
	dns_hosts_free(d->real);
	dns_names_free(d->names);
	for (size_t i = 0; d->rule && i < d->nrules; i++) {
		free(d->rule[i].file);
		free(d->rule[i].name);
	}
	free(d->rule);
	free(d->jury);
	free(d->workspace);
	free(d);
}
