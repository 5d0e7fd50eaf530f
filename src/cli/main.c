// SPDX-License-Identifier: GPL-2.0-only
/*
 * sevorix: one binary, one subcommand per job. main() routes libbpf's
 * messages to the log and dispatches; every subcommand parses its own
 * options (util/opts.h) and returns its exit status.
 */
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "attach/attach.h"
#include "cli/cli.h"
#include "daemon/daemon.h"
#include "jury/jury_cmd.h"
#include "oci/oci.h"
#include "run/run.h"
#include "util/log.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "run", cmd_run, "run a command under a policy" },
	{ "policy", cmd_policy, "check or print a policy file" },
	{ "attach", cmd_attach, "put a running process tree under a policy" },
	{ "detach", cmd_detach, "undo an attach" },
	{ "oci-agent", cmd_oci_agent, "hold containers of OCI runtimes (runc, crun)" },
	{ "oci-config", cmd_oci_config, "write the seccomp section for a container" },
	{ "daemon", cmd_daemon, "the node's supervisor (sevorixd): metrics, reloads" },
	{ "events", cmd_events, "print the events of a run (JSON, or --pretty)" },
	{ "log", cmd_events, "print the decisions of a run, one line each" },
	{ "explain", cmd_explain, "each denial of a run, its rule, and a rule to allow it" },
	{ "ps", cmd_ps, "list runs and their state" },
	{ "cleanup", cmd_cleanup, "remove what ended runs left behind" },
	{ "doctor", cmd_doctor, "show which enforcement layers this kernel offers" },
	{ "jury", jury_main, "serve or ask the local jury" },
	{ "pending", jury_pending_main, "list the reviews waiting for a person" },
	{ "approve", jury_pending_main, "allow a review waiting for a person" },
	{ "deny", jury_pending_main, "deny a review waiting for a person" },
};

static void usage(FILE *f)
{
	fputs("Usage: sevorix COMMAND [OPTIONS]\n\n"
	      "Kernel-enforced security for autonomous agents.\n\nCommands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].help);
	fputs("\nRun 'sevorix COMMAND --help' for a command's options; see sevorix(1).\n", f);
}

int main(int argc, char **argv)
{
	const char *self = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	/* the one place libbpf's messages are routed: through the command's log */
	libbpf_set_print(log_libbpf);
	if (!strcmp(self, "sevorixd"))
		return cmd_daemon(argc, argv);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		puts("sevorix 0.1");
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	log_error("unknown command '%s'", argv[1]);
	usage(stderr);
	return 2;
}
