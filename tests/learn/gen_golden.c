// SPDX-License-Identifier: GPL-2.0-only
/*
 * Learn mode's generalizer on written observations, for the golden tests
 * (tests/learn/generalize.t). An observation file has one per line:
 *
 *   home PATH | workspace PATH
 *   file PATH ACCESS [created] [dir] [entries] [denied] [xN]   ACCESS: r w x - letters
 *   net ADDR PORT [udp] [name=NAME] [denied] [xN]   NAME: looked up, then connected
 *   unix PATH [denied] [xN]
 *   exec PATH [interp] [denied] [xN] [argv=ARGV TO THE END OF THE LINE]
 *
 *   gen_golden REF OBS            prints the rulebook learnt against REF
 *   gen_golden --verify REF OBS   loads it and decides every observation:
 *                                 "ok" when what is allowed is exactly what
 *                                 was seen and not denied (by REF or the run)
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "learn/learn.h"
#include "sevorix/policy.h"

static char home[256] = "/home/u", ws[256] = "/home/u/ws";

static void flags_of(char *rest, struct observed *o)
{
	char *argv = strstr(rest, "argv=");

	if (argv) {
		o->argv = strdup(argv + 5);
		o->argv[strcspn(o->argv, "\n")] = 0;
		*argv = 0;
	}
	o->count = 1;
	for (char *t = strtok(rest, " \n"); t; t = strtok(NULL, " \n")) {
		if (!strcmp(t, "created"))
			o->flags |= OBS_CREATED;
		else if (!strcmp(t, "dir"))
			o->flags |= OBS_DIR;
		else if (!strcmp(t, "entries"))
			o->flags |= OBS_ENTRIES;
		else if (!strcmp(t, "denied"))
			o->flags |= OBS_DENIED;
		else if (!strcmp(t, "interp"))
			o->flags |= OBS_INTERP;
		else if (!strcmp(t, "udp"))
			o->flags |= OBS_UDP;
		else if (!strncmp(t, "name=", 5))
			o->name = strdup(t + 5);
		else if (t[0] == 'x')
			o->count = strtoul(t + 1, NULL, 10);
	}
}

static int parse(char *line, struct observed *o)
{
	char kind[16], a[4096], b[64];
	int n = 0;

	memset(o, 0, sizeof(*o));
	if (sscanf(line, "%15s %4095s %n", kind, a, &n) < 2 || kind[0] == '#')
		return 0;
	if (!strcmp(kind, "home") || !strcmp(kind, "workspace")) {
		snprintf(kind[0] == 'h' ? home : ws, sizeof(home), "%.255s", a);
		return 0;
	}
	o->path = strdup(a);
	if (!strcmp(kind, "file")) {
		int m = 0;

		o->kind = OBS_FILE;
		sscanf(line + n, "%63s %n", b, &m);
		o->access = (strchr(b, 'r') ? SX_ACCESS_READ : 0) |
			    (strchr(b, 'w') ? SX_ACCESS_WRITE : 0) | (strchr(b, 'x') ? SX_ACCESS_EXEC : 0);
		n += m;
	} else if (!strcmp(kind, "net")) {
		int m = 0;

		o->kind = OBS_NET;
		o->family = strchr(a, ':') ? AF_INET6 : AF_INET;
		inet_pton(o->family, a, o->addr);
		sscanf(line + n, "%63s %n", b, &m);
		o->port = atoi(b);
		n += m;
	} else {
		o->kind = !strcmp(kind, "unix") ? OBS_UNIX : OBS_EXEC;
	}
	flags_of(line + n, o);
	return 1;
}

/* A host rule of p allows name on port (as the run's resolver and the kernel would). */
static bool host_allows(const struct policy *p, const char *name, uint16_t port)
{
	for (size_t i = 0; i < p->nnet_rules; i++) {
		const struct net_rule *r = &p->net_rules[i];
		bool in = !r->nports;

		if (r->kind != NET_RULE_HOST || strcmp(r->host, name))
			continue;
		for (size_t j = 0; j < r->nports; j++)
			in |= port >= r->ports[j].lo && port <= r->ports[j].hi;
		if (in)
			return r->action == SX_ALLOW;
	}
	return false;
}

