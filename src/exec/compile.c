// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exec rules as the kernel checks them at sched_process_exec (abi.h):
 * the identity (device, inode) of every file a deny or review path rule
 * names, and the deny/review argv patterns in evaluation order. A path
 * rule on a directory is left to the Landlock layer's execute right; a
 * path that does not exist when the run starts names no file to deny.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include <bpf/bpf.h>

#include "exec/exec.h"
#include "sevorix/abi.h"

uint64_t exec_kdev(dev_t dev)
{
	return ((uint64_t)major(dev) << 20) | minor(dev);
}

int exec_fill_wx(const struct policy *p, int map_fd)
{
	struct sx_exec_wx w = { .on = p->exec_written == SX_DENY };
	struct timespec now;
	__u32 zero = 0;

	clock_gettime(CLOCK_REALTIME, &now);
	w.start_sec = now.tv_sec;
	w.start_nsec = now.tv_nsec;
	return bpf_map_update_elem(map_fd, &zero, &w, BPF_ANY) ? -errno : 0;
}

int exec_compile(const struct policy *p, const struct exec_sink *sink, char *err, size_t errlen)
{
	unsigned int nargv = 0;
	int r = 0;

	for (size_t i = 0; i < p->nexec_rules && !r; i++) {
		const struct exec_rule *x = &p->exec_rules[i];
		char host[8192];
		struct stat st;

		/* allows are Landlock's; shell rules are the hold's alone (policy/shell.c) */
		if (x->action == SX_ALLOW || x->shell_glob)
			continue;
		if (x->argv_glob) {
			struct sx_argv_rule a = { .rule_id = x->id, .action = x->action,
						  .len = strlen(x->argv_glob) };

			if (nargv >= SX_ARGV_RULES) {
				snprintf(err, errlen, "%s:%u: more than %d deny/review argv rules",
					 x->loc.file, x->loc.line, SX_ARGV_RULES);
				return -E2BIG;
			}
			memcpy(a.pattern, x->argv_glob, a.len);
			r = sink->add_argv(sink->ctx, nargv++, &a);
		} else if (stat(policy_host_path(p, x->expanded, host, sizeof(host)), &st) == 0 &&
			   S_ISREG(st.st_mode)) {
			struct sx_exec_key k = { exec_kdev(st.st_dev), st.st_ino };
			struct sx_exec_deny d = { .rule_id = x->id, .action = x->action };

			r = sink->add_file(sink->ctx, &k, &d);
		}
	}
	if (r < 0)
		snprintf(err, errlen, "cannot store exec rules: %s", strerror(-r));
	return r < 0 ? r : (int)nargv;
}
