// SPDX-License-Identifier: GPL-2.0-only
/*
 * The denials written one by one, remembered by their kernel time for the
 * identical ones the kernel only counted after them (sx_agg, agg.c): the
 * count of those is written, when their identity falls quiet or the run
 * ends, as the record they repeat said it.
 *
 * A record is kept as long as sx_agg names it as some identity's latest:
 * every sweep of sx_agg pins the records its entries name, a record is
 * forgotten once its repeats are written, and one that no sweep found for
 * two sweeps (a newer record of its identity replaced it, or sx_agg was
 * full) is dropped. Records are never overwritten by others, however many
 * distinct denials come between a record and its repeats' sweep: a table
 * indexed by time alone lost them under such churn, and with them the
 * counts of whole processes' repeated denials.
 */
#include <stdlib.h>
#include <string.h>

#include "events/internal.h"

static struct repeat **chain_of(const struct events *ev, unsigned long long ts)
{
	return &ev->repeats[(ts ^ ts >> 17) % REPEAT_SLOTS];
}

static struct repeat **find(const struct events *ev, unsigned long long ts)
{
	struct repeat **p = chain_of(ev, ts);

	while (*p && (*p)->ts != ts)
		p = &(*p)->next;
	return p;
}

static void unlink_at(struct events *ev, struct repeat **p)
{
	struct repeat *r = *p;

	*p = r->next;
	free(r->frag);
	free(r);
	ev->nrepeats--;
}

/* The record of a denial, by its kernel time, for the repeats of it (agg.c). */
void events_remember(struct events *ev, unsigned long long ts, const char *frag, size_t len,
		     const char *layer, const char *verdict)
{
	struct repeat **p = find(ev, ts), *r = *p;

	if (!r) {
		/* more than sx_agg could name: its repeats, if any, are written
		 * without it, as refusals whose record was lost (agg.c) */
		if (ev->nrepeats >= REPEAT_MAX || !(r = calloc(1, sizeof(*r))))
			return;
		r->ts = ts;
		*p = r;
		ev->nrepeats++;
	}
	free(r->frag);
	r->frag = frag ? strndup(frag, len) : NULL;
	r->gen = ev->repeat_gen;
	snprintf(r->layer, sizeof(r->layer), "%s", layer ?: "");
	snprintf(r->verdict, sizeof(r->verdict), "%s", verdict ?: "");
}

const struct repeat *events_recall(const struct events *ev, unsigned long long ts)
{
	return ts ? *find(ev, ts) : NULL;
}

void events_repeat_pin(struct events *ev, unsigned long long ts)
{
	struct repeat *r = *find(ev, ts);

	if (r)
		r->gen = ev->repeat_gen;
}

void events_forget(struct events *ev, unsigned long long ts)
{
	struct repeat **p = find(ev, ts);

	if (*p)
		unlink_at(ev, p);
}

void events_forget_stale(struct events *ev)
{
	for (size_t i = 0; i < REPEAT_SLOTS; i++)
		for (struct repeat **p = &ev->repeats[i]; *p;)
			if ((*p)->gen + 2 <= ev->repeat_gen)
				unlink_at(ev, p);
			else
				p = &(*p)->next;
}

void events_forget_all(struct events *ev)
{
	for (size_t i = 0; ev->repeats && i < REPEAT_SLOTS; i++)
		while (ev->repeats[i])
			unlink_at(ev, &ev->repeats[i]);
}
