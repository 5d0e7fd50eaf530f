/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One way to read a command's options. The options several commands take
 * mean the same everywhere and are read here:
 *
 *   -p, --policy FILE       OPT_POLICY
 *   -P, --profile NAME      OPT_PROFILE (a profile's name or path; the command finds its file)
 *   -u, --user USER         OPT_USER
 *   -e, --events FILE       OPT_EVENTS
 *   -j, --jury unix:///PATH OPT_JURY (checked; the path is kept without unix://)
 *   -v, --verbose           always (util/log.h; twice: libbpf's warnings too)
 *   -h, --help              always
 *
 * A command names the shared options it takes and lists only its own:
 *
 *	static const struct option own[] = { { "upgrade", no_argument, NULL, 'U' }, { 0 } };
 *	struct opts_cmd cmd = { .shared = OPT_POLICY | OPT_JURY, .letters = "U",
 *				.own = own, .fn = daemon_opt, .ctx = &d, .usage = daemon_usage };
 *	int r = opts_parse(&cmd, argc, argv, &o);	(-1: go on; else the exit status)
 *
 * A short letter the command gives to one of its own options is its own:
 * the shared option then has its long name only (attach's -p is --pid).
 * Messages go through util/log.h, so log_init() comes first.
 */
#ifndef SEVORIX_UTIL_OPTS_H
#define SEVORIX_UTIL_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

enum opts_shared {
	OPT_POLICY = 1 << 0,
	OPT_USER = 1 << 1,
	OPT_EVENTS = 1 << 2,
	OPT_JURY = 1 << 3,
	OPT_PROFILE = 1 << 4,
};

/* What the shared options said; fields not given keep what the command set before. */
struct opts {
	const char *policy;
	const char *user;
	const char *events;
	const char *jury;	/* the socket path of --jury unix:///PATH */
	const char *profile;	/* --profile NAME|PATH, as given */
};

struct opts_cmd {
	unsigned int shared;		/* enum opts_shared bits */
	const char *letters;		/* getopt letters of its own options ("s:c:U"), or NULL */
	const struct option *own;	/* its own long options, { 0 }-terminated, or NULL */
	/* One of its own options (c: its letter or val); returns 0, or an exit status. */
	int (*fn)(int c, const char *arg, void *ctx);
	void *ctx;
	void (*usage)(FILE *f);		/* --help to stdout, a usage error to stderr */
	int bad;			/* exit status of a usage error; 0 means 2 */
	bool stop_at_operand;		/* stop at the first operand (run's COMMAND ARGS...) */
	bool no_operands;		/* an operand is a usage error */
};

/*
 * Reads argv (argv[0] is the command). Returns -1 to go on, with optind
 * at the first operand, or the exit status to return: 0 after --help,
 * cmd->bad (2) after a usage error, what fn returned when not 0.
 */
int opts_parse(const struct opts_cmd *cmd, int argc, char **argv, struct opts *o);

#endif
