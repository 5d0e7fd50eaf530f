// SPDX-License-Identifier: GPL-2.0-only
/*
 * argv patterns: '*' matches any run of bytes (including '/' and ' '), '?'
 * any one byte, everything else itself. The same matcher, step for step,
 * runs in the kernel at sched_process_exec (bpf/exec.bpf.c), so a pattern
 * means the same in user space and in the kernel; fnmatch(3) would not.
 */
#include <string.h>

#include "policy/internal.h"

bool policy_glob(const char *pat, const char *text)
{
	size_t pl = strlen(pat), tl = strlen(text), pi = 0, ti = 0;
	long star = -1, mark = -1;

	while (ti < tl) {
		if (pi < pl && pat[pi] == '*') {
			star = pi++;
			mark = ti;
		} else if (pi < pl && (pat[pi] == '?' || pat[pi] == text[ti])) {
			pi++;
			ti++;
		} else if (star >= 0) {
			pi = star + 1;
			ti = ++mark;
		} else {
			return false;
		}
	}
	while (pi < pl && pat[pi] == '*')
		pi++;
	return pi == pl;
}
