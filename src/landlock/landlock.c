// SPDX-License-Identifier: GPL-2.0-only
/*
 * Landlock layer: probe, plan life cycle, ruleset creation and apply.
 *
 * The plan is computed and the rulesets are created in the parent (errors
 * are reported before the agent starts, and nothing in the child
 * allocates); the child only calls landlock_restrict_self() once per
 * layer. The rights requested are cut to what the probed ABI knows, so a
 * policy runs on every kernel with Landlock, and describe() says what an
 * older kernel leaves open (truncate before ABI 3, TCP before ABI 4,
 * device ioctls before ABI 5, scopes before ABI 6).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "landlock/landlock.h"
#include "landlock/landlock_internal.h"
#include "landlock/landlock_uapi.h"

#define READ_RIGHTS (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define WRITE_RIGHTS_V1                                                                     \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |                   \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |                   \
	 LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |                       \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |                     \
	 LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM)

static int probed_abi; /* 0: not probed yet */

int landlock_probe(void)
{
	long v;

	if (probed_abi)
		return probed_abi;
	v = syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	/* ENOSYS: compiled out; EOPNOTSUPP: disabled at boot. Either way, no layer. */
	probed_abi = v >= 1 ? (int)v : -EOPNOTSUPP;
	return probed_abi;
}

/*
 * Writing includes creating, removing, renaming and linking (REFER, which
 * Landlock checks so that a move never gains rights), truncating, and
 * device ioctls (a terminal or a disk opened by the agent).
 */
uint64_t landlock_access_for(unsigned int sx_access, int abi)
{
	uint64_t a = 0;

	if (sx_access & SX_ACCESS_READ)
		a |= READ_RIGHTS;
	if (sx_access & SX_ACCESS_EXEC)
		a |= LANDLOCK_ACCESS_FS_EXECUTE;
	if (sx_access & SX_ACCESS_WRITE) {
		a |= WRITE_RIGHTS_V1;
		if (abi >= 2)
			a |= LANDLOCK_ACCESS_FS_REFER;
		if (abi >= 3)
			a |= LANDLOCK_ACCESS_FS_TRUNCATE;
		if (abi >= 5)
			a |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	}
	return a;
}

uint64_t landlock_file_rights(void)
{
	return LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
	       LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |
	       LANDLOCK_ACCESS_FS_IOCTL_DEV;
}

void landlock_err(char *err, size_t errlen, const struct policy_loc *loc, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!err || errlen == 0)
		return;
	if (loc && loc->file)
		n = snprintf(err, errlen, "%s:%u:%u: ", loc->file, loc->line, loc->col);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
}

