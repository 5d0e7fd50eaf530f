// SPDX-License-Identifier: GPL-2.0-only
/*
 * The network and exec sections of a learnt rulebook, and the list of
 * what the run tried that stays denied (generalize.c says the rules).
 * Destinations are kept as seen: one rule per address with the ports
 * used, one per UNIX socket path, and one per name the run's resolver
 * answered before the connect (a host rule: the address is the name's
 * answer of the day, and a rule for it would break when the answer
 * changes). Programs are kept by canonical path; one the run built is
 * allowed by the directory it was created in.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/types.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "learn/gen_internal.h"
#include "sevorix/abi.h"

#define PORT_WORDS (65536 / 64)

struct gdest {
	int family;
	uint8_t addr[16];
	char *unix_path;	/* a UNIX socket instead */
	const char *host;	/* a name looked up instead (the observation's) */
	uint64_t *ports;
	unsigned long count;
};

struct dests {
	struct gdest *v;
	size_t n;
};

static bool same_dest(const struct gdest *x, int family, const uint8_t *addr, const char *path,
		      const char *host)
{
	if (path || x->unix_path)
		return path && x->unix_path && !strcmp(x->unix_path, path);
	if (host || x->host)
		return host && x->host && !strcmp(x->host, host);
	return x->family == family && !memcmp(x->addr, addr, 16);
}

static struct gdest *dest_of(struct dests *d, int family, const uint8_t *addr, const char *path,
			     const char *host)
{
	struct gdest *v;

	for (size_t i = 0; i < d->n; i++)
		if (same_dest(&d->v[i], family, addr, path, host))
			return &d->v[i];
	v = realloc(d->v, (d->n + 1) * sizeof(*v));
	if (!v)
		return NULL;
	d->v = v;
	v = &v[d->n];
	*v = (struct gdest){ .family = family };
	memcpy(v->addr, addr, 16);
	v->unix_path = path ? strdup(path) : NULL;
	v->host = host;
	v->ports = path ? NULL : calloc(PORT_WORDS, 8);
	if (path ? !v->unix_path : !v->ports) {
		free(v->unix_path);
		free(v->ports);
		return NULL;
	}
	d->n++;
	return v;
}

static void dest_text(const struct observed *o, int family, const uint8_t *a, char *out,
		      size_t len)
{
	char s[INET6_ADDRSTRLEN];

	if (o->kind == OBS_UNIX) {
		snprintf(out, len, "connect unix %s", o->path);
		return;
	}
	inet_ntop(family, a, s, sizeof(s));
	snprintf(out, len, family == AF_INET ? "connect %s:%u (%s)" : "connect [%s]:%u (%s)", s,
		 o->port, o->flags & OBS_UDP ? "udp" : "tcp");
}

/* One network observation: tried, or counted into its destination's rule. */
static int net_one(struct gen *g, const struct observed *o, struct dests *d)
{
	const struct net_rule *nr = NULL;
	int family = o->family;
	uint8_t a[16] = { 0 };
	char what[4200];
	struct gdest *x;
	enum sx_action act;

	if (o->kind == OBS_NET) {
		memcpy(a, o->addr, 16);
		learn_normalize(&family, a);
	}
	dest_text(o, family, a, what, sizeof(what));
	if (o->flags & OBS_DENIED)
		return gen_tried(g, what, "refused in the learning run", NULL, o->count);
	if (o->kind == OBS_UNIX && o->path[0] != '/')
		return gen_tried(g, what, "an abstract socket name matches no rule", NULL, o->count);
	if (o->kind == OBS_NET && !o->port)
		return gen_tried(g, what, "port 0 cannot be named in a rule", NULL, o->count);
	act = o->kind == OBS_UNIX ? policy_decide_unix(g->in->ref, o->path, &nr)
				  : policy_decide_net(g->in->ref, family, a, o->port, &nr);
	if (act != SX_ALLOW && nr)
		return gen_tried(g, what, "the default policy denies it", &nr->loc, o->count);
	x = dest_of(d, family, a, o->kind == OBS_UNIX ? o->path : NULL,
		    o->kind == OBS_NET ? o->name : NULL);
	if (!x)
		return -ENOMEM;
	x->count += o->count;
	if (x->ports)
		x->ports[o->port / 64] |= 1ULL << (o->port % 64);
	return 0;
}

