// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shared options of the commands (util/opts.h), merged with each
 * command's own into one getopt_long() table, so that every command
 * reads --policy, --jury or -v the same way and its parser lists only
 * what is its own.
 */
#include <string.h>

#include "util/log.h"
#include "util/opts.h"

#define OPTS_MAX 32

static const struct {
	const char *name;
	unsigned int bit;	/* enum opts_shared; 0: every command's */
	int letter;
	int has_arg;
} shared[] = {
	{ "policy", OPT_POLICY, 'p', required_argument },
	{ "profile", OPT_PROFILE, 'P', required_argument },
	{ "user", OPT_USER, 'u', required_argument },
	{ "events", OPT_EVENTS, 'e', required_argument },
	{ "jury", OPT_JURY, 'j', required_argument },
	{ "verbose", 0, 'v', no_argument },
	{ "help", 0, 'h', no_argument },
};

#define NSHARED (sizeof(shared) / sizeof(shared[0]))
#define LONG_ONLY 0x100 /* + index in shared[]: a shared option whose letter is the command's */

static bool own_letter(const struct opts_cmd *cmd, int c)
{
	return cmd->letters && c != ':' && strchr(cmd->letters, c);
}

/* The getopt tables of cmd: shared options first. Returns the number of long options. */
static int build(const struct opts_cmd *cmd, struct option *lo, char *letters, size_t len)
{
	size_t off = 0;
	int n = 0;

	if (cmd->stop_at_operand)
		letters[off++] = '+';
	for (size_t i = 0; i < NSHARED; i++) {
		bool mine = own_letter(cmd, shared[i].letter);

		if (shared[i].bit && !(cmd->shared & shared[i].bit))
			continue;
		lo[n++] = (struct option){ shared[i].name, shared[i].has_arg, NULL,
					   mine ? (int)(LONG_ONLY + i) : shared[i].letter };
		if (mine)
			continue;
		letters[off++] = shared[i].letter;
		if (shared[i].has_arg == required_argument)
			letters[off++] = ':';
	}
	for (const struct option *o = cmd->own; o && o->name && n < OPTS_MAX - 1; o++)
		lo[n++] = *o; /* a command has a handful: OPTS_MAX is never reached */
	lo[n] = (struct option){ 0 };
	snprintf(letters + off, len - off, "%s", cmd->letters ? cmd->letters : "");
	return n;
}

/* Index in shared[] of what getopt returned, or -1 for one of the command's own. */
static int shared_index(const struct opts_cmd *cmd, int c)
{
	if (c >= LONG_ONLY && c < LONG_ONLY + (int)NSHARED)
		return c - LONG_ONLY;
	for (size_t i = 0; i < NSHARED && !own_letter(cmd, c); i++)
		if (shared[i].letter == c && (!shared[i].bit || (cmd->shared & shared[i].bit)))
			return i;
	return -1;
}

/* One shared option; returns -1 to go on, else the exit status. */
static int take(const struct opts_cmd *cmd, int bad, int i, const char *arg, struct opts *o)
{
	switch (shared[i].letter) {
	case 'p':
		o->policy = arg;
		break;
	case 'P':
		o->profile = arg;
		break;
	case 'u':
		o->user = arg;
		break;
	case 'e':
		o->events = arg;
		break;
	case 'j':
		if (strncmp(arg, "unix:///", 8)) {
			log_error("--jury: expected unix:///PATH");
			return bad;
		}
		o->jury = arg + 7;
		break;
	case 'v':
		log_more_verbose();
		break;
	default:
		cmd->usage(stdout);
		return 0;
	}
	return -1;
}

int opts_parse(const struct opts_cmd *cmd, int argc, char **argv, struct opts *o)
{
	struct option lo[OPTS_MAX];
	int bad = cmd->bad ? cmd->bad : 2, c, r;
	char letters[128];

	build(cmd, lo, letters, sizeof(letters));
	optind = 1;
	while ((c = getopt_long(argc, argv, letters, lo, NULL)) != -1) {
		int i = shared_index(cmd, c);

		if (c == '?' || c == ':') {
			cmd->usage(stderr);
			return bad;
		}
		if (i >= 0)
			r = take(cmd, bad, i, optarg, o);
		else
			r = cmd->fn ? cmd->fn(c, optarg, cmd->ctx) ?: -1 : bad;
		if (r >= 0)
			return r;
	}
	if (cmd->no_operands && optind != argc) {
		cmd->usage(stderr);
		return bad;
	}
	return -1;
}
