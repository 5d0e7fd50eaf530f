// SPDX-License-Identifier: GPL-2.0-only
/*
 * sevorix run's command line: its own options beside the shared ones
 * (util/opts.h), --keep-fd checked while the descriptor is ours to see,
 * and --policy or --profile resolved to the one file the run loads.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/internal.h"
#include "util/log.h"

static void run_usage(FILE *f)
{
	fputs("Usage: sevorix run [OPTIONS] -- COMMAND [ARGS...]\n\n"
	      "Runs COMMAND under a policy, enforced in the kernel. Must be run as root;\n"
	      "COMMAND runs as the invoking user (SUDO_UID) or --user.\n\n"
	      "  -p, --policy FILE      policy file (default " POLICY_FILE_DEFAULT ")\n"
	      "  -P, --profile NAME     an agent's profile instead (claude-code, codex,\n"
	      "                         gemini, or a path; see sevorix-policy(5))\n"
	      "  -u, --user USER        run COMMAND as USER (name or uid)\n"
	      "  -e, --events DEST      where events go: FILE (JSON lines), 'journal' (the\n"
	      "                         systemd journal), 'ocsf:FILE' (OCSF JSON lines) or\n"
	      "                         '-' (stderr); default " RUN_LOG_DIR "/RUN.jsonl\n"
	      "  -j, --jury unix:///PATH the local jury's socket (default: the policy's\n"
	      "                         jury.local, else unix:///var/run/sevorix/slm.sock)\n"
	      "      --allow-root-agent run COMMAND as root (weaker: see sevorix(1))\n"
	      "      --keep-fd N        pass descriptor N to COMMAND (repeatable); every other\n"
	      "                         one but 0, 1, 2 is closed, as sudo does\n"
	      "  -q, --quiet            do not list the paths created for create: rules,\n"
	      "                         nor the allow rules that grant nothing, nor (on a\n"
	      "                         terminal) the denials' count at the end\n"
	      "      --learn OUT.yaml   write the policy that allows what COMMAND did; without\n"
	      "                         --policy, nothing is denied (see sevorix(1))\n"
	      "      --pty              give COMMAND a terminal of the supervisor's and relay\n"
	      "                         to it; a review that waits for a person is asked on\n"
	      "                         this terminal (sevorix-jury(5), kind human)\n"
	      "  -v, --verbose          say which layers are set up (twice: libbpf's warnings)\n"
	      "  -h, --help             show this help\n\n"
	      "Exit status: COMMAND's; 125 when sevorix fails, 126 when COMMAND cannot be\n"
	      "executed, 127 when it is not found.\n", f);
}


/* --keep-fd N: N must be open now, so that nothing of Sevorix's can take its number. */
static int keep_fd(struct run *r, const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (!*arg || *end || n < 3 || n > INT_MAX || r->nkeep >= RUN_KEEP_MAX) {
		log_error("--keep-fd %s: expected a descriptor number from 3 (at most %d of them)",
			  arg, RUN_KEEP_MAX);
		return 125;
	}
	if (fcntl((int)n, F_GETFD) < 0) {
		log_error("--keep-fd %s: %s", arg, strerror(errno));
		return 125;
	}
	r->keep[r->nkeep++] = (int)n;
	return 0;
}

static int run_opt(int c, const char *arg, void *ctx)
{
	struct run *r = ctx;

	if (c == 'R')
		r->allow_root = true;
	else if (c == 'q')
		r->quiet = true;
	else if (c == 'T')
		r->use_pty = true;
	else if (c == 'K')
		return keep_fd(r, arg);
	else if (c == 'L')
		r->learn.out = arg;
	return 0;
}

/* --policy FILE or --profile NAME, not both. Returns -1 to go on, else an exit status. */
static int profile_file(struct run *r)
{
	int e;

	if (!r->o.profile) {
		r->learn.base = r->learn.out && !r->o.policy; /* --learn alone: observe everything */
		r->o.policy = r->o.policy ?: POLICY_FILE_DEFAULT;
		return -1;
	}
	if (r->o.policy) {
		log_error("--policy and --profile: give one of them");
		return 125;
	}
	e = policy_profile_path(r->o.profile, r->policy_file, sizeof(r->policy_file));
	if (e < 0) {
		log_error("--profile %s: %s", r->o.profile,
			  e == -ENOENT ? "no such profile (see sevorix-policy(5))" : strerror(-e));
		return 125;
	}
	r->o.policy = r->policy_file;
	return -1;
}

/* Returns -1 to go on, else an exit status. */
int run_parse_opts(struct run *r, int argc, char **argv)
{
	static const struct option own[] = {
		{ "allow-root-agent", no_argument, NULL, 'R' },
		{ "keep-fd", required_argument, NULL, 'K' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "pty", no_argument, NULL, 'T' },
		{ "learn", required_argument, NULL, 'L' },
		{ 0 },
	};
	struct opts_cmd cmd = { .shared = OPT_POLICY | OPT_USER | OPT_EVENTS | OPT_JURY |
					  OPT_PROFILE,
				.letters = "q", .own = own, .fn = run_opt, .ctx = r,
				.usage = run_usage, .bad = 125, .stop_at_operand = true };
	int status;

	status = opts_parse(&cmd, argc, argv, &r->o);
	if (status >= 0)
		return status;
	if (optind >= argc) {
		log_error("no command given");
		run_usage(stderr);
		return 125;
	}
	r->argv = argv + optind;
	return profile_file(r);
}