static void put_dest(const struct gen *g, const struct gdest *x, FILE *out)
{
	char a[INET6_ADDRSTRLEN], cidr[INET6_ADDRSTRLEN + 8];

	if (x->unix_path) {
		char *w = learn_written(g->in->home, g->in->workspace, x->unix_path);
		struct net_rule nr = { .action = SX_ALLOW, .kind = NET_RULE_UNIX,
				       .text = w ? w : x->unix_path };

		fputs("    - ", out);
		policy_print_net_rule(out, &nr, false);
		free(w);
	} else {
		struct net_rule nr = { .action = SX_ALLOW, .text = cidr,
				       .kind = x->family == AF_INET ? NET_RULE_CIDR4 : NET_RULE_CIDR6 };

		inet_ntop(x->family, x->addr, a, sizeof(a));
		snprintf(cidr, sizeof(cidr), "%s/%d", a, x->family == AF_INET ? 32 : 128);
		if (x->host) {
			nr.kind = NET_RULE_HOST;
			nr.text = (char *)x->host;
		}
		nr.ports = learn_port_ranges(x->ports, &nr.nports);
		fputs("    - ", out);
		policy_print_net_rule(out, &nr, false);
		free(nr.ports);
	}
	fprintf(out, "  # used %lu time%s", x->count, x->count == 1 ? "" : "s");
	fputc('\n', out);
}

/* Addresses by family and value, then names, then UNIX paths. */
static int by_dest(const void *x, const void *y)
{
	const struct gdest *a = x, *b = y;

	if (!a->unix_path != !b->unix_path)
		return a->unix_path ? 1 : -1;
	if (a->unix_path)
		return strcmp(a->unix_path, b->unix_path);
	if (!a->host != !b->host)
		return a->host ? 1 : -1;
	if (a->host)
		return strcmp(a->host, b->host);
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->addr, b->addr, 16);
}

static size_t hosts_of(const struct dests *d)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++)
		n += d->v[i].host != NULL;
	return n;
}

/*
 * The learning run's upstreams, under its host rules: the names it
 * looked up resolve the same way again (the host's own resolvers may not
 * know them).
 */
static void put_upstream(const struct policy_dns *dns, const struct dests *d, FILE *out)
{
	if (!dns || !dns->nupstream || !hosts_of(d))
		return;
	fputs("  dns:\n    upstream: [", out);
	for (size_t i = 0; i < dns->nupstream; i++)
		fprintf(out, "%s\"%s\"", i ? ", " : "", dns->upstream[i]);
	fputs("]\n", out);
}

/*
 * With host rules, a host resolver's socket is left out (listed as
 * tried): through it names would be looked up outside the host rules
 * (policy check refuses the rulebook), and the run's resolver answers
 * the same lookups when glibc falls back to DNS.
 */
static int drop_resolvers(struct gen *g, struct dests *d)
{
	size_t hosts = hosts_of(d), n = 0;
	char what[4200];
	int r = 0;

	for (size_t i = 0; i < d->n; i++) {
		struct gdest *x = &d->v[i];

		if (hosts && x->unix_path && policy_unix_resolver(x->unix_path, false)) {
			snprintf(what, sizeof(what), "connect unix %s", x->unix_path);
			r = r ?: gen_tried(g, what, "a host resolver, beside the host rules",
					   NULL, x->count);
			free(x->unix_path);
			free(x->ports);
			continue;
		}
		d->v[n++] = *x;
	}
	d->n = n;
	return r;
}

int gen_network(struct gen *g, FILE *out)
{
	struct dests d = { 0 };
	int r = 0;

	for (size_t i = 0; i < g->in->n && !r; i++)
		if (g->in->v[i].kind == OBS_NET || g->in->v[i].kind == OBS_UNIX)
			r = net_one(g, &g->in->v[i], &d);
	r = r ?: drop_resolvers(g, &d);
	if (!r && d.n)
		qsort(d.v, d.n, sizeof(*d.v), by_dest);
	if (!r) {
		fputs("network:\n  default: deny\n", out);
		if (d.n)
			fputs("  rules:\n", out);
		for (size_t i = 0; i < d.n; i++)
			put_dest(g, &d.v[i], out);
		put_upstream(g->in->dns, &d, out);
	}
	for (size_t i = 0; i < d.n; i++) {
		free(d.v[i].unix_path);
		free(d.v[i].ports);
	}
	free(d.v);
	return r;
}

struct gprog {
	char *path;		/* a program, or the directory of programs the run built */
	unsigned long count;
	bool interp, ran, built, reviewed;
};

struct progs {
	struct gprog *v;
	size_t n;
};

static struct gprog *prog_of(struct progs *p, const char *path)
{
	struct gprog *v;

	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].path, path))
			return &p->v[i];
	v = realloc(p->v, (p->n + 1) * sizeof(*v));
	if (!v)
		return NULL;
	p->v = v;
	v[p->n] = (struct gprog){ .path = strdup(path) };
	return v[p->n].path ? &v[p->n++] : NULL;
}

/* The reference policy's path rule for path, or NULL (argv rules aside). */
static const struct exec_rule *by_path(const struct policy *ref, const char *path)
{
	for (size_t i = 0; i < ref->nexec_rules; i++)
		if (ref->exec_rules[i].expanded && gen_covers(ref->exec_rules[i].expanded, path))
			return &ref->exec_rules[i];
	return NULL;
}

