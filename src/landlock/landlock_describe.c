// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the Landlock layer enforces on this kernel, and what it leaves to
 * other layers, as short lines for `sevorix doctor` and the first event of
 * a run. The limits are written out on purpose: a user reading "files:
 * enforced" must also read that stat(2) and already open descriptors are
 * not covered.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "landlock/landlock.h"
#include "landlock/landlock_uapi.h"
#include "util/lines.h"

static void describe_kernel(struct lines *o, int abi)
{
	if (abi < 1) {
		lines_add(o, "landlock: not available on this kernel: files/exec not enforced by K3");
		return;
	}
	lines_add(o, "landlock: ABI %d", abi);
	lines_add(o, "landlock: read/write/execute by path hierarchy: yes");
	lines_add(o, "landlock: truncate: %s", abi >= 3 ? "yes" : "no (ABI < 3)");
	lines_add(o, "landlock: device ioctl: %s", abi >= 5 ? "yes" : "no (ABI < 5)");
	lines_add(o, "landlock: tcp connect by port: %s", abi >= 4 ? "yes" : "no (ABI < 4)");
	lines_add(o, "landlock: scoped signals, abstract unix sockets: %s",
	     abi >= 6 ? "yes" : "no (ABI < 6)");
	lines_add(o, "landlock: audit records of denials: %s", abi >= 7 ? "yes" : "no (ABI < 7)");
	lines_add(o, "landlock: not covered: stat/readlink/chdir, chmod/chown/xattr, descriptors "
		"opened before the run, UDP, TCP addresses (cgroup layer), mmap(PROT_EXEC)");
}

static void describe_layer(struct lines *o, const char *name, const struct landlock_layer *l)
{
	if (!l->handled_fs)
		lines_add(o, "landlock: %s: not restricted (section absent)", name);
	else
		lines_add(o, "landlock: %s: %zu path rules%s", name, l->nrules,
		     l->ruleset_fd >= 0 ? "" : " (not built)");
}

static void describe_plan(struct lines *o, const struct landlock_plan *plan)
{
	const struct landlock_layer *f = &plan->layers[LANDLOCK_LAYER_FILES];
	char ports[128] = "";
	size_t off = 0;

	describe_layer(o, "files", f);
	describe_layer(o, "exec", &plan->layers[LANDLOCK_LAYER_EXEC]);
	for (size_t i = 0; i < f->nports && off + 8 < sizeof(ports); i++)
		off += snprintf(ports + off, sizeof(ports) - off, "%s%u", i ? "," : "", f->ports[i]);
	if (f->handled_net)
		lines_add(o, "landlock: network: tcp connect only to port%s %s%s",
		     f->nports == 1 ? "" : "s", f->nports ? ports : "(none)",
		     off + 8 >= sizeof(ports) ? ",..." : "");
	else if (plan->net_not_expressible)
		lines_add(o, "landlock: network: not expressible by port (left to the cgroup layer)");
	lines_add(o, "landlock: signals outside the domain: %s",
	     f->scoped & LANDLOCK_SCOPE_SIGNAL ? "denied" : "allowed");
	lines_add(o, "landlock: abstract unix sockets outside the domain: %s",
	     f->scoped & LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET ? "denied" : "allowed");
	if (plan->nmissing)
		lines_add(o, "landlock: %zu allowed paths do not exist (nothing granted there)",
		     plan->nmissing);
	if (plan->nsymlinks)
		lines_add(o, "landlock: %zu symlinks in expanded directories not granted", plan->nsymlinks);
}

int landlock_describe(const struct landlock_plan *plan, char *buf, size_t len)
{
	struct lines o = { .buf = buf, .len = len };

	if (!buf || len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	describe_kernel(&o, plan ? plan->abi : landlock_probe());
	if (plan && plan->abi >= 1)
		describe_plan(&o, plan);
	return o.cut ? -ENOSPC : 0;
}
