// SPDX-License-Identifier: GPL-2.0-only
/*
 * `policy suggest` (learn/suggest.h): the plan written as a patch of P's
 * own file. New rules go after the last rule of their section, with the
 * same indentation, one per line in flow style as `policy print` writes
 * them, each with a comment that says how many denials it answers and
 * which rule it overrides; an edited rule is replaced by its new line, a
 * rule left with nothing to decide by a comment. A section written in
 * flow style cannot take a line: what would go there is printed with the
 * explanation instead.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/types.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "learn/learn.h"
#include "learn/suggest_internal.h"
#include "sevorix/abi.h"

/* Rule sections (enum sx_section) and the hardening: their places in the file. */
struct places {
	struct yplace sec[3];
	struct yplace harden;
};

char *suggest_written(const struct policy *p, const char *path)
{
	return learn_written(p->builtin[0].value, p->builtin[2].value, path);
}

void suggest_cidr(int family, const uint8_t *addr, char *out, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family, addr, a, sizeof(a));
	snprintf(out, len, "%s/%d", a, family == AF_INET ? 32 : 128);
}

/* A line: prefix, the rule as printed by fn, a comment. */
#define RULE_LINE(out, prefix, fn, rule, ...)                                                  \
	({                                                                                     \
		char *b_ = NULL;                                                               \
		size_t l_ = 0;                                                                 \
		FILE *m_ = open_memstream(&b_, &l_);                                           \
		if (m_) {                                                                      \
			fputs(prefix, m_);                                                     \
			fn(m_, rule, false);                                                   \
			fprintf(m_, __VA_ARGS__);                                              \
			fclose(m_);                                                            \
		}                                                                              \
		*(out) = b_;                                                                   \
		b_ ? 0 : -ENOMEM;                                                              \
	})

static int push(char ***v, size_t *n, char *line)
{
	char **m;

	if (!line)
		return -ENOMEM;
	m = realloc(*v, (*n + 1) * sizeof(*m));
	if (!m) {
		free(line);
		return -ENOMEM;
	}
	*v = m;
	m[(*n)++] = line;
	return 0;
}

static void count_comment(char *buf, size_t len, unsigned long count, const char *note,
			  const char *verb)
{
	snprintf(buf, len, "  # %s: %lu denied event%s%s%s", verb, count, count == 1 ? "" : "s",
		 note ? "; " : "", note ? note : "");
}

/* The new text of an edited rule (NULL *line: the rule goes). */
static int edited_line(const struct suggestion *s, const struct rule_edit *e, const char *prefix,
		       char **line)
{
	const struct policy *p = s->p;
	char c[160];

	count_comment(c, sizeof(c), e->count, NULL, "edited by sevorix policy suggest");
	*line = NULL;
	if (e->section == SX_SEC_FILES) {
		struct file_rule r = p->file_rules[e->index];

		r.access &= ~e->drop;
		return r.access ? RULE_LINE(line, prefix, policy_print_file_rule, &r, "%s", c) : 0;
	}
	if (e->section == SX_SEC_EXEC) {
		struct exec_rule r = p->exec_rules[e->index];

		r.action = SX_ALLOW;
		return RULE_LINE(line, prefix, policy_print_exec_rule, &r, "%s", c);
	}
	{
		struct net_rule r = p->net_rules[e->index];
		uint64_t *bits = calloc(PORT_WORDS, 8);
		int ret = 0;

		if (!bits)
			return -ENOMEM;
		for (size_t i = 0; i < r.nports; i++)
			for (uint32_t q = r.ports[i].lo; q <= r.ports[i].hi; q++)
				if (!(e->ports[q / 64] >> (q % 64) & 1))
					bits[q / 64] |= 1ULL << (q % 64);
		if (e->allow)
			r.action = SX_ALLOW;
		else
			r.ports = learn_port_ranges(bits, &r.nports);
		if (e->allow || r.nports)
			ret = RULE_LINE(line, prefix, policy_print_net_rule, &r, "%s", c);
		if (!e->allow)
			free(r.ports);
		free(bits);
		return ret;
	}
}

static const struct policy_loc *edit_loc(const struct policy *p, const struct rule_edit *e)
{
	if (e->section == SX_SEC_FILES)
		return &p->file_rules[e->index].loc;
	if (e->section == SX_SEC_EXEC)
		return &p->exec_rules[e->index].loc;
	return &p->net_rules[e->index].loc;
}

/* What cannot be placed in the file, said in the explanation instead. */
static int loose(struct suggestion *s, const char *what, const char *line)
{
	char *text;

	if (asprintf(&text, "%s%s", what, line ? line : "") < 0)
		return -ENOMEM;
	return push(&s->loose, &s->nloose, text);
}

