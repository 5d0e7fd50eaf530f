// SPDX-License-Identifier: GPL-2.0-only
/*
 * sevorix policy check|print FILE: the rulebook as the loader sees it.
 * Both load the policy for the invoking user (SUDO_UID when run by sudo),
 * with ${WORKSPACE} defaulting to the current directory, exactly as
 * `sevorix run` would.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "sevorix/policy.h"

static void policy_usage(FILE *f)
{
	fputs("Usage: sevorix policy check [--user USER] FILE\n"
	      "       sevorix policy print [--expand] [--user USER] FILE\n\n"
	      "check  print every error and warning as file:line:col: message;\n"
	      "       exit 1 when the policy has errors\n"
	      "print  print the normalized policy in evaluation order\n"
	      "       (--expand: with variables expanded)\n", f);
}

int cmd_policy(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "expand", no_argument, NULL, 'e' },
		{ "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *verb = argc > 1 ? argv[1] : NULL, *user = NULL;
	struct policy_diag diag = { 0 };
	struct policy *p = NULL;
	bool expand = false;
	int c, r;

	if (verb && (!strcmp(verb, "--help") || !strcmp(verb, "-h"))) {
		policy_usage(stdout);
		return 0;
	}
	if (!verb || (strcmp(verb, "check") && strcmp(verb, "print"))) {
		policy_usage(stderr);
		return 2;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "+eu:h", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			expand = true;
			break;
		case 'u':
			user = optarg;
			break;
		case 'h':
			policy_usage(stdout);
			return 0;
		default:
			policy_usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc - 1 || (expand && !strcmp(verb, "check"))) {
		policy_usage(stderr);
		return 2;
	}
	r = cli_load_policy(argv[optind + 1], user, &p, &diag);
	for (size_t i = 0; i < diag.nlines; i++)
		fprintf(stderr, "%s\n", diag.lines[i]);
	policy_diag_clear(&diag);
	if (r == -EINVAL)
		return 1;
	if (r < 0) {
		fprintf(stderr, "sevorix: %s: %s\n", argv[optind + 1], strerror(-r));
		return 1;
	}
	if (!strcmp(verb, "print"))
		policy_print(p, expand, stdout);
	policy_free(p);
	return 0;
}
