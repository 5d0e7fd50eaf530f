// SPDX-License-Identifier: GPL-2.0-only
/*
 * The names of the hardening entries a rulebook may relax (`hardening:
 * {allow: [...]}`), kept with the rulebook so that the loader, the
 * printer and every layer that enforces an entry (seccomp, Landlock
 * scopes, BPF LSM) agree on them without depending on each other.
 */
#include <errno.h>
#include <string.h>

#include "sevorix/policy.h"

/* Indexed by bit number: name_list[i] names 1u << i of enum hardening_allow. */
static const char *const name_list[] = {
	"ptrace",	 "io_uring",   "bpf",	"perf",	      "userfaultfd",
	"keyring",	 "namespaces", "mount", "clone3",     "open_by_handle_at",
	"tiocsti",	 "fastopen",   "ping",	"any_socket", "signal",
	"abstract_unix", NULL,
};

int hardening_allow_from_name(const char *name, unsigned int *bit)
{
	for (unsigned int i = 0; name_list[i]; i++) {
		if (strcmp(name_list[i], name) == 0) {
			*bit = 1u << i;
			return 0;
		}
	}
	return -ENOENT;
}

const char *const *hardening_allow_names(void)
{
	return name_list;
}
