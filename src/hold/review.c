// SPDX-License-Identifier: GPL-2.0-only
/*
 * Review-class calls: the agent's call stays held while the local jury
 * votes, each on a worker thread of its own so that other calls of the
 * agent are answered meanwhile. The supervisor talks only to the local
 * socket (the jury asks a cloud judge itself, if it has one), bounds the
 * whole exchange by the rulebook's review deadline, and takes only the
 * verdict from the answer. An exec's review carries its context: the
 * script of the shell it came from and its ancestors' programs
 * (context.c).
 *
 * Fail closed everywhere: no jury, a timeout, an error, a malformed answer,
 * too many reviews at once or an approval that cannot be stored are all
 * EPERM. An "allow" is never trusted by itself: it becomes a one-shot
 * approval bound to the object (abi.h), which the kernel checks on what
 * it really uses.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "events/events.h"
#include "hold/internal.h"
#include "review/client.h"
#include "sevorix/abi.h"

struct held {
	struct hold *h;
	struct trapped t;
	int tgid;		/* connect: the approval's key (exec: t.pid, the thread) */
	struct timespec t0;
	bool exec;
	struct exec_call c;		/* exec: argv owned here */
	char rule[4200];		/* policy_rule_name() of the deciding rule */
	struct sx_net_approval k;	/* connect */
	char target[64];
	char host[256];			/* connect: the name of the address, or "" */
	char cwd[4096];
};

static long elapsed_us(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000000L + (now.tv_nsec - t0->tv_nsec) / 1000;
}

static void fill_review(const struct held *w, const struct hold_context *ctx, struct review *r,
			char *addr, size_t addrlen)
{
	const struct policy *p = w->h->p;
	size_t argc = 0;

	memset(r, 0, sizeof(*r));
	r->port = -1;
	r->workspace = p->builtin[2].value;
	if (w->exec) {
		while (w->c.argv[argc])
			argc++;
		r->kind = REVIEW_EXEC;
		r->path = w->c.f[0].path;
		r->argv = (const char *const *)w->c.argv;
		r->argc = argc;
		r->cwd = w->cwd[0] ? w->cwd : NULL;
		r->script = ctx->script;
		r->script_cut = ctx->script_cut;
		r->parents = (const char *const *)ctx->parents;
		r->nparents = ctx->nparents;
	} else {
		r->kind = REVIEW_CONNECT;
		r->family = w->k.family == 2 ? "inet" : "inet6";
		snprintf(addr, addrlen, "%s", w->target);
		r->addr = addr;
		r->port = w->k.port;
		r->host = w->host[0] ? w->host : NULL;
	}
	r->run = ctx->run[0] ? ctx->run : NULL;
	r->has_uid = ctx->has_uid;
	r->uid = ctx->uid;
}

/* Asks the jury; 0 when it allowed within the deadline. *ans is always to be freed. */
static int ask(struct held *w, struct review_answer *ans)
{
	struct hold_context ctx = { 0 };
	char addr[64], *body = NULL;
	struct review r;
	size_t len;
	long left;
	int e;

	memset(ans, 0, sizeof(*ans));
	/* a context that cannot be read is left out: it could only have made the verdict
	 * stricter, and the jury still judges the call itself (and a person's approval
	 * without the agent's uid is refused by the jury) */
	hold_read_context(w->t.pid, &ctx);
	fill_review(w, &ctx, &r, addr, sizeof(addr));
	left = (long)w->h->p->review_deadline_ms - elapsed_us(&w->t0) / 1000;
	if (left <= 0) {
		hold_context_free(&ctx);
		return -ETIMEDOUT;
	}
	e = review_encode(&r, &body, &len);
	e = e ?: review_submit(w->h->jury, body, len, left, ans);
	free(body);
	hold_context_free(&ctx);
	if (e)
		return e;
	return ans->verdict == VOTE_ALLOW ? 0 : -EPERM;
}

static int approve(struct held *w)
{
	__u8 one = 1;

	/* the jury judged this argv: the kernel checks every byte of it */
	if (w->exec) {
		w->c.bind_argv = true;
		return hold_approve_exec(w->h, w->t.pid, &w->c);
	}
	return bpf_map_update_elem(w->h->net_approvals, &w->k, &one, BPF_ANY) ? -errno : 0;
}

