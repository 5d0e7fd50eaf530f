// SPDX-License-Identifier: GPL-2.0-only
/*
 * `policy suggest` (learn/suggest.h): the plan. Each denial is decided by
 * P again and gets one of three outcomes: already allowed, a note (no rule
 * can allow it), or a rule. A rule is found in two steps, both checked by
 * the real loader: first the rules of P that decide the exact selector
 * are edited (an allow beside them would lose: same path, same host with
 * ports), the edited file is loaded, and what it still denies gets a new
 * rule; then the whole patch is loaded and every denial decided once more.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/types.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "learn/learn.h"
#include "learn/suggest_internal.h"
#include "sevorix/abi.h"

static int set_str(char **dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int set_str(char **dst, const char *fmt, ...)
{
	va_list ap;
	int n;

	free(*dst);
	va_start(ap, fmt);
	n = vasprintf(dst, fmt, ap);
	va_end(ap);
	if (n < 0)
		*dst = NULL;
	return n < 0 ? -ENOMEM : 0;
}

/* "overrides the deny rule at FILE:LINE" when loc's rule is not an allow. */
static int override(struct item *it, enum sx_action a, const struct policy_loc *loc)
{
	if (it->note || a == SX_ALLOW || !loc)
		return 0;
	return set_str(&it->note, "overrides the %s rule at %s:%u", sx_action_name(a), loc->file,
		       loc->line);
}

static struct rule_edit *edit_of(struct suggestion *s, int section, size_t index)
{
	struct rule_edit *v;

	for (size_t i = 0; i < s->nedits; i++)
		if (s->edits[i].section == section && s->edits[i].index == index)
			return &s->edits[i];
	v = realloc(s->edits, (s->nedits + 1) * sizeof(*v));
	if (!v)
		return NULL;
	s->edits = v;
	v = &v[s->nedits++];
	*v = (struct rule_edit){ .section = section, .index = index };
	if (section == SX_SEC_NETWORK && !(v->ports = calloc(PORT_WORDS, 8))) {
		s->nedits--;
		return NULL;
	}
	return v;
}

/* The nearest directory of path that exists (as the agent sees it). */
static char *existing(const struct policy *p, const char *path)
{
	char *x = strdup(path), host[8192], *slash;
	struct stat st;

	while (x && strcmp(x, "/") && stat(policy_host_path(p, x, host, sizeof(host)), &st) < 0) {
		slash = strrchr(x, '/');
		if (slash == x)
			slash[1] = 0;
		else
			*slash = 0;
	}
	return x;
}

static int plan_file(struct suggestion *s, struct item *it)
{
	const struct policy *p = s->p;
	const struct denial *d = it->d;
	char host[8192];
	struct stat st;
	int r = 0;

	/* a name that does not exist cannot be granted by itself: its directory is */
	it->path = stat(policy_host_path(p, d->path, host, sizeof(host)), &st) < 0 &&
				   (d->access & SX_ACCESS_WRITE)
			   ? existing(p, d->path)
			   : strdup(d->path);
	if (!it->path)
		return -ENOMEM;
	if (!strcmp(it->path, "/") && strcmp(d->path, "/")) {
		it->state = IT_NOTE;
		return set_str(&it->note, "creating it needs write on /; not suggested");
	}
	for (unsigned int bit = 1; bit <= SX_ACCESS_EXEC && !r; bit <<= 1) {
		const struct file_rule *fr;
		enum sx_action a;
		struct rule_edit *e;

		if (!(d->access & bit) || (a = policy_decide_file(p, it->path, bit, &fr)) == SX_ALLOW)
			continue;
		it->access |= bit;
		r = override(it, a, fr ? &fr->loc : NULL);
		if (r || !fr || strcmp(fr->expanded, it->path))
			continue;
		e = edit_of(s, SX_SEC_FILES, fr - p->file_rules);
		if (!e)
			return -ENOMEM;
		e->drop |= bit;
		e->count += d->count;
	}
	it->state = it->access ? IT_RULE : IT_ALLOWED;
	return r;
}