static int patch_edit(struct suggestion *s, const struct places *pl, const struct rule_edit *e)
{
	const struct yplace *y = &pl->sec[e->section];
	const struct policy_loc *loc = edit_loc(s->p, e);
	const struct yitem *it = yplace_item(y, loc->line);
	char **ins = NULL, *line;
	size_t nins = 0;
	int r = edited_line(s, e, it ? y->prefix : "- ", &line);

	if (r)
		return r;
	if (!it) {
		char what[64];

		snprintf(what, sizeof(what), "rule at line %u: %s", loc->line,
			 line ? "change it to " : "remove it");
		s->loose_sec |= 1u << e->section;
		r = loose(s, what, line);
		free(line);
		return r;
	}
	if (!line && asprintf(&line, "%.*s# (a rule removed by sevorix policy suggest: it "
				     "decided nothing else)", (int)strcspn(y->prefix, "-"),
			      y->prefix) < 0)
		return -ENOMEM;
	r = push(&ins, &nins, line);
	return r ?: yedits_add(&s->ye, &s->nye, it->first, it->last - it->first + 1, ins, nins);
}

/* The line of one added rule. */
static int added_line(const struct suggestion *s, const struct rule_add *a, const char *prefix,
		      char **line)
{
	char c[200], cidr[64];
	int r;

	count_comment(c, sizeof(c), a->count, a->note, "suggested");
	if (a->kind == DEN_FILE) {
		struct file_rule fr = { .action = SX_ALLOW, .access = a->access };

		fr.path = suggest_written(s->p, a->path);
		r = fr.path ? RULE_LINE(line, prefix, policy_print_file_rule, &fr, "%s", c) : -ENOMEM;
		free(fr.path);
		return r;
	}
	if (a->kind == DEN_EXEC) {
		struct exec_rule er = { .action = SX_ALLOW };

		er.path = suggest_written(s->p, a->path);
		r = er.path ? RULE_LINE(line, prefix, policy_print_exec_rule, &er, "%s", c) : -ENOMEM;
		free(er.path);
		return r;
	}
	if (a->kind == DEN_UNIX) {
		struct net_rule nr = { .action = SX_ALLOW, .kind = NET_RULE_UNIX, .text = a->path };

		return RULE_LINE(line, prefix, policy_print_net_rule, &nr, "%s", c);
	}
	{
		struct net_rule nr = { .action = SX_ALLOW, .text = cidr,
				       .kind = a->family == AF_INET ? NET_RULE_CIDR4 : NET_RULE_CIDR6 };

		suggest_cidr(a->family, a->addr, cidr, sizeof(cidr));
		nr.ports = learn_port_ranges(a->ports, &nr.nports);
		r = RULE_LINE(line, prefix, policy_print_net_rule, &nr, "%s", c);
		free(nr.ports);
		return r;
	}
}

static int section_of(enum denial_kind k)
{
	return k == DEN_FILE ? SX_SEC_FILES : k == DEN_EXEC ? SX_SEC_EXEC : SX_SEC_NETWORK;
}

