// SPDX-License-Identifier: GPL-2.0-only
/*
 * The summary's count of decisions, by layer and verdict. It is the tally
 * of the lines written (internal.h), so for every layer and verdict it is
 * the sum of the "count" fields of the run's events; the kernel's own
 * counters are compared with it before the summary is written (agg.c), and
 * what they counted that no event carries is written as an event first.
 *
 * Layers that never report an allowed call -- Landlock, seccomp and the
 * run's mounts refuse with an errno and are seen only then, the hold logs
 * only what it refuses, the exec check only what it kills -- say "not
 * reported" for allow instead of a zero that would read as "nothing was
 * allowed".
 */
#include <string.h>

#include "events/internal.h"

static const struct {
	const char *layer;	/* as events name it */
	const char *start;	/* as the start event's "layers" name it */
	bool allows;		/* it reports allowed calls */
} layers[] = {
	{ "cgroup-bpf", "\"cgroup-bpf\"", true },
	{ "bpf-lsm", "\"bpf-lsm\"", true },
	{ "landlock", "\"landlock\"", false },
	{ "seccomp", "\"seccomp\"", false },
	{ "exec-check", "\"exec-check\"", false },
	{ "namespaces", "\"namespaces\"", false }, /* the private world's mounts */
	{ "hold", "\"seccomp-hold\"", false },
	{ "jury", "\"seccomp-hold\"", true },
	{ "dns", "\"dns\"", true },
	{ "observed", "\"-\"", false }, /* refusals counted while their records were lost */
};

unsigned long long events_tallied(const struct events *ev, const char *layer, const char *verdict)
{
	for (int i = 0; i < TALLY_MAX && ev->tally[i].layer[0]; i++)
		if (!strcmp(ev->tally[i].layer, layer) && !strcmp(ev->tally[i].verdict, verdict))
			return ev->tally[i].n;
	return 0;
}

unsigned long long events_denied(const struct events *ev)
{
	unsigned long long n = 0;

	for (size_t i = 0; i < sizeof(layers) / sizeof(layers[0]); i++)
		n += events_tallied(ev, layers[i].layer, "deny");
	return n;
}

static bool layer_seen(const struct events *ev, const char *layer)
{
	for (int i = 0; i < TALLY_MAX && ev->tally[i].layer[0]; i++)
		if (!strcmp(ev->tally[i].layer, layer))
			return true;
	return false;
}

void events_put_decisions(struct events *ev, FILE *f)
{
	static const char *const verdicts[] = { "allow", "deny", "review" };
	unsigned long long total[3] = { 0 };
	bool first = true;

	fputs(",\"decisions\":{", f);
	for (size_t i = 0; i < sizeof(layers) / sizeof(layers[0]); i++) {
		if (!layer_seen(ev, layers[i].layer) && !strstr(ev->layers, layers[i].start))
			continue;
		fprintf(f, "%s\"%s\":{", first ? "" : ",", layers[i].layer);
		first = false;
		for (int v = 0; v < 3; v++) {
			unsigned long long n = events_tallied(ev, layers[i].layer, verdicts[v]);

			total[v] += n;
			if (v == 0 && !layers[i].allows && !n)
				fputs("\"allow\":\"not reported\"", f);
			else if (v < 2 || n)
				fprintf(f, "%s\"%s\":%llu", v ? "," : "", verdicts[v], n);
		}
		fputc('}', f);
	}
	fprintf(f, "},\"allowed\":%llu,\"denied\":%llu,\"reviewed\":%llu", total[0], total[1],
		total[2]);
}
