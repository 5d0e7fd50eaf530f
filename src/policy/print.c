// SPDX-License-Identifier: GPL-2.0-only
/*
 * `sevorix policy print`: the normalized policy, in evaluation order, one
 * rule per line in YAML flow style. The output parses back to the same
 * policy (tests/policy checks that it is a fixed point). Without --expand,
 * paths are printed as written, so ${VAR}s survive; with it, expanded.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy/internal.h"

/*
 * The code point at s (the loader's strings are UTF-8, libyaml checked
 * them) and, in *len, its length. A stray byte stands for itself.
 */
static unsigned int code_point(const unsigned char *s, int *len)
{
	int n = s[0] < 0x80 ? 1 : s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;
	unsigned int c = n == 1 ? s[0] : s[0] & (0x7f >> n);

	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*len = 1;
			return s[0];
		}
		c = c << 6 | (s[i] & 0x3f);
	}
	*len = n;
	return c;
}

/*
 * What may stand in a scalar as it is: YAML's printable characters
 * (YAML 1.1, 5.1) but the line breaks (NEL, LS, PS) and every control
 * character, which are folded, refused or ambiguous unless escaped.
 */
static bool as_is(unsigned int c)
{
	return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff && c != 0x2028 && c != 0x2029) ||
	       (c >= 0xe000 && c <= 0xfffd && c != 0xfeff) || (c >= 0x10000 && c <= 0x10ffff);
}

/* Plain scalars are fine unless they could be read as something else. */
static bool needs_quotes(const char *s)
{
	int len;

	if (!*s || strchr("-?:,[]{}#&*!|>'\"%@` $~", *s))
		return true;
	/* a line break or another control character would be folded or refused: escape it */
	for (const unsigned char *c = (const unsigned char *)s; *c; c += len)
		if (!as_is(code_point(c, &len)))
			return true;
	if (strpbrk(s, ",[]{}#\"'\\:*&") || strstr(s, ": ") || s[strlen(s) - 1] == ':' ||
	    s[strlen(s) - 1] == ' ')
		return true;
	if (isdigit((unsigned char)*s) && !strchr(s, '/'))
		return true;
	return !strcmp(s, "true") || !strcmp(s, "false") || !strcmp(s, "null") ||
	       !strcmp(s, "yes") || !strcmp(s, "no") || !strcmp(s, "on") || !strcmp(s, "off");
}

static void put_str(FILE *f, const char *s)
{
	const unsigned char *c = (const unsigned char *)s;
	unsigned int cp;
	int len;

	if (!needs_quotes(s)) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *c; c += len) {
		cp = code_point(c, &len);
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (as_is(cp))
			fwrite(c, 1, len, f);
		else if (cp <= 0xff) /* YAML's \x, \u and \U name code points */
			fprintf(f, "\\x%02x", cp);
		else if (cp <= 0xffff)
			fprintf(f, "\\u%04x", cp);
		else
			fprintf(f, "\\U%08x", cp);
	}
	fputc('"', f);
}

static void print_ports(FILE *f, const struct net_rule *r)
{
	fputs(", ports: [", f);
	for (size_t i = 0; i < r->nports; i++) {
		if (r->ports[i].lo == r->ports[i].hi)
			fprintf(f, "%s%u", i ? ", " : "", r->ports[i].lo);
		else
			fprintf(f, "%s\"%u-%u\"", i ? ", " : "", r->ports[i].lo, r->ports[i].hi);
	}
	fputc(']', f);
}

void policy_print_net_rule(FILE *f, const struct net_rule *r, bool expand)
{
	fprintf(f, "{action: %s, ", sx_action_name(r->action));
	if (r->kind == NET_RULE_UNIX) {
		fputs("unix: ", f);
		put_str(f, expand ? r->unix_path : r->text);
	} else {
		fputs(r->kind == NET_RULE_HOST ? "host: " : "cidr: ", f);
		put_str(f, r->text);
	}
	if (r->nports)
		print_ports(f, r);
	fputc('}', f);
}

/* The rules of network (bind: of network.bind), one flow mapping a line; returns how many. */
static size_t print_net_rules(FILE *f, const struct policy *p, bool expand, bool bind,
			      const char *indent)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nnet_rules; i++) {
		const struct net_rule *r = &p->net_rules[i];
		bool is_bind = r->kind == NET_RULE_BIND4 || r->kind == NET_RULE_BIND6;

		if (is_bind != bind)
			continue;
		if (!n++)
			fprintf(f, "%srules:\n", indent);
		fprintf(f, "%s  - ", indent);
		policy_print_net_rule(f, r, expand);
		fputc('\n', f);
	}
	return n;
}

static void print_dns(FILE *f, const struct policy *p)
{
	const struct policy_dns *d = &p->dns;

	fputs("  dns:\n", f);
	if (d->nupstream) {
		fputs("    upstream: [", f);
		for (size_t i = 0; i < d->nupstream; i++) {
			fputs(i ? ", " : "", f);
			put_str(f, d->upstream[i]);
		}
		fputs("]\n", f);
	}
	fprintf(f, "    ttl: {min: %u, max: %u}\n    grace: %u\n", d->ttl_min, d->ttl_max,
		d->grace);
}

