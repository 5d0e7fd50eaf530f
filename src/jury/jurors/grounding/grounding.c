/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The grounding juror: checks an action against the real system the agent
 * sees, and flags what is hallucinated or mis-aimed: a program that does
 * not exist (resolved through PATH inside the review's root), a long
 * option that the program's binary has never heard of, a write outside
 * the workspace, a destination that is cloud metadata, link-local or
 * private. It looks under review->root ("/" when absent) and, through
 * RESOLVE_IN_ROOT, never outside it.
 *
 * Its findings are weak evidence of intent (a missing tool is more often
 * a mistake than an attack, and a well-known tool that is simply not
 * installed is not flagged at all), so its denies carry modest confidence
 * except for metadata and link-local destinations. A root that cannot be opened
 * is an error: the jury counts it against the action (fail closed).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "jury/jurors/grounding/grounding.h"

/* Findings weaker than this make the grounding juror abstain, not deny. */
#define GR_WEAK 0.65
#include "jury/jurors/builtin.h"
#include "jury/jurors/findings.h"
#include "jury/jurors/known_tools.h"
#include "shell/shlex.h"

struct gr_ctx {
	struct juror *j;
	const struct review *r;
	int rootfd;
	struct findings f;
};

enum gr_dest { DEST_PUBLIC, DEST_LOOPBACK, DEST_PRIVATE, DEST_LINKLOCAL, DEST_METADATA, DEST_NONE };

static enum gr_dest classify(const char *host)
{
	static const char *const meta[] = {
		"169.254.169.254", "169.254.170.2", "169.254.169.123", "100.100.100.200",
		"fd00:ec2::254", "192.0.0.192", "metadata.google.internal", "metadata.azure.com",
		"metadata", NULL,
	};
	unsigned char a[16];
	char buf[64];
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		snprintf(buf, sizeof(buf), "%.*s", (int)(n - 2), host + 1);
		host = buf;
	}
	for (int i = 0; meta[i]; i++)
		if (strcasecmp(host, meta[i]) == 0)
			return DEST_METADATA;
	if (strcasecmp(host, "localhost") == 0)
		return DEST_LOOPBACK;
	if (inet_pton(AF_INET, host, a) == 1) {
		if (a[0] == 127)
			return DEST_LOOPBACK;
		if (a[0] == 169 && a[1] == 254)
			return DEST_LINKLOCAL;
		if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
		    (a[0] == 192 && a[1] == 168) || (a[0] == 100 && (a[1] & 0xc0) == 64) ||
		    a[0] == 0)
			return DEST_PRIVATE;
		return DEST_PUBLIC;
	}
	if (inet_pton(AF_INET6, host, a) == 1) {
		static const unsigned char lo[16] = { [15] = 1 };

		if (memcmp(a, lo, 16) == 0)
			return DEST_LOOPBACK;
		if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
			return DEST_LINKLOCAL;
		if ((a[0] & 0xfe) == 0xfc)
			return DEST_PRIVATE;
		return DEST_PUBLIC;
	}
	return DEST_NONE;
}

/* The host inside a URL, user@host, /dev/tcp/host/port or host:port word. */
static const char *host_of(const char *w, char *buf, size_t len)
{
	const char *s = w, *e;

	if (strncmp(s, "/dev/tcp/", 9) == 0 || strncmp(s, "/dev/udp/", 9) == 0)
		s += 9;
	else if ((e = strstr(s, "://")) != NULL)
		s = e + 3;
	if ((e = strchr(s, '@')) != NULL && (!strchr(s, '/') || e < strchr(s, '/')))
		s = e + 1;
	if (*s == '[') {
		e = strchr(s, ']');
		e = e ? e + 1 : s + strlen(s);
	} else {
		e = s + strcspn(s, ":/?#");
	}
	snprintf(buf, len, "%.*s", (int)(e - s), s);
	return buf;
}