/* Was path created by the run (or below a directory it created)? */
static bool built(const struct gen *g, const char *path)
{
	for (size_t i = 0; i < g->nf; i++)
		if ((g->f[i].flags & OBS_CREATED) && gen_covers(g->f[i].path, path))
			return true;
	return false;
}

static int exec_one(struct gen *g, const struct observed *o, struct progs *p)
{
	const struct exec_rule *er = by_path(g->in->ref, o->path);
	char what[4200], *w, *anchor = NULL;
	struct gprog *x;

	w = learn_written(g->in->home, g->in->workspace, o->path);
	snprintf(what, sizeof(what), "exec %s", w ? w : o->path);
	free(w);
	if (o->flags & OBS_DENIED)
		return gen_tried(g, what, "refused in the learning run", NULL, o->count);
	if (er && er->action == SX_DENY)
		return gen_tried(g, what, "the default policy denies it", &er->loc, o->count);
	if (built(g, o->path) && !(anchor = gen_created_rule(g, o->path, &(bool){ false })))
		return -ENOMEM;
	x = prog_of(p, anchor ? anchor : o->path);
	free(anchor);
	if (!x)
		return -ENOMEM;
	x->count += o->count;
	x->built |= anchor != NULL;
	x->interp |= (o->flags & OBS_INTERP) != 0;
	x->ran |= !(o->flags & OBS_INTERP);
	x->reviewed |= er && er->action == SX_REVIEW;
	return 0;
}

static void put_prog(const struct gen *g, const struct gprog *x, FILE *out)
{
	char *w = learn_written(g->in->home, g->in->workspace, x->path);
	struct exec_rule er = { .action = SX_ALLOW, .path = w ? w : x->path };

	fputs("    - ", out);
	policy_print_exec_rule(out, &er, false);
	fprintf(out, "  # %s %lu time%s", x->ran ? "run" : "loaded", x->count,
		x->count == 1 ? "" : "s");
	if (x->built)
		fputs("; programs the run built here", out);
	if (x->interp)
		fputs(x->ran ? "; also loaded for others" : "; an interpreter or ELF loader", out);
	if (x->reviewed)
		fputs("; the default policy reviews it", out);
	fputc('\n', out);
	free(w);
}

/* An argv rule of the reference policy, unless the run did what it matches. */
static int ref_argv(struct gen *g, const struct exec_rule *er, FILE *out)
{
	char what[SX_GLOB_MAX + 64];
	unsigned long hits = 0;

	for (size_t i = 0; i < g->in->n; i++)
		if (g->in->v[i].kind == OBS_EXEC && g->in->v[i].argv &&
		    policy_glob(er->argv_glob, g->in->v[i].argv))
			hits += g->in->v[i].count;
	if (!hits) {
		fputs("    - ", out);
		policy_print_exec_rule(out, er, false);
		fputs("  # as in the default policy\n", out);
		return 0;
	}
	snprintf(what, sizeof(what), "argv \"%s\" (left out: its %s would hold them)",
		 er->argv_glob, sx_action_name(er->action));
	return gen_tried(g, what, "the run did what the default policy's argv rule matches",
			 &er->loc, hits);
}

static int by_prog(const void *x, const void *y)
{
	return strcmp(((const struct gprog *)x)->path, ((const struct gprog *)y)->path);
}

int gen_exec(struct gen *g, FILE *out)
{
	const struct policy *ref = g->in->ref;
	struct progs p = { 0 };
	int r = 0;

	for (size_t i = 0; i < g->in->n && !r; i++)
		if (g->in->v[i].kind == OBS_EXEC && g->in->v[i].path)
			r = exec_one(g, &g->in->v[i], &p);
	if (!r && p.n)
		qsort(p.v, p.n, sizeof(*p.v), by_prog);
	if (!r)
		fputs("exec:\n  default: deny\n  rules:\n", out);
	for (size_t i = 0; i < p.n && !r; i++)
		put_prog(g, &p.v[i], out);
	for (size_t i = 0; i < ref->nexec_rules && !r; i++)
		if (ref->exec_rules[i].argv_glob && ref->exec_rules[i].action != SX_ALLOW)
			r = ref_argv(g, &ref->exec_rules[i], out);
	if (!r && !p.n)
		fputs("    - {action: deny, path: /}  # the run executed nothing\n", out);
	for (size_t i = 0; i < p.n; i++)
		free(p.v[i].path);
	free(p.v);
	return r;
}

void gen_put_tried(const struct gen *g, FILE *out)
{
	if (g->nt)
		fputs("# The run tried these; they stay denied:\n", out);
	for (size_t i = 0; i < g->nt; i++) {
		const struct gtried *t = &g->t[i];

		fprintf(out, "#   %s, %lu time%s: %s", t->what, t->count, t->count == 1 ? "" : "s",
			t->why);
		if (t->rule)
			fprintf(out, " (%s:%u)", t->rule->file, t->rule->line);
		fputc('\n', out);
	}
}
