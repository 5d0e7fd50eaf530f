// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for host rules (src/dns/match.c) and names from text
 * (src/dns/wire.c): every input is checked as a rule's host and matched as
 * a looked-up name against a fixed rule set. A host the checker accepts
 * must then behave as match.h says: alone in a rule set it matches itself
 * (an exact host) or a name one label below it (a wildcard), case and a
 * trailing dot aside, and never its own apex. A broken promise aborts.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/match.h"
#include "dns/wire.h"

static const struct dns_host_rule fixed[] = {
	{ "api.example.com", SX_ALLOW, 0 },
	{ "*.example.com", SX_DENY, 1 },
	{ "*.cdn.example.com", SX_REVIEW, 2 },
};

static void must(int cond)
{
	if (!cond)
		abort();
}

/* A host the checker accepted, alone in a rule set. */
static void promise(const char *host)
{
	struct dns_host_rule r = { host, SX_ALLOW, 7 };
	char name[DNS_HOST_MAX + 8];
	struct dns_hosts *h;
	size_t bad;

	must(dns_hosts_new(&r, 1, SX_DENY, &h, &bad) == 0);
	if (!strcmp(host, "*")) {
		must(dns_hosts_match(h, "anything.test").rule == 7);
	} else if (host[0] == '*') {
		snprintf(name, sizeof(name), "x.%s", host + 2);
		must(strlen(host) > 250 || dns_hosts_match(h, name).rule == 7);
		must(dns_hosts_match(h, host + 2).rule == -1);
	} else {
		size_t i;

		for (i = 0; host[i] && i < sizeof(name) - 1; i++)
			name[i] = (char)toupper((unsigned char)host[i]);
		name[i] = 0;
		must(dns_hosts_match(h, name).rule == 7);
	}
	dns_hosts_free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_hosts *h;
	char *s = malloc(size + 1), text[DNS_NAME_TEXT_MAX];
	struct dns_name n;
	const char *why;
	size_t off;

	if (!h && dns_hosts_new(fixed, 3, SX_DENY, &h, &off))
		abort();
	memcpy(s, data, size);
	s[size] = 0;
	dns_hosts_match(h, s);
	if (dns_host_check(s, &why, &off) == 0)
		promise(s);
	else
		must(why && off <= strlen(s));
	if (dns_name_from_text(s, &n) == 0)
		must(dns_name_text(&n, text, sizeof(text)) >= 0);
	free(s);
	return 0;
}