static void destinations(struct gr_ctx *x, const struct shlex_cmd *c, const char *w)
{
	static const char *const raw[] = {
		"nc", "ncat", "netcat", "socat", "telnet", "nmap", "masscan", NULL,
	};
	char buf[128];
	const char *h = host_of(w, buf, sizeof(buf));

	switch (classify(h)) {
	case DEST_METADATA:
		findings_add(&x->f, 0.95, "%s is a cloud metadata service", h);
		break;
	case DEST_LINKLOCAL:
		findings_add(&x->f, 0.85, "%s is link-local", h);
		break;
	case DEST_PRIVATE: {
		const char *p = c->argc ? shlex_basename(c->argv[c->prog]) : "";
		bool rawnet = strstr(w, "/dev/tcp/") || strstr(w, "/dev/udp/");

		for (int i = 0; raw[i]; i++)
			rawnet |= strcmp(p, raw[i]) == 0;
		if (rawnet)
			findings_add(&x->f, 0.7, "raw connection to private address %s", h);
		break;
	}
	default:
		break;
	}
}

static const char *const builtins[] = {
	"cd", "echo", "export", "source", ".", "eval", "exec", "set", "unset", "alias", "type",
	"history", "read", "printf", "test", "[", "[[", "]]", "true", "false", "for", "while",
	"if", "case", "function", "local", "return", "exit", "wait", "trap", "ulimit", "umask",
	"shift", "let", "declare", "typeset", "readonly", "hash", "jobs", "fg", "bg", "kill",
	"pwd", "command", "builtin", "getopts", "times", ":", "compgen", "complete", "shopt",
	"disown", "pushd", "popd", "dirs", "logout", "mapfile", "readarray", "select", "until",
	"do", "done", "then", "fi", "esac", "in", "time", "coproc", "enable", "help", "caller",
	"bind", "fc", "else", "elif", "{", "}", "!", "suspend", "unalias", "sudo", "env", NULL,
};
/* Programs whose long options belong to plugins, scripts or another program. */
static const char *const flag_skip[] = {
	"docker", "podman", "cargo", "rustup", "kubectl", "helm", "go", "npm", "npx", "node",
	"yarn", "pnpm", "python", "python3", "pip", "pip3", "java", "mvn", "gradle", "make",
	"gcc", "cc", "clang", "g++", "cmake", "ssh", "bash", "sh", "zsh", "xargs", "find", "aws",
	"gcloud", "az", "terraform", "busybox", "perl", "ruby", "php", "git", "timeout", "nohup",
	"nice", "watch", "strace", "ltrace", "gdb", "valgrind", "dotnet", "meson", "ninja",
	"systemctl", "journalctl", "apt", "apt-get", "dpkg", "rsync", "tar", NULL,
};

static bool in_list(const char *s, const char *const *l)
{
	for (; *l; l++)
		if (strcmp(s, *l) == 0)
			return true;
	return false;
}

static void flags(struct gr_ctx *x, const struct shlex_cmd *c, int fd, const char *p)
{
	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i];

		if (strcmp(w, "--") == 0)
			break;
		if (strncmp(w, "--", 2) != 0 || strlen(w) < 5 || strpbrk(w, "$`'\"(){}"))
			continue;
		if (gr_binary_knows(x->j, fd, w) == 0)
			findings_add(&x->f, 0.6, "%s has no option %.*s", p, (int)strcspn(w, "="),
				     w);
	}
}

/* Does an earlier command of the script make w (chmod +x ./x && ./x, cc -o t && ./t)? */
static bool made_earlier(const struct shlex_result *res, const struct shlex_cmd *c, const char *w)
{
	static const char *const makers[] = {
		"chmod", "cp", "mv", "install", "ln", "gcc", "cc", "clang", "g++", "go", "rustc",
		"curl", "wget", "tee", "touch", "unzip", "tar", "make", "cargo", NULL,
	};
	const char *b = shlex_basename(w);

	for (const struct shlex_cmd *e = res->cmds; e < c; e++) {
		bool maker = e->argc > 0 && in_list(shlex_basename(e->argv[e->prog]), makers);

		for (int i = e->prog + 1; maker && i < e->argc; i++)
			if (strcmp(e->argv[i], w) == 0 ||
			    (*b && strcmp(shlex_basename(e->argv[i]), b) == 0))
				return true;
		for (int k = 0; k < e->nredir; k++)
			if (strcmp(res->redirs[e->redir_first + k].target, w) == 0)
				return true;
	}
	return false;
}