static int plan_net(struct suggestion *s, struct item *it)
{
	const struct denial *d = it->d;
	const struct net_rule *nr;
	struct rule_edit *e;
	int family = d->family, r;
	uint8_t a[16];
	enum sx_action act;

	memcpy(a, d->addr, 16);
	learn_normalize(&family, a);
	act = policy_decide_net(s->p, family, a, d->port, &nr);
	if (act == SX_ALLOW)
		return it->state = IT_ALLOWED, 0;
	if (!d->port) {
		it->state = IT_NOTE;
		return set_str(&it->note, "port 0 cannot be named in a rule's ports");
	}
	it->state = IT_RULE;
	r = override(it, act, nr ? &nr->loc : NULL);
	if (r || !nr || nr->prefix != (family == AF_INET ? 32 : 128) || !nr->nports)
		return r;
	/* a deny of this host with ports sorts before an allow with ports: take the port out */
	e = edit_of(s, SX_SEC_NETWORK, nr - s->p->net_rules);
	if (!e)
		return -ENOMEM;
	e->ports[d->port / 64] |= 1ULL << (d->port % 64);
	e->count += d->count;
	return 0;
}

static int plan_unix(struct suggestion *s, struct item *it)
{
	const struct net_rule *nr;
	struct rule_edit *e;
	enum sx_action act;
	int r;

	if (it->d->path[0] != '/') {
		it->state = IT_NOTE;
		return set_str(&it->note, "an abstract socket name matches no rule (only "
					  "network.default: allow lets it through)");
	}
	act = policy_decide_unix(s->p, it->d->path, &nr);
	if (act == SX_ALLOW)
		return it->state = IT_ALLOWED, 0;
	it->state = IT_RULE;
	r = override(it, act, nr ? &nr->loc : NULL);
	if (r || !nr || nr->unix_prefix || strcmp(nr->unix_path, it->d->path))
		return r;
	e = edit_of(s, SX_SEC_NETWORK, nr - s->p->net_rules);
	if (!e)
		return -ENOMEM;
	e->allow = true;
	e->count += it->d->count;
	return 0;
}

/*
 * Denials of exec that no path rule can turn around, by the hold's
 * reason. A program denied by content is only such a denial when its
 * path is not denied itself (the file a deny rule names is matched by
 * identity too).
 */
static const char *exec_note(const struct denial *d, enum sx_action by_path)
{
	if (strstr(d->reason, "same file or content") && by_path == SX_ALLOW)
		return "this program is the same file or content as an executable a deny rule "
		       "names; allowing it means removing that rule";
	if (strstr(d->reason, "dynamic loader"))
		return "a direct exec of the dynamic loader: exec: {loader: allow} permits it";
	if (strstr(d->reason, "written since"))
		return "written during the run, refused by exec: {written: deny}";
	if (strstr(d->reason, "argv matches"))
		return "its argv matches an argv rule; a path rule cannot override it";
	if (strstr(d->reason, "not the file that was"))
		return "the file changed between its check and its exec";
	return NULL;
}

static int plan_exec(struct suggestion *s, struct item *it)
{
	const struct exec_rule *er;
	struct rule_edit *e;
	enum sx_action act = policy_decide_exec(s->p, it->d->path, it->d->argv, &er);
	int r;

	if (exec_note(it->d, act)) {
		it->state = IT_NOTE;
		return set_str(&it->note, "%s", exec_note(it->d, act));
	}
	if (act == SX_ALLOW)
		return it->state = IT_ALLOWED, 0;
	if (er && er->argv_glob) {
		it->state = IT_NOTE;
		return set_str(&it->note, "the argv rule at %s:%u (\"%s\") decides it; a path rule "
					  "cannot override it (the stricter of the two wins)",
			       er->loc.file, er->loc.line, er->argv_glob);
	}
	it->state = IT_RULE;
	r = override(it, act, er ? &er->loc : NULL);
	if (r || !er || strcmp(er->expanded, it->d->path))
		return r;
	e = edit_of(s, SX_SEC_EXEC, er - s->p->exec_rules);
	if (!e)
		return -ENOMEM;
	e->allow = true;
	e->count += it->d->count;
	return 0;
}

static int plan_harden(struct suggestion *s, struct item *it)
{
	unsigned int bit;

	if (!it->d->harden || hardening_allow_from_name(it->d->harden, &bit) < 0) {
		it->state = IT_NOTE;
		return set_str(&it->note, "the built-in hardening refuses this (%s); no rule "
					  "relaxes it", it->d->what);
	}
	if (s->p->hardening_allow & bit)
		return it->state = IT_ALLOWED, 0;
	it->state = IT_RULE;
	s->harden |= bit;
	return set_str(&it->note, "relaxes the hardening entry %s", it->d->harden);
}