static int cmp_port(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/*
 * TCP connect ports. Landlock sees ports, not addresses, so it can only
 * narrow connect() when the default is deny: the union of the ports of the
 * allow and review rules is allowed, every other port denied. Any rule
 * that allows every port, or more than LANDLOCK_MAX_PORTS ports, leaves
 * TCP to the cgroup layer (net_not_expressible). Never stricter than the
 * rulebook: this layer must not deny what another layer would allow. Host
 * rules count with their ports (a learnt address is allowed on them), and
 * when the policy names hosts port 53 is allowed: Landlock sees a lookup
 * before the cgroup program sends it to the run's resolver (docs/dns.md).
 * Bind rules are not connects.
 */
static bool connect_rule(const struct net_rule *r)
{
	return r->kind != NET_RULE_UNIX && r->kind != NET_RULE_BIND4 && r->kind != NET_RULE_BIND6 &&
	       r->action != SX_DENY;
}

static int build_net(const struct policy *p, struct landlock_plan *plan)
{
	struct landlock_layer *l = &plan->layers[LANDLOCK_LAYER_FILES];
	bool dns = policy_names_hosts(p);
	size_t n = dns;
	uint16_t *v;

	if (!p->network.present)
		return 0;
	if (plan->abi < 4 || p->network.def != SX_DENY)
		goto not_expressible;
	for (size_t i = 0; i < p->nnet_rules; i++) {
		const struct net_rule *r = &p->net_rules[i];

		if (!connect_rule(r))
			continue;
		if (r->nports == 0)
			goto not_expressible;
		for (size_t j = 0; j < r->nports; j++) {
			n += (size_t)r->ports[j].hi - r->ports[j].lo + 1;
			if (r->ports[j].hi < r->ports[j].lo || n > LANDLOCK_MAX_PORTS)
				goto not_expressible;
		}
	}
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	n = 0;
	if (dns)
		v[n++] = 53;
	for (size_t i = 0; i < p->nnet_rules; i++) {
		const struct net_rule *r = &p->net_rules[i];

		if (!connect_rule(r))
			continue;
		for (size_t j = 0; j < r->nports; j++)
			for (unsigned int port = r->ports[j].lo; port <= r->ports[j].hi; port++)
				v[n++] = (uint16_t)port;
	}
	qsort(v, n, sizeof(*v), cmp_port);
	l->nports = 0;
	for (size_t i = 0; i < n; i++)
		if (l->nports == 0 || v[l->nports - 1] != v[i])
			v[l->nports++] = v[i];
	l->ports = v;
	l->handled_net = LANDLOCK_ACCESS_NET_CONNECT_TCP;
	l->present = true;
	return 0;
not_expressible:
	plan->net_not_expressible = true;
	return 0;
}

static void build_scopes(struct landlock_plan *plan, const struct hardening_opts *h)
{
	struct landlock_layer *l = &plan->layers[LANDLOCK_LAYER_FILES];
	unsigned int allow = h ? h->allow : 0;

	if (plan->abi < 6)
		return;
	if (!(allow & HARDEN_ALLOW_SIGNAL))
		l->scoped |= LANDLOCK_SCOPE_SIGNAL;
	if (!(allow & HARDEN_ALLOW_ABSTRACT_UNIX))
		l->scoped |= LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
	if (l->scoped)
		l->present = true;
}

static int plan_build(const struct policy *p, const struct hardening_opts *h, int abi,
		      const char *const *unexpanded, struct landlock_plan **ret, char *err,
		      size_t errlen)
{
	struct landlock_plan *plan;
	int r;

	if (err && errlen)
		err[0] = '\0';
	plan = calloc(1, sizeof(*plan));
	if (!plan)
		return -ENOMEM;
	plan->abi = abi;
	plan->unexpanded = unexpanded;
	for (int i = 0; i < LANDLOCK_LAYER_COUNT; i++)
		plan->layers[i].ruleset_fd = -1;
	if (abi < 1 && (p->files.present || p->exec.present)) {
		/* Fail-closed: a files/exec section that no layer here can enforce is an error. */
		landlock_err(err, errlen, &p->files.loc,
			     "files/exec rules need Landlock, which this kernel does not offer");
		r = -EOPNOTSUPP;
		goto fail;
	}
	r = landlock_build_fs(p, plan, err, errlen);
	if (r == 0)
		r = build_net(p, plan);
	if (r < 0) {
		if (err && errlen && !err[0])
			landlock_err(err, errlen, NULL, "landlock: cannot compile the policy: %s",
				     r == -E2BIG ? "too many rules after expansion" : strerror(-r));
		goto fail;
	}
	build_scopes(plan, h);
	*ret = plan;
	return 0;
fail:
	landlock_plan_free(plan);
	return r;
}

int landlock_plan_build(const struct policy *p, const struct hardening_opts *h, int abi,
			struct landlock_plan **ret, char *err, size_t errlen)
{
	return plan_build(p, h, abi, NULL, ret, err, errlen);
}

int landlock_plan_build_with(const struct policy *p, const struct hardening_opts *h,
			     const char *const *unexpanded, struct landlock_plan **ret, char *err,
			     size_t errlen)
{
	int abi = landlock_probe();
	int r = plan_build(p, h, abi > 0 ? abi : 0, unexpanded, ret, err, errlen);
	const struct landlock_layer *f;

	if (r < 0)
		return r;
	f = &(*ret)->layers[LANDLOCK_LAYER_FILES];
	/*
	 * Room for the view's mount table, which the child reads (it cannot
	 * allocate). Without it (no memory, mounts the agent may change) no
	 * rule gets truncate added: slower opens, the same decisions.
	 */
	if (f->present && (f->handled_fs & LANDLOCK_ACCESS_FS_TRUNCATE) &&
	    !(h && (h->allow & HARDEN_ALLOW_MOUNT)))
		(*ret)->mounts = calloc(1, sizeof(*(*ret)->mounts));
	return 0;
}

/* The directory of the last rule opened, kept for the rules beside it. */
struct open_dir {
	char path[PATH_MAX];
	int fd;
};

/*
 * An O_PATH descriptor of a rule's path (or -1), opened from its
 * directory's, which is kept for the next rule: the rules are sorted, so
 * the hundreds of entries of an expanded directory (/usr/bin) share one
 * walk of its path instead of one each. A final symbolic link is followed
 * as open(2) of the whole path follows it. System calls and string
 * functions only, as make_ruleset().
 */
static int open_rule_path(const char *path, struct open_dir *dir)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (n == 0 || !slash[1] || n >= sizeof(dir->path))
		return open(path, O_PATH | O_CLOEXEC); /* "/", "/usr": nothing to share */
	if (dir->fd < 0 || strncmp(dir->path, path, n) || dir->path[n]) {
		if (dir->fd >= 0)
			close(dir->fd);
		memcpy(dir->path, path, n);
		dir->path[n] = 0;
		dir->fd = open(dir->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dir->fd < 0)
			return -1;
	}
	return openat(dir->fd, slash + 1, O_PATH | O_CLOEXEC);
}

