// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the Landlock layer enforces on this kernel, and what it leaves to
 * other layers, as short lines for `sevorix doctor` and the first event of
 * a run. The limits are written out on purpose: a user reading "files:
 * enforced" must also read that stat(2) and already open descriptors are
 * not covered.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "landlock/landlock.h"
#include "landlock/landlock_uapi.h"

struct out {
	char *buf;
	size_t len;
	size_t off;
	bool cut;
};

__attribute__((format(printf, 2, 3))) static void line(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->cut)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->off, o->len - o->off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 1 >= o->len - o->off) {
		o->cut = true;
		return;
	}
	o->off += n;
	o->buf[o->off++] = '\n';
	o->buf[o->off] = '\0';
}

static void describe_kernel(struct out *o, int abi)
{
	if (abi < 1) {
		line(o, "landlock: not available on this kernel: files/exec not enforced by K3");
		return;
	}
	line(o, "landlock: ABI %d", abi);
	line(o, "landlock: read/write/execute by path hierarchy: yes");
	line(o, "landlock: truncate: %s", abi >= 3 ? "yes" : "no (ABI < 3)");
	line(o, "landlock: device ioctl: %s", abi >= 5 ? "yes" : "no (ABI < 5)");
	line(o, "landlock: tcp connect by port: %s", abi >= 4 ? "yes" : "no (ABI < 4)");
	line(o, "landlock: scoped signals, abstract unix sockets: %s",
	     abi >= 6 ? "yes" : "no (ABI < 6)");
	line(o, "landlock: audit records of denials: %s", abi >= 7 ? "yes" : "no (ABI < 7)");
	line(o, "landlock: not covered: stat/readlink/chdir, chmod/chown/xattr, descriptors "
		"opened before the run, UDP, TCP addresses (cgroup layer), mmap(PROT_EXEC)");
}

static void describe_layer(struct out *o, const char *name, const struct landlock_layer *l)
{
	if (!l->handled_fs)
		line(o, "landlock: %s: not restricted (section absent)", name);
	else
		line(o, "landlock: %s: %zu path rules%s", name, l->nrules,
		     l->ruleset_fd >= 0 ? "" : " (not built)");
}

static void describe_plan(struct out *o, const struct landlock_plan *plan)
{
	const struct landlock_layer *f = &plan->layers[LANDLOCK_LAYER_FILES];
	char ports[128] = "";
	size_t off = 0;

	describe_layer(o, "files", f);
	describe_layer(o, "exec", &plan->layers[LANDLOCK_LAYER_EXEC]);
	for (size_t i = 0; i < f->nports && off + 8 < sizeof(ports); i++)
		off += snprintf(ports + off, sizeof(ports) - off, "%s%u", i ? "," : "", f->ports[i]);
	if (f->handled_net)
		line(o, "landlock: network: tcp connect only to port%s %s%s",
		     f->nports == 1 ? "" : "s", f->nports ? ports : "(none)",
		     off + 8 >= sizeof(ports) ? ",..." : "");
	else if (plan->net_not_expressible)
		line(o, "landlock: network: not expressible by port (left to the cgroup layer)");
	line(o, "landlock: signals outside the domain: %s",
	     f->scoped & LANDLOCK_SCOPE_SIGNAL ? "denied" : "allowed");
	line(o, "landlock: abstract unix sockets outside the domain: %s",
	     f->scoped & LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET ? "denied" : "allowed");
	if (plan->nmissing)
		line(o, "landlock: %zu allowed paths do not exist (nothing granted there)",
		     plan->nmissing);
	if (plan->nsymlinks)
		line(o, "landlock: %zu symlinks in expanded directories not granted", plan->nsymlinks);
}

int landlock_describe(const struct landlock_plan *plan, char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };

	if (!buf || len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	describe_kernel(&o, plan ? plan->abi : landlock_probe());
	if (plan && plan->abi >= 1)
		describe_plan(&o, plan);
	return o.cut ? -ENOSPC : 0;
}