static int plan(struct suggestion *s, struct item *it)
{
	switch (it->d->kind) {
	case DEN_FILE:
		return plan_file(s, it);
	case DEN_NET:
		return plan_net(s, it);
	case DEN_UNIX:
		return plan_unix(s, it);
	case DEN_EXEC:
		return plan_exec(s, it);
	case DEN_HARDEN:
		return plan_harden(s, it);
	}
	return -EINVAL;
}

/* s->text patched as planned so far, loaded for P's agent into *ret. */
static int load_patched(struct suggestion *s, struct policy **ret, char *err, size_t errlen)
{
	char path[] = "/tmp/sevorix-suggest-XXXXXX";
	struct policy_env env = { s->p->builtin[POLICY_VAR_HOME].value,
				  s->p->builtin[POLICY_VAR_USER].value,
				  s->p->builtin[POLICY_VAR_WORKSPACE].value,
				  s->p->builtin[POLICY_VAR_AGENT_DIR].value };
	struct policy_diag diag = { 0 };
	struct ytext out;
	int fd, r = suggest_patch(s);
	FILE *f;

	r = r ?: yedits_apply(&s->text, s->ye, s->nye, &out);
	if (r)
		return r;
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	r = f ? ytext_write(&out, f) : -errno;
	if (f && fclose(f) && !r)
		r = -errno;
	ytext_free(&out);
	r = r ?: policy_load(path, &env, ret, &diag);
	if (r == -EINVAL && diag.nlines)
		snprintf(err, errlen, "the patched policy does not load: %s", diag.lines[0]);
	policy_diag_clear(&diag);
	if (fd >= 0)
		unlink(path);
	return r;
}

static struct rule_add *add_of(struct suggestion *s, const struct rule_add *key)
{
	struct rule_add *v;

	for (size_t i = 0; i < s->nadds; i++) {
		struct rule_add *a = &s->adds[i];

		if (a->kind == key->kind && a->family == key->family &&
		    !memcmp(a->addr, key->addr, 16) &&
		    (!a->path || !key->path || !strcmp(a->path, key->path)))
			return a;
	}
	v = realloc(s->adds, (s->nadds + 1) * sizeof(*v));
	if (!v)
		return NULL;
	s->adds = v;
	v = &v[s->nadds];
	*v = *key;
	v->path = key->path ? strdup(key->path) : NULL;
	v->ports = key->kind == DEN_NET ? calloc(PORT_WORDS, 8) : NULL;
	if ((key->path && !v->path) || (key->kind == DEN_NET && !v->ports)) {
		free(v->path);
		free(v->ports);
		return NULL;
	}
	s->nadds++;
	return v;
}

/* What p1 (P with its rules edited) still denies of it gets a new rule. */
static int add_rule(struct suggestion *s, const struct policy *p1, struct item *it)
{
	const struct denial *d = it->d;
	struct rule_add key = { .kind = d->kind, .path = it->path ? it->path : d->path }, *a;
	const void *rule;
	unsigned int still = 0;

	if (d->kind == DEN_FILE) {
		for (unsigned int bit = 1; bit <= SX_ACCESS_EXEC; bit <<= 1)
			if ((it->access & bit) &&
			    policy_decide_file(p1, it->path, bit,
					       (const struct file_rule **)&rule) != SX_ALLOW)
				still |= bit;
		if (!still)
			return 0;
	} else if (d->kind == DEN_NET) {
		key.path = NULL;
		key.family = d->family;
		memcpy(key.addr, d->addr, 16);
		learn_normalize(&key.family, key.addr);
		if (policy_decide_net(p1, key.family, key.addr, d->port,
				      (const struct net_rule **)&rule) == SX_ALLOW)
			return 0;
	} else if (d->kind == DEN_UNIX) {
		if (policy_decide_unix(p1, d->path, (const struct net_rule **)&rule) == SX_ALLOW)
			return 0;
	} else if (d->kind == DEN_EXEC) {
		if (policy_decide_exec(p1, d->path, d->argv, (const struct exec_rule **)&rule) ==
		    SX_ALLOW)
			return 0;
	} else {
		return 0;
	}
	a = add_of(s, &key);
	if (!a)
		return -ENOMEM;
	a->access |= still;
	a->count += d->count;
	if (a->ports)
		a->ports[d->port / 64] |= 1ULL << (d->port % 64);
	if (it->note && !a->note && !(a->note = strdup(it->note)))
		return -ENOMEM;
	return 0;
}