static void print_network(FILE *f, const struct policy *p, bool expand)
{
	fprintf(f, "network:\n  default: %s\n", sx_action_name(p->network.def));
	print_net_rules(f, p, expand, false, "  ");
	if (p->dns.present)
		print_dns(f, p);
	if (p->bind.present) {
		fprintf(f, "  bind:\n    default: %s\n", sx_action_name(p->bind.def));
		print_net_rules(f, p, expand, true, "    ");
	}
}

static void print_access(FILE *f, unsigned int access)
{
	static const char *const names[] = { "read", "write", "exec" };
	bool first = true;

	fputs(", access: [", f);
	for (int i = 0; i < 3; i++) {
		if (access & (1u << i)) {
			fprintf(f, "%s%s", first ? "" : ", ", names[i]);
			first = false;
		}
	}
	fputc(']', f);
}

void policy_print_file_rule(FILE *f, const struct file_rule *r, bool expand)
{
	fprintf(f, "{action: %s, path: ", sx_action_name(r->action));
	put_str(f, expand ? r->expanded : r->path);
	print_access(f, r->access);
	if (r->create != SX_CREATE_NONE)
		fprintf(f, ", create: %s", r->create == SX_CREATE_DIR ? "dir" : "file");
	fputc('}', f);
}

static void print_files(FILE *f, const struct policy *p, bool expand)
{
	fprintf(f, "files:\n  default: %s\n", sx_action_name(p->files.def));
	if (!p->nfile_rules)
		return;
	fputs("  rules:\n", f);
	for (size_t i = 0; i < p->nfile_rules; i++) {
		fputs("    - ", f);
		policy_print_file_rule(f, &p->file_rules[i], expand);
		fputc('\n', f);
	}
}

void policy_print_exec_rule(FILE *f, const struct exec_rule *r, bool expand)
{
	fprintf(f, "{action: %s, ", sx_action_name(r->action));
	if (r->argv_glob) {
		fputs("argv: ", f);
		put_str(f, r->argv_glob);
	} else if (r->shell_glob) {
		fputs("shell: ", f);
		put_str(f, r->shell_glob);
	} else {
		fputs("path: ", f);
		put_str(f, expand ? r->expanded : r->path);
	}
	fputc('}', f);
}

static void print_exec(FILE *f, const struct policy *p, bool expand)
{
	fprintf(f, "exec:\n  default: %s\n", sx_action_name(p->exec.def));
	if (p->exec_written != SX_ALLOW)
		fprintf(f, "  written: %s\n", sx_action_name(p->exec_written));
	if (p->exec_loader != SX_DENY)
		fprintf(f, "  loader: %s\n", sx_action_name(p->exec_loader));
	if (!p->nexec_rules)
		return;
	fputs("  rules:\n", f);
	for (size_t i = 0; i < p->nexec_rules; i++) {
		fputs("    - ", f);
		policy_print_exec_rule(f, &p->exec_rules[i], expand);
		fputc('\n', f);
	}
}

int policy_print(const struct policy *p, bool expand, FILE *f)
{
	fprintf(f, "version: %d\nmode: %s\n", p->version,
		p->mode == SX_MODE_AUDIT ? "audit" : "enforce");
	if (p->nvars && !expand) {
		fputs("vars:\n", f);
		for (size_t i = 0; i < p->nvars; i++) {
			fprintf(f, "  %s: ", p->vars[i].name);
			put_str(f, p->vars[i].written);
			fputc('\n', f);
		}
	}
	if (p->tmp_given)
		fprintf(f, "tmp: %s\n", p->tmp == SX_TMP_PRIVATE ? "private" : "shared");
	if (p->network.present)
		print_network(f, p, expand);
	if (p->files.present)
		print_files(f, p, expand);
	if (p->exec.present)
		print_exec(f, p, expand);
	if (strcmp(p->jury_local, POLICY_JURY_DEFAULT)) {
		char url[4200];

		snprintf(url, sizeof(url), "unix://%s", p->jury_local);
		fputs("jury:\n  local: ", f);
		put_str(f, url);
		fputc('\n', f);
	}
	if (p->review_deadline_ms != POLICY_REVIEW_DEADLINE_MS)
		fprintf(f, "review:\n  deadline_ms: %u\n", p->review_deadline_ms);
	if (p->hardening_allow) {
		const char *const *names = hardening_allow_names();

		fputs("hardening:\n  allow: [", f);
		for (unsigned int i = 0, first = 1; names[i]; i++) {
			unsigned int bit;

			if (hardening_allow_from_name(names[i], &bit) == 0 &&
			    (p->hardening_allow & bit)) {
				fprintf(f, "%s%s", first ? "" : ", ", names[i]);
				first = 0;
			}
		}
		fputs("]\n", f);
	}
	return ferror(f) ? -EIO : 0;
}
