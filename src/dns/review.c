// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names matched by a review rule: the review callback may take as long
 * as a jury does, so it runs on a worker thread of its own, and the loop
 * goes on answering other queries. A worker only calls the callback,
 * stores the verdict and wakes the loop (the eventfd); the loop takes the
 * verdict and goes on with the query if it is still waiting for it (the
 * query's slot and generation), or drops it if its deadline came first.
 *
 * Fail closed: no callback, no free worker (max_reviews at once), a thread
 * that cannot start, an answer after the deadline or anything but allow
 * all answer NXDOMAIN, never forward.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/internal.h"

struct job {
	struct dns_resolver *r;
	pthread_t thread;
	bool used;
	bool done;
	unsigned int slot;
	uint32_t gen;
	char name[DNS_NAME_TEXT_MAX];
	uint16_t qtype;
	int rule;
	enum sx_action verdict;
};

struct reviews {
	pthread_mutex_t lock;
	struct job *jobs;	/* c.max_reviews */
};

int dns_review_init(struct dns_resolver *r)
{
	struct reviews *rv = calloc(1, sizeof(*rv));

	if (!rv)
		return -ENOMEM;
	rv->jobs = calloc(r->c.max_reviews + 1, sizeof(*rv->jobs));
	if (!rv->jobs) {
		free(rv);
		return -ENOMEM;
	}
	pthread_mutex_init(&rv->lock, NULL);
	r->rv = rv;
	return 0;
}

static void *worker(void *arg)
{
	struct job *j = arg;
	struct dns_resolver *r = j->r;
	enum sx_action v = r->c.review(r->c.ctx, j->name, j->qtype, j->rule);
	uint64_t one = 1;

	pthread_mutex_lock(&r->rv->lock);
	j->verdict = v;
	j->done = true;
	pthread_mutex_unlock(&r->rv->lock);
	if (write(r->wake, &one, sizeof(one)) < 0) {
		/* the counter is already non-zero: the loop wakes anyway */
	}
	return NULL;
}

int dns_review_start(struct dns_resolver *r, struct query *q)
{
	struct reviews *rv = r->rv;
	struct job *j = NULL;

	if (!r->c.review)
		return -ENOSYS;
	/* only the loop's thread takes or frees a job; workers only set done */
	for (unsigned int i = 0; i < r->c.max_reviews && !j; i++)
		if (!rv->jobs[i].used)
			j = &rv->jobs[i];
	if (!j)
		return -EBUSY;
	*j = (struct job){ .r = r, .used = true, .slot = (unsigned int)(q - r->q), .gen = q->gen,
			   .qtype = q->qtype, .rule = q->m.rule };
	strcpy(j->name, q->name);
	if (pthread_create(&j->thread, NULL, worker, j)) {
		j->used = false;
		return -EAGAIN;
	}
	return 0;
}

/* Goes on with the query a finished job was for, if it still waits. */
static void resume(struct dns_resolver *r, unsigned int slot, uint32_t gen, enum sx_action v)
{
	struct query *q = &r->q[slot];

	if (q->state != Q_REVIEW || q->gen != gen)
		return; /* answered already: its deadline passed */
	if (v == SX_ALLOW)
		dns_query_forward(r, q);
	else /* deny, review again, anything else: deny */
		dns_query_fail(r, q, DNS_RCODE_NXDOMAIN, SX_DENY, "denied in review");
}

void dns_review_collect(struct dns_resolver *r)
{
	struct reviews *rv = r->rv;

	for (unsigned int i = 0; i < r->c.max_reviews; i++) {
		struct job *j = &rv->jobs[i];
		bool done;

		pthread_mutex_lock(&rv->lock);
		done = j->used && j->done;
		pthread_mutex_unlock(&rv->lock);
		if (!done)
			continue;
		pthread_join(j->thread, NULL);
		j->used = false;
		resume(r, j->slot, j->gen, j->verdict);
	}
}

void dns_review_free(struct dns_resolver *r)
{
	struct reviews *rv = r->rv;

	if (!rv)
		return;
	for (unsigned int i = 0; i < r->c.max_reviews; i++)
		if (rv->jobs[i].used)
			pthread_join(rv->jobs[i].thread, NULL);
	pthread_mutex_destroy(&rv->lock);
	free(rv->jobs);
	free(rv);
	r->rv = NULL;
}