static void free_lines(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Inserts lines after line `after` of s->text (keeping a last line without '\n' whole). */
static int insert_after(struct suggestion *s, size_t after, char **ins, size_t nins)
{
	char **v;

	bool whole = after + 1 == s->text.n && !s->text.nl_end;

	/* a second insertion at the same place follows the first */
	for (size_t i = 0; i < s->nye; i++) {
		struct yedit *e = &s->ye[i];

		if (e->first != (whole ? after : after + 1) || e->ndel != (whole ? 1u : 0u))
			continue;
		v = realloc(e->ins, (e->nins + nins) * sizeof(*v));
		if (!v) {
			free_lines(ins, nins);
			return -ENOMEM;
		}
		memcpy(v + e->nins, ins, nins * sizeof(*v));
		e->ins = v;
		e->nins += nins;
		free(ins);
		return 0;
	}
	if (!whole)
		return yedits_add(&s->ye, &s->nye, after + 1, 0, ins, nins);
	/* the last line has no '\n': it is replaced by itself and the new lines */
	v = realloc(ins, (nins + 1) * sizeof(*v));
	if (!v) {
		free_lines(ins, nins);
		return -ENOMEM;
	}
	memmove(v + 1, v, nins * sizeof(*v));
	v[0] = strdup(s->text.line[after]);
	if (!v[0]) {
		free_lines(v + 1, nins);
		free(v);
		return -ENOMEM;
	}
	return yedits_add(&s->ye, &s->nye, after, 1, v, nins + 1);
}

static int add_lines(struct suggestion *s, int section, const char *prefix, char ***v, size_t *n)
{
	int r = 0;

	/* network: addresses first, then UNIX sockets */
	for (int pass = 0; pass < 2 && !r; pass++) {
		for (size_t i = 0; i < s->nadds && !r; i++) {
			const struct rule_add *a = &s->adds[i];
			char *line;

			if (section_of(a->kind) != section || (a->kind == DEN_UNIX) != pass)
				continue;
			r = added_line(s, a, prefix, &line);
			r = r ?: push(v, n, line);
		}
	}
	return r;
}

static int patch_adds(struct suggestion *s, const struct places *pl, int section)
{
	static const char *const names[] = { "network", "files", "exec" };
	const struct yplace *y = &pl->sec[section];
	char prefix[80], **v = NULL;
	size_t n = 0, head = 0;
	int r = 0;

	snprintf(prefix, sizeof(prefix), "%*s- ", y->child_col + 2, "");
	if (y->has_list && y->nitems)
		snprintf(prefix, sizeof(prefix), "%s", y->prefix);
	if (y->present && y->block && !y->has_list) {
		char *rules;

		r = asprintf(&rules, "%*srules:", y->child_col, "") < 0 ? -ENOMEM : 0;
		r = r ?: push(&v, &n, rules);
		head = 1;
	}
	r = r ?: add_lines(s, section, prefix, &v, &n);
	if (r || n == head) {
		free_lines(v, n);
		return r;
	}
	if (!y->present || !y->block || (y->has_list && (y->list_flow || !y->nitems))) {
		char what[64];

		snprintf(what, sizeof(what), "add to %s.rules: ", names[section]);
		s->loose_sec |= 1u << section;
		for (size_t i = head; i < n && !r; i++)
			r = loose(s, what, v[i] + strspn(v[i], " "));
		free_lines(v, n);
		return r;
	}
	return insert_after(s, y->has_list ? y->list_last : y->last, v, n);
}

/* "allow: [a, b]" with the entries P allows and those suggested. */
static char *harden_list(const struct suggestion *s, int col)
{
	const char *const *names = hardening_allow_names();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *sep = "";

	if (!f)
		return NULL;
	fprintf(f, "%*sallow: [", col, "");
	for (size_t i = 0; names[i]; i++) {
		unsigned int bit;

		if (hardening_allow_from_name(names[i], &bit) == 0 &&
		    ((s->p->hardening_allow | s->harden) & bit)) {
			fprintf(f, "%s%s", sep, names[i]);
			sep = ", ";
		}
	}
	fputs("]  # suggested by sevorix policy suggest", f);
	fclose(f);
	return buf;
}

static int patch_harden(struct suggestion *s, const struct places *pl)
{
	const struct yplace *y = &pl->harden;
	char **v = NULL, *line = harden_list(s, y->present ? y->child_col : 2);
	size_t n = 0;
	int r;

	if (!s->harden) {
		free(line);
		return 0;
	}
	if (y->present && !y->block) {
		s->loose_sec |= 1u << SX_SEC_HARDENING;
		r = loose(s, "set hardening.", line ? line + strspn(line, " ") : NULL);
		free(line);
		return r;
	}
	if (!y->present)
		r = push(&v, &n, strdup("hardening:"));
	r = push(&v, &n, line);
	if (r) {
		free_lines(v, n);
		return r;
	}
	if (y->present && y->has_list)
		return yedits_add(&s->ye, &s->nye, y->list_line, y->list_last - y->list_line + 1, v,
				  n);
	return insert_after(s, y->present ? y->last : s->text.n - 1, v, n);
}

static void places_free(struct places *pl)
{
	for (int i = 0; i < 3; i++)
		yplace_free(&pl->sec[i]);
	yplace_free(&pl->harden);
}

int suggest_patch(struct suggestion *s)
{
	static const char *const keys[] = { "network", "files", "exec" };
	struct places pl = { 0 };
	int r = 0;

	yedits_free(s->ye, s->nye);
	s->ye = NULL;
	s->nye = 0;
	free_lines(s->loose, s->nloose);
	s->loose = NULL;
	s->nloose = 0;
	s->loose_sec = 0;
	for (int i = 0; i < 3 && !r; i++)
		r = ytext_place(&s->text, s->p->file, keys[i], "rules", &pl.sec[i]);
	r = r ?: ytext_place(&s->text, s->p->file, "hardening", "allow", &pl.harden);
	for (size_t i = 0; i < s->nedits && !r; i++)
		r = patch_edit(s, &pl, &s->edits[i]);
	for (int i = 0; i < 3 && !r; i++)
		r = patch_adds(s, &pl, i);
	r = r ?: patch_harden(s, &pl);
	places_free(&pl);
	return r;
}

static void put_denial(FILE *f, const struct suggestion *s, const struct denial *d)
{
	static const char *const acc[] = { "read", "write", "exec" };
	char *w = d->path ? suggest_written(s->p, d->path) : NULL, a[INET6_ADDRSTRLEN];

	if (d->kind == DEN_FILE) {
		fprintf(f, "open %s [", w ? w : d->path);
		for (int i = 0, first = 1; i < 3; i++)
			if (d->access & (1u << i))
				fprintf(f, "%s%s", first ? "" : " ", acc[i]), first = 0;
		fputc(']', f);
	} else if (d->kind == DEN_NET) {
		inet_ntop(d->family, d->addr, a, sizeof(a));
		fprintf(f, d->family == AF_INET ? "connect %s:%u (%s)" : "connect [%s]:%u (%s)", a,
			d->port, d->udp ? "udp" : "tcp");
	} else if (d->kind == DEN_UNIX) {
		fprintf(f, "connect unix %s", d->path);
	} else if (d->kind == DEN_EXEC) {
		size_t i = 0;

		fprintf(f, "exec %s", w ? w : d->path);
		for (; d->argv[i] && i < 6; i++)
			fprintf(f, "%s%s", i ? " " : " (argv: ", d->argv[i]);
		if (i)
			fputs(d->argv[i] ? " ...)" : ")", f);
	} else {
		fprintf(f, "%s (hardening)", d->what);
	}
	fprintf(f, ", %lu event%s", d->count, d->count == 1 ? "" : "s");
	free(w);
}

static void put_outcome(FILE *f, const struct suggestion *s, const struct item *it)
{
	const struct denial *d = it->d;
	char *w = it->path ? suggest_written(s->p, it->path) : NULL, cidr[64];
	uint8_t a[16];

	fputs(": ", f);
	if (it->state == IT_ALLOWED) {
		fprintf(f, "already allowed by %s\n", s->p->file);
	} else if (it->state == IT_NOTE) {
		fprintf(f, "no rule: %s\n", it->note);
	} else if (d->kind == DEN_FILE) {
		fprintf(f, "allow %s%s%s%s%s%s", w ? w : it->path,
			it->access & SX_ACCESS_READ ? " read" : "",
			it->access & SX_ACCESS_WRITE ? " write" : "",
			it->access & SX_ACCESS_EXEC ? " exec" : "",
			strcmp(it->path, d->path) ? " (it does not exist: creating it needs its "
						    "directory)" : "",
			it->note ? "; " : "");
		fprintf(f, "%s\n", it->note ? it->note : "");
	} else if (d->kind == DEN_NET) {
		int family = d->family;

		memcpy(a, d->addr, 16);
		learn_normalize(&family, a);
		suggest_cidr(family, a, cidr, sizeof(cidr));
		fprintf(f, "allow %s port %u%s%s\n", cidr, d->port, it->note ? "; " : "",
			it->note ? it->note : "");
	} else if (d->kind == DEN_HARDEN) {
		fprintf(f, "%s\n", it->note);
	} else {
		fprintf(f, "allow %s%s%s%s\n", d->kind == DEN_UNIX ? "unix " : "", d->path,
			it->note ? "; " : "", it->note ? it->note : "");
	}
	free(w);
}

int suggest_print(const struct suggestion *s, FILE *f)
{
	size_t ruled, explained;

	suggest_counts(s, &ruled, &explained);
	fprintf(f, "# sevorix policy suggest: %zu denial%s against %s: %zu with a rule, %zu "
		   "without, %zu already allowed\n",
		s->nitems, s->nitems == 1 ? "" : "s", s->p->file, ruled, explained,
		s->nitems - ruled - explained);
	for (size_t i = 0; i < s->nitems; i++) {
		fprintf(f, "# %2zu. ", i + 1);
		put_denial(f, s, s->items[i].d);
		put_outcome(f, s, &s->items[i]);
	}
	if (s->nloose)
		fputs("# not placed in the file (a section written in flow style):\n", f);
	for (size_t i = 0; i < s->nloose; i++)
		fprintf(f, "#   %s\n", s->loose[i]);
	if (s->nye)
		yedits_diff(&s->text, s->ye, s->nye, s->p->file, f);
	return ferror(f) ? -EIO : 0;
}
