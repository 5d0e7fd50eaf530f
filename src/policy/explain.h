/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Why the policy refuses an action, and a rule that would allow it: for
 * `sevorix run` when its command cannot start, and for `sevorix explain`
 * over the denials of a run. Built on the reference decisions
 * (policy_decide_*), so it says what the layers enforce; the agent itself
 * only ever gets the errno.
 */
#ifndef SEVORIX_POLICY_EXPLAIN_H
#define SEVORIX_POLICY_EXPLAIN_H

#include <stdint.h>

#include "sevorix/policy.h"

struct policy_why {
	enum sx_action action;		/* the policy's decision */
	const char *section;		/* "files", "exec" or "network" */
	const struct policy_loc *loc;	/* the deciding rule; NULL: the section's default */
	char rule[1024];		/* that rule as written, or "default: deny" */
	/*
	 * What would allow it: a rule for `section` (one line, "- {...}"), or,
	 * when no rule can (the deciding rule names exactly this object, or an
	 * argv pattern denies it, which no path rule outweighs), what to change.
	 */
	char fix[1024];
	bool fix_is_rule;
};

/* A file opened for access (enum sx_access bits). */
void policy_explain_file(const struct policy *p, const char *path, unsigned int access,
			 struct policy_why *w);
/* An exec of path with argv, by the exec rules alone. */
void policy_explain_exec(const struct policy *p, const char *path, char *const argv[],
			 struct policy_why *w);
/* A connect to addr (network byte order, AF_INET or AF_INET6) and port. */
void policy_explain_net(const struct policy *p, int family, const void *addr, uint16_t port,
			struct policy_why *w);
void policy_explain_unix(const struct policy *p, const char *sun_path, struct policy_why *w);

/*
 * Why execve(command) itself is refused, where command is the resolved
 * file: the files rules (exec access of it, and of its "#!" interpreter),
 * then the exec rules. Returns false when the policy allows all of it (the
 * failure is not the policy's). *what is set to the file refused.
 */
bool policy_explain_start(const struct policy *p, const char *command, char *const argv[],
			  struct policy_why *w, char *what, size_t len);

/* path written with the longest of ${WORKSPACE}, ${AGENT_DIR}, ${HOME} it begins with. */
void policy_path_vars(const struct policy *p, const char *path, char *buf, size_t len);

#endif
