// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writes what the run's resolver would write through events_dns() -- the
 * start of a run, an answered query, a refused one, the summary -- to a
 * destination of sevorix run's --events (FILE, journal, ocsf:FILE), so the
 * tests can check the DNS events of every way out before the resolver is
 * wired to the event log.
 *
 *   dns_event POLICY DEST RUN
 */
#include <stdio.h>

#include "events/events.h"
#include "sevorix/policy.h"

int main(int argc, char **argv)
{
	static const char *const answers[] = { "93.184.216.34", NULL };
	char *const args[] = { "resolver", NULL };
	struct policy_env env = { .home = "/tmp", .user = "nobody", .workspace = "/tmp" };
	struct policy *p = NULL;
	struct events *ev;

	if (argc != 4 || policy_load(argv[1], &env, &p, NULL) < 0 ||
	    events_open(argv[2], argv[3], p, &ev) < 0) {
		fprintf(stderr, "usage: dns_event POLICY DEST RUN (a policy that loads)\n");
		return 2;
	}
	events_start(ev, "\"dns\"", args, 1);
	events_dns(ev, 0, "example.org", "A", SX_ALLOW, &(struct policy_loc){ argv[1], 4, 1, 0 },
		   answers);
	events_dns(ev, 0, "exfil.example.net", "TXT", SX_DENY, NULL, NULL);
	events_summary(ev, 0);
	events_close(ev);
	policy_free(p);
	return 0;
}