static void *worker(void *arg)
{
	struct held *w = arg;
	struct review_answer ans;
	int e = ask(w, &ans);
	char target[4200], why[4200];

	if (e == 0)
		e = approve(w); /* an allow that cannot be bound to its object is a deny */
	if (w->exec)
		snprintf(target, sizeof(target), "%s", w->c.f[0].path);
	else
		snprintf(target, sizeof(target), w->k.family == 2 ? "%s:%u" : "[%s]:%u",
			 w->target, w->k.port);
	if (review_unreachable(e))
		snprintf(why, sizeof(why), "jury unreachable: %s", w->h->jury);
	else
		snprintf(why, sizeof(why), "%s", e && e != -EPERM ? strerror(-e) : "");
	if (w->h->ev)
		events_review(w->h->ev, w->t.pid, w->exec ? "exec" : "connect", target,
			      w->exec ? w->c.argv : NULL, e == 0, w->rule, ans.json,
			      why[0] ? why : NULL, elapsed_us(&w->t0));
	/* answered after its event is written: the run's summary, written once the
	 * agent is done, then counts it */
	hold_respond(w->h, &w->t, e == 0 ? 0 : -EPERM);
	review_answer_free(&ans);
	if (w->exec)
		hold_call_free(&w->c);
	__atomic_sub_fetch(&w->h->workers, 1, __ATOMIC_SEQ_CST);
	free(w);
	return NULL;
}

/* Starts the worker; on any failure the call is denied at once (fail closed). */
static int start(struct held *w)
{
	pthread_attr_t attr;
	pthread_t th;
	int e;

	clock_gettime(CLOCK_MONOTONIC, &w->t0);
	if (w->h->stopping ||
	    __atomic_add_fetch(&w->h->workers, 1, __ATOMIC_SEQ_CST) > HOLD_MAX_WORKERS) {
		if (!w->h->stopping)
			__atomic_sub_fetch(&w->h->workers, 1, __ATOMIC_SEQ_CST);
		return -EPERM;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	e = pthread_create(&th, &attr, worker, w);
	pthread_attr_destroy(&attr);
	if (e) {
		__atomic_sub_fetch(&w->h->workers, 1, __ATOMIC_SEQ_CST);
		return -EPERM;
	}
	return HOLD_HELD;
}

int hold_review_exec(struct hold *h, const struct trapped *t, struct exec_call *c,
		     const struct exec_rule *rule)
{
	struct held *w = calloc(1, sizeof(*w));
	char link[64];
	ssize_t n;
	int e;

	if (!w) {
		hold_call_free(c);
		return -EPERM;
	}
	*w = (struct held){ .h = h, .t = *t, .exec = true, .c = *c };
	policy_rule_name(rule ? &rule->loc : NULL, w->rule, sizeof(w->rule));
	w->t.proc = w->t.root = -1; /* closed when the call was handed on */
	snprintf(link, sizeof(link), "/proc/%d/cwd", t->pid);
	n = readlink(link, w->cwd, sizeof(w->cwd) - 1);
	w->cwd[n > 0 ? n : 0] = 0;
	e = start(w);
	if (e != HOLD_HELD) {
		hold_call_free(&w->c);
		free(w);
	}
	return e;
}

int hold_review_connect(struct hold *h, const struct trapped *t,
			const struct sx_net_approval *k, const char *text, const char *host,
			const struct net_rule *rule)
{
	struct held *w = calloc(1, sizeof(*w));
	int e;

	if (!w)
		return -EPERM;
	*w = (struct held){ .h = h, .t = *t, .tgid = k->tgid, .k = *k };
	policy_rule_name(rule ? &rule->loc : NULL, w->rule, sizeof(w->rule));
	w->t.proc = w->t.root = -1; /* closed when the call was handed on */
	snprintf(w->target, sizeof(w->target), "%s", text);
	snprintf(w->host, sizeof(w->host), "%s", host ?: "");
	e = start(w);
	if (e != HOLD_HELD)
		free(w);
	return e;
}