static void program(struct gr_ctx *x, const struct shlex_result *res, const struct shlex_cmd *c)
{
	const char *w = c->argv[c->prog], *p = shlex_basename(w);
	char found[4096];
	int fd;

	if (!*w || in_list(w, builtins) || strpbrk(w, "$`=(){}<>*?[]\\'\"") ||
	    made_earlier(res, c, w))
		return;
	fd = gr_which(x->rootfd, w, x->r->cwd, found, sizeof(found));
	if (fd == -ENOENT || fd == -ENOTDIR || fd == -EACCES) {
		/* a well-known tool that is not installed fails harmlessly; an unknown name is
		 * invented */
		if (!jurors_known_tool(p))
			findings_add(&x->f, 0.6, "no program %s in the agent's filesystem", w);
		return;
	}
	if (fd < 0)
		return;
	if (!in_list(p, flag_skip))
		flags(x, c, fd, p);
	close(fd);
}

static bool inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* With a workspace, a write to an absolute path outside it (and /tmp, /dev/null) is mis-aimed. */
static void write_target(struct gr_ctx *x, const char *prog, const char *t)
{
	const char *ws = x->r->workspace;

	if (!ws || !*ws || !t || (t[0] != '/' && t[0] != '~') || inside(t, ws) ||
	    inside(t, "/tmp") || inside(t, "/dev/null") || inside(t, "/dev/stdout") ||
	    inside(t, "/dev/stderr") || inside(t, "/var/tmp") || inside(t, "/dev/fd"))
		return;
	findings_add(&x->f, 0.75, "%s writes %s, outside the workspace %s", prog, t, ws);
}

static void workspace(struct gr_ctx *x, const struct shlex_result *res, const struct shlex_cmd *c)
{
	static const char *const writers[] = {
		"rm", "mv", "cp", "tee", "touch", "mkdir", "rmdir", "chmod", "chown", "ln",
		"truncate", "shred", "install", "dd", "sed", NULL,
	};
	const char *p = shlex_basename(c->argv[c->prog]);

	for (int k = 0; k < c->nredir; k++) {
		const struct shlex_redir *r = &res->redirs[c->redir_first + k];

		if (r->op == SHLEX_R_OUT || r->op == SHLEX_R_APPEND)
			write_target(x, p, r->target);
	}
	if (!in_list(p, writers) || (strcmp(p, "sed") == 0 && !strstr(c->argv[0], "-i")))
		return;
	for (int i = c->prog + 1; i < c->argc; i++)
		if (c->argv[i][0] != '-')
			write_target(x, p, strncmp(c->argv[i], "of=", 3) == 0 ? c->argv[i] + 3 :
										 c->argv[i]);
}

static void judge_exec(struct gr_ctx *x, const struct shlex_result *res)
{
	const struct review *r = x->r;

	if (r->path && r->path[0] == '/') {
		int fd = gr_open_in(x->rootfd, r->path, O_PATH);

		if (fd < 0)
			findings_add(&x->f, 0.7, "executable %s does not exist", r->path);
		else
			close(fd);
	}
	for (int i = 0; i < res->ncmds; i++) {
		const struct shlex_cmd *c = &res->cmds[i];

		if (c->argc == 0)
			continue;
		program(x, res, c);
		workspace(x, res, c);
		for (int k = c->prog + 1; k < c->argc; k++)
			destinations(x, c, c->argv[k]);
		for (int k = 0; k < c->nredir; k++)
			destinations(x, c, res->redirs[c->redir_first + k].target);
	}
}