/* Is the denial of it allowed by q? */
static bool allowed_by(const struct policy *q, const struct item *it)
{
	const struct denial *d = it->d;
	const void *rule;
	uint8_t a[16];
	int family = d->family;
	unsigned int bit;

	switch (d->kind) {
	case DEN_FILE:
		return policy_decide_file(q, d->path, it->access,
					  (const struct file_rule **)&rule) == SX_ALLOW;
	case DEN_NET:
		memcpy(a, d->addr, 16);
		learn_normalize(&family, a);
		return policy_decide_net(q, family, a, d->port, (const struct net_rule **)&rule) ==
		       SX_ALLOW;
	case DEN_UNIX:
		return policy_decide_unix(q, d->path, (const struct net_rule **)&rule) == SX_ALLOW;
	case DEN_EXEC:
		return policy_decide_exec(q, d->path, d->argv, (const struct exec_rule **)&rule) ==
		       SX_ALLOW;
	case DEN_HARDEN:
		return hardening_allow_from_name(d->harden, &bit) == 0 && (q->hardening_allow & bit);
	}
	return false;
}

static int verify(struct suggestion *s, char *err, size_t errlen)
{
	struct policy *q = NULL;
	int r = load_patched(s, &q, err, errlen);

	for (size_t i = 0; i < s->nitems && !r; i++) {
		enum denial_kind k = s->items[i].d->kind;
		int sec = k == DEN_FILE ? SX_SEC_FILES : k == DEN_EXEC ? SX_SEC_EXEC
			: k == DEN_HARDEN ? SX_SEC_HARDENING : SX_SEC_NETWORK;

		/* what could not be placed is shown, not applied: nothing to check */
		if (s->items[i].state != IT_RULE || (s->loose_sec & (1u << sec)) ||
		    allowed_by(q, &s->items[i]))
			continue;
		snprintf(err, errlen, "a suggested rule does not allow %s %s (please report this)",
			 s->items[i].d->kind == DEN_EXEC ? "exec of" : "the denial of",
			 s->items[i].d->path ? s->items[i].d->path : "a destination");
		r = -EPROTO;
	}
	policy_free(q);
	return r;
}

static int plan_all(struct suggestion *s, const struct denials *d, char *err, size_t errlen)
{
	struct policy *p1 = NULL;
	int r = 0;

	s->items = calloc(d->n + 1, sizeof(*s->items));
	if (!s->items)
		return -ENOMEM;
	for (size_t i = 0; i < d->n && !r; i++) {
		s->items[s->nitems].d = &d->v[i];
		r = plan(s, &s->items[s->nitems++]);
	}
	/* step one: the edited rules alone, as the loader reads them */
	r = r ?: load_patched(s, &p1, err, errlen);
	for (size_t i = 0; i < s->nitems && !r; i++)
		if (s->items[i].state == IT_RULE)
			r = add_rule(s, p1, &s->items[i]);
	policy_free(p1);
	/* step two: everything, and every denial decided by the result */
	return r ?: verify(s, err, errlen);
}

int policy_suggest(const struct policy *p, const struct denials *d, struct suggestion **ret,
		   char *err, size_t errlen)
{
	struct suggestion *s = calloc(1, sizeof(*s));
	int r;

	*ret = NULL;
	err[0] = 0;
	if (!s)
		return -ENOMEM;
	s->p = p;
	r = ytext_read(p->file, &s->text);
	r = r ?: plan_all(s, d, err, errlen);
	if (r) {
		if (!err[0])
			snprintf(err, errlen, "%s", strerror(-r));
		suggest_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

void suggest_counts(const struct suggestion *s, size_t *ruled, size_t *explained)
{
	*ruled = *explained = 0;
	for (size_t i = 0; i < s->nitems; i++) {
		*ruled += s->items[i].state == IT_RULE;
		*explained += s->items[i].state == IT_NOTE;
	}
}

void suggest_free(struct suggestion *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nitems; i++) {
		free(s->items[i].path);
		free(s->items[i].note);
	}
	for (size_t i = 0; i < s->nedits; i++)
		free(s->edits[i].ports);
	for (size_t i = 0; i < s->nadds; i++) {
		free(s->adds[i].path);
		free(s->adds[i].ports);
		free(s->adds[i].note);
	}
	for (size_t i = 0; i < s->nloose; i++)
		free(s->loose[i]);
	free(s->loose);
	free(s->items);
	free(s->edits);
	free(s->adds);
	yedits_free(s->ye, s->nye);
	ytext_free(&s->text);
	free(s);
}