/* Is o allowed by out, and should it be (seen, and denied by neither REF nor the run)? */
static int check(const struct policy *ref, const struct policy *out, const struct observed *o)
{
	char *argv[] = { o->argv ? o->argv : "", NULL }, *none[] = { "", NULL };
	const struct file_rule *fr = NULL;
	const struct net_rule *nr = NULL;
	const struct exec_rule *er = NULL;
	bool want = !(o->flags & OBS_DENIED), got;
	int family = o->family;
	enum sx_action a;
	uint8_t addr[16];

	memcpy(addr, o->addr, 16);
	learn_normalize(&family, addr);
	if (o->kind == OBS_FILE) {
		a = policy_decide_file(ref, o->path, o->access, &fr);
		want &= a == SX_ALLOW || !fr;
		got = policy_decide_file(out, o->path, o->access, &fr) == SX_ALLOW;
	} else if (o->kind == OBS_NET) {
		a = policy_decide_net(ref, family, addr, o->port, &nr);
		want &= (a == SX_ALLOW || !nr) && o->port;
		got = policy_decide_net(out, family, addr, o->port, &nr) == SX_ALLOW ||
		      (o->name && host_allows(out, o->name, o->port));
	} else if (o->kind == OBS_UNIX) {
		a = policy_decide_unix(ref, o->path, &nr);
		want &= o->path[0] == '/' && (a == SX_ALLOW || !nr);
		/* a rulebook that names hosts cannot allow a host resolver */
		want &= !(policy_names_hosts(out) && policy_unix_resolver(o->path, false));
		got = policy_decide_unix(out, o->path, &nr) == SX_ALLOW;
	} else {
		want &= policy_decide_exec(ref, o->path, none, &er) != SX_DENY;
		got = policy_decide_exec(out, o->path, argv, &er) == SX_ALLOW;
	}
	if (want != got)
		printf("%s: %s\n", o->path, got ? "allowed, should not be" : "denied, should be allowed");
	return want != got;
}

int main(int argc, char **argv)
{
	bool verify = argc == 4 && !strcmp(argv[1], "--verify");
	struct observed v[512];
	struct policy *ref = NULL, *out = NULL;
	struct policy_diag d = { 0 };
	char line[8192], tmp[] = "/tmp/sevorix-learnt-XXXXXX";
	size_t n = 0;
	int bad = 0, fd;
	FILE *f;

	if (argc != 3 + verify || !(f = fopen(argv[2 + verify], "r")))
		return 2;
	while (fgets(line, sizeof(line), f) && n < 512)
		n += parse(line, &v[n]);
	fclose(f);
	if (policy_load(argv[1 + verify], &(struct policy_env){ home, "u", ws, NULL }, &ref, &d))
		return policy_diag_print(&d, stderr), 2;
	struct learn_input in = { v, n, ref, home, ws, "# learnt from a test\n", 0, NULL };

	if (!verify) {
		bad = learn_generalize(&in, stdout) ? 2 : 0;
		goto out;
	}
	fd = mkstemp(tmp);
	f = fdopen(fd, "w");
	learn_generalize(&in, f);
	fclose(f);
	if (policy_load(tmp, &(struct policy_env){ home, "u", ws, NULL }, &out, &d)) {
		policy_diag_print(&d, stdout);
		bad = 1;
	}
	unlink(tmp);
	for (size_t i = 0; out && i < n; i++)
		bad += check(ref, out, &v[i]);
	puts(bad ? "mismatches" : "ok");
	bad = bad != 0;
out:
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].name);
		free(v[i].argv);
	}
	policy_diag_clear(&d);
	policy_free(ref);
	policy_free(out);
	return bad;
}