static void judge_connect(struct gr_ctx *x)
{
	const struct review *r = x->r;

	if (r->family && strcmp(r->family, "unix") == 0) {
		int fd = r->addr ? gr_open_in(x->rootfd, r->addr, O_PATH) : -EINVAL;

		if (fd < 0)
			findings_add(&x->f, 0.6, "UNIX socket %s does not exist",
				     r->addr ? r->addr : "(none)");
		else
			close(fd);
		return;
	}
	switch (classify(r->addr ? r->addr : "")) {
	case DEST_METADATA:
		findings_add(&x->f, 0.99, "%s is a cloud metadata service", r->addr);
		break;
	case DEST_LINKLOCAL:
		findings_add(&x->f, 0.9, "%s is link-local", r->addr);
		break;
	case DEST_PRIVATE:
		findings_add(&x->f, 0.7, "%s is a private address (lateral movement?)", r->addr);
		break;
	case DEST_NONE:
		findings_add(&x->f, 0.6, "destination %s is not an address",
			     r->addr ? r->addr : "(none)");
		break;
	default:
		break;
	}
	if (r->port == 0 || r->port > 65535)
		findings_add(&x->f, 0.6, "port %d is not a valid destination port", r->port);
}

static void judge_open(struct gr_ctx *x)
{
	const struct review *r = x->r;
	bool write = r->access && strcmp(r->access, "write") == 0;

	if (!r->path || !*r->path) {
		findings_add(&x->f, 0.6, "open request without a path");
		return;
	}
	if (write)
		write_target(x, "open", r->path);
	if (r->access && strcmp(r->access, "exec") == 0) {
		int fd = gr_open_in(x->rootfd, r->path, O_PATH);

		if (fd < 0)
			findings_add(&x->f, 0.6, "executable %s does not exist", r->path);
		else
			close(fd);
	}
}

static int grounding_open(const struct juror_config *cfg, struct juror **ret, char *errbuf,
			  size_t errlen)
{
	struct juror *j = calloc(1, sizeof(*j));

	(void)cfg;
	(void)errbuf;
	(void)errlen;
	if (!j)
		return -ENOMEM;
	pthread_mutex_init(&j->lock, NULL);
	*ret = j;
	return 0;
}

static int grounding_vote(struct juror *j, const struct review *r, struct vote *out)
{
	struct gr_ctx x = { .j = j, .r = r, .f = FINDINGS_INIT };
	struct shlex_result *res = NULL;
	int rc = 0;

	if (!j || !r || !out)
		return -EINVAL;
	x.rootfd = open(r->root && *r->root ? r->root : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (x.rootfd < 0)
		return -errno; /* an unreadable root is an error vote: deny (fail closed) */
	if (r->kind == REVIEW_EXEC) {
		rc = juror_parse_exec(r, &res);
		if (rc == 0)
			judge_exec(&x, res);
		else if (rc == -EINVAL)
			findings_add(&x.f, 0.6, "exec request without a command");
	} else if (r->kind == REVIEW_CONNECT) {
		judge_connect(&x);
	} else if (r->kind == REVIEW_OPEN) {
		judge_open(&x);
	} else {
		rc = -EINVAL;
	}
	close(x.rootfd);
	free(res);
	if (rc < 0 && rc != -EINVAL)
		return rc;
	/* A review it cannot judge is an error vote: deny (fail closed). */
	if (rc == -EINVAL && x.f.n == 0)
		return rc;
	/* Calibrated on the real corpus' train split: 86 % of what checks out is
	 * everyday work, and a missing program or an unknown option is malicious
	 * less often than not (39 %): too weak to deny, it abstains. */
	if (x.f.n == 0)
		vote_set(out, VOTE_ALLOW, 0.85, "grounding: %s",
			 r->kind == REVIEW_EXEC    ? "program, options and targets check out" :
			 r->kind == REVIEW_CONNECT ? "destination checks out" :
						     "path checks out");
	else if (x.f.best < GR_WEAK)
		vote_set(out, VOTE_ABSTAIN, x.f.best, "grounding: weak signal: %s%s", x.f.reason,
			 x.f.n > 1 ? " (and more)" : "");
	else
		vote_set(out, VOTE_DENY, x.f.best, "grounding: %s%s", x.f.reason,
			 x.f.n > 1 ? " (and more)" : "");
	return 0;
}

static void grounding_close(struct juror *j)
{
	if (!j)
		return;
	gr_cache_free(j);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

const struct juror_ops juror_grounding_ops = {
	.kind = "grounding",
	.open = grounding_open,
	.vote = grounding_vote,
	.close = grounding_close,
};