/*
 * The rights of a rule as added: with truncate too when the rule grants
 * reading files, the layer handles truncate, and ro (the view's mount
 * table, or NULL) says the rule's tree is read-only wherever it reaches.
 */
static uint64_t rule_rights(const struct landlock_layer *l, uint64_t access, int fd,
			    const struct landlock_mounts *ro)
{
	const uint64_t t = LANDLOCK_ACCESS_FS_TRUNCATE;

	if (ro && (l->handled_fs & t) && (access & LANDLOCK_ACCESS_FS_READ_FILE) &&
	    !(access & t) && landlock_mounts_ro_fd(ro, fd))
		access |= t;
	return access;
}

/*
 * One layer's ruleset fd: system calls only. Returns 0, or -errno with
 * *at = 0 for the ruleset itself, 1 + i for rule i, 1 + nrules + i for
 * port i.
 */
static int make_ruleset(struct landlock_layer *l, const struct landlock_mounts *ro, size_t *at)
{
	struct sx_landlock_ruleset_attr attr = {
		.handled_access_fs = l->handled_fs,
		.handled_access_net = l->handled_net,
		.scoped = l->scoped,
	};
	struct open_dir dir = { .fd = -1 };
	int fd, e = 0;

	*at = 0;
	fd = (int)syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		return -errno;
	l->ruleset_fd = fd;
	for (size_t i = 0; i < l->nrules && !e; i++) {
		struct landlock_path_beneath_attr pb = { .allowed_access = l->rules[i].access };

		pb.parent_fd = open_rule_path(l->rules[i].path, &dir);
		if (pb.parent_fd < 0)
			continue; /* Fail-closed: it vanished since the plan was built; no rule. */
		pb.allowed_access = rule_rights(l, pb.allowed_access, pb.parent_fd, ro);
		if (syscall(__NR_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
			e = errno;
		close(pb.parent_fd);
		if (e)
			*at = 1 + i;
	}
	if (dir.fd >= 0)
		close(dir.fd);
	if (e)
		return -e;
	for (size_t i = 0; i < l->nports; i++) {
		struct sx_landlock_net_port_attr np = {
			.allowed_access = LANDLOCK_ACCESS_NET_CONNECT_TCP,
			.port = l->ports[i],
		};

		if (syscall(__NR_landlock_add_rule, fd, SX_LANDLOCK_RULE_NET_PORT, &np, 0) < 0) {
			*at = 1 + l->nrules + i;
			return -errno;
		}
	}
	return 0;
}

/* The message for make_ruleset()'s failure at at. */
static void ruleset_error(const struct landlock_layer *l, size_t at, int e, char *err,
			  size_t errlen)
{
	if (at == 0)
		landlock_err(err, errlen, NULL, "landlock: create_ruleset: %s", strerror(e));
	else if (at <= l->nrules)
		landlock_err(err, errlen, NULL, "landlock: rule for %s: %s", l->rules[at - 1].path,
			     strerror(e));
	else
		landlock_err(err, errlen, NULL, "landlock: tcp port %u: %s",
			     l->ports[at - 1 - l->nrules], strerror(e));
}

int landlock_plan_rulesets(struct landlock_plan *plan, size_t *failed)
{
	size_t base = 0, at;
	/* a table that cannot be read whole adds nothing (fail closed: today's rights) */
	const struct landlock_mounts *ro =
		plan && plan->mounts && landlock_mounts_load(plan->mounts) == 0 ? plan->mounts : NULL;

	for (int i = 0; plan && i < LANDLOCK_LAYER_COUNT; i++) {
		struct landlock_layer *l = &plan->layers[i];
		int r = l->present ? make_ruleset(l, i == LANDLOCK_LAYER_FILES ? ro : NULL, &at) : 0;

		if (r < 0) {
			*failed = base + at;
			return r;
		}
		base += 1 + l->nrules + l->nports;
	}
	return 0;
}

void landlock_rulesets_error(const struct landlock_plan *plan, size_t failed, int e, char *err,
			     size_t errlen)
{
	for (int i = 0; i < LANDLOCK_LAYER_COUNT; i++) {
		const struct landlock_layer *l = &plan->layers[i];
		size_t n = 1 + l->nrules + l->nports;

		if (failed < n) {
			ruleset_error(l, failed, e, err, errlen);
			return;
		}
		failed -= n;
	}
	landlock_err(err, errlen, NULL, "landlock: %s", strerror(e));
}

int landlock_plan_compile(const struct policy *p, const struct hardening_opts *h,
			  struct landlock_plan **ret, char *err, size_t errlen)
{
	struct landlock_plan *plan;
	int abi = landlock_probe();
	int r;

	r = landlock_plan_build(p, h, abi > 0 ? abi : 0, &plan, err, errlen);
	if (r < 0)
		return r;
	for (int i = 0; i < LANDLOCK_LAYER_COUNT; i++) {
		if (!plan->layers[i].present)
			continue;
		size_t at;

		r = make_ruleset(&plan->layers[i], NULL, &at);
		if (r < 0) {
			ruleset_error(&plan->layers[i], at, -r, err, errlen);
			landlock_plan_free(plan);
			return r;
		}
	}
	*ret = plan;
	return 0;
}

int landlock_plan_apply(const struct landlock_plan *plan)
{
	if (!plan)
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	for (int i = 0; i < LANDLOCK_LAYER_COUNT; i++) {
		const struct landlock_layer *l = &plan->layers[i];

		if (!l->present)
			continue;
		/* Fail-closed: a layer that was not built is an error, never skipped. */
		if (l->ruleset_fd < 0)
			return -EBADF;
		if (syscall(__NR_landlock_restrict_self, l->ruleset_fd, plan->restrict_flags) < 0)
			return -errno;
	}
	return 0;
}

void landlock_plan_free(struct landlock_plan *plan)
{
	if (!plan)
		return;
	for (int i = 0; i < LANDLOCK_LAYER_COUNT; i++) {
		struct landlock_layer *l = &plan->layers[i];

		for (size_t j = 0; j < l->nrules; j++)
			free(l->rules[j].path);
		free(l->rules);
		free(l->ports);
		if (l->ruleset_fd >= 0)
			close(l->ruleset_fd);
	}
	free(plan->mounts);
	free(plan);
}
