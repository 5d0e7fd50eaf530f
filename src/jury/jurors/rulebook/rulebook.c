/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rulebook juror: deterministic patterns over the shell tokenizer's
 * view of a command (shlex.h), and over connect destinations and opened
 * paths. It needs no model file and never learns; it is the juror whose
 * every deny can be explained by the rule that fired.
 *
 * This file holds the tables, the matchers, the connect and open rules
 * and the juror's face; the exec rules by technique are in
 * net.c (shells, downloads, exfiltration, credentials), sys.c
 * (persistence, privilege, destruction), recon.c (evasion, discovery,
 * collection, whole-script rules), escape.c (shell escapes), defense.c
 * and access.c (defences, transfers, access), and tamper.c (security
 * software removed, hypervisors, staging, tooling by name, bulk damage).
 * No finding means allow, with moderate confidence: a rulebook only knows
 * what it was written to know. Findings too weak to deny on their own make
 * it abstain, so that a weak signal never acts as a veto.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jury/jurors/builtin.h"
#include "jury/jurors/known_tools.h"
#include "jury/jurors/rulebook/rulebook.h"

const char *const rb_system_dirs[] = {
	"/", "/*", "/.", "/etc", "/usr", "/var", "/home", "/boot", "/bin", "/sbin", "/lib",
	"/lib64", "/opt", "/root", "/srv", "/sys", "/proc", "/dev", "/mnt", "/media", "/var/lib",
	"/var/www", "/usr/bin", "/usr/lib", "/usr/local", "/etc/*", "/usr/*", "/var/*",
	"/home/*", "/boot/*", "/root/*", "~", "~/", "~/*", "$HOME", "$HOME/", "$HOME/*",
	"${HOME}", "${HOME}/*", "/home/*/*", "~/.*", "/var/lib/*", NULL,
};
const char *const rb_net_progs[] = {
	"curl", "wget", "nc", "ncat", "netcat", "socat", "telnet", "ssh", "scp", "sftp", "rsync",
	"ftp", "tftp", "openssl", "dig", "nslookup", "host", "ping", "rclone", "gh", "http",
	"https", "smbclient", "lwp-download", "lwp-request", "fetch", "aria2c", "axel", "aws",
	"gsutil", "s3cmd", "azcopy", "sendmail", "mail", "mutt", "ncftp", "xh", "httpie",
	"websocat", "cryptcat", "pwncat", NULL,
};
const char *const rb_fetchers[] = {
	"curl", "wget", "fetch", "lwp-download", "lwp-request", "aria2c", "axel", "tftp", "http",
	"https", "xh", "GET", NULL,
};
const char *const rb_shells[] = {
	"sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "fish", "rbash", "tcsh", "csh",
	"source", ".", "eval", NULL,
};
const char *const rb_interps[] = {
	"python", "python2", "python3", "perl", "ruby", "php", "node", "nodejs", "lua", "lua5.1",
	"lua5.3", "lua5.4", "deno", "bun", "tclsh", "pwsh", "jrunscript", "irb", NULL,
};
const char *const rb_security_svcs[] = {
	"auditd", "auditbeat", "apparmor", "falco", "osquery", "rsyslog", "syslog", "wazuh",
	"crowdstrike", "falcon", "clamav", "clamd", "fail2ban", "ufw", "firewalld", "journald",
	"sysdig", "sevorix", "tetragon", "aide", "selinux", "ossec", "splunk", "filebeat",
	"sentinel", "cbagent", "carbonblack", "sophos", "eset", "cylance", "elastic-agent",
	"tracee", "snort", "suricata", "auditctl", "syslog-ng", "cbdaemon", "kesl",
	"kaspersky", "mdatp", "aliyun", "aegis", "qcloud", "yunjing", "bcm-agent", "hostguard",
	NULL,
};
const char *const rb_meta_hosts[] = {
	"169.254.169.254", "metadata.google.internal", "169.254.170.2", "100.100.100.200",
	"fd00:ec2::254", "metadata.azure.com", "169.254.169.123", "metadata.packet.net",
	"192.0.0.192", NULL,
};
const char *const rb_exfil_hosts[] = {
	"transfer.sh", "webhook.site", "requestbin", "pastebin.com", "discord.com/api/webhooks",
	"discordapp.com/api/webhooks", "api.telegram.org/bot", "ngrok.io", "ngrok-free.app",
	"oast.", "interact.sh", "burpcollaborator", "pipedream.net", "0x0.st", "file.io",
	"catbox.moe", "paste.ee", "hastebin", "termbin.com", "anonfiles", "gofile.io", "temp.sh",
	"bashupload.com", "mega.nz", "dnslog.cn", "canarytokens", NULL,
};

bool rb_in(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}






const char *rb_arg_has(const struct shlex_cmd *c, const char *needle)
{
	for (int i = c->prog + 1; i < c->argc; i++)
		if (strcasestr(c->argv[i], needle))
			return c->argv[i];
	return NULL;
}

bool rb_arg_eq(const struct shlex_cmd *c, const char *a)
{
	for (int i = c->prog + 1; i < c->argc; i++)
		if (strcmp(c->argv[i], a) == 0)
			return true;
	return false;
}

bool rb_opt(const struct shlex_cmd *c, char letter)
{
	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i];

		if (w[0] == '-' && w[1] != '-' && w[1] && strchr(w + 1, letter))
			return true;
	}
	return false;
}

bool rb_long(const struct shlex_cmd *c, const char *prefix)
{
	for (int i = c->prog + 1; i < c->argc; i++)
		if (strncmp(c->argv[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

bool rb_sudo_opt(const struct shlex_cmd *c, const char *opt)
{
	bool after_sudo = false;

	if (!c->sudo)
		return false;
	for (int i = 0; i <= c->prog && i < c->argc; i++) {
		const char *b = shlex_basename(c->argv[i]);

		if (strcmp(b, "sudo") == 0 || strcmp(b, "doas") == 0)
			after_sudo = true;
		else if (after_sudo && strcmp(c->argv[i], opt) == 0)
			return true;
	}
	return false;
}

const char *rb_sudo_opt_value(const struct shlex_cmd *c, const char *opt)
{
	bool after_sudo = false;

	for (int i = 0; c->sudo && i < c->prog && i + 1 < c->argc; i++) {
		const char *b = shlex_basename(c->argv[i]);

		if (strcmp(b, "sudo") == 0 || strcmp(b, "doas") == 0)
			after_sudo = true;
		else if (after_sudo && strcmp(c->argv[i], opt) == 0)
			return c->argv[i + 1];
	}
	return NULL;
}

bool rb_sudo_bare(const struct shlex_cmd *c)
{
	return c->sudo && c->argc > 0 && c->argv[c->prog][0] == '-';
}

const char *rb_arg_path(const struct shlex_cmd *c, const char *const *patterns)
{
	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i], *at = strchr(w, '@'), *eq = strchr(w, '=');

		if (jurors_path_is(w, patterns))
			return w;
		/* curl -d @file, -F f=@file, --post-file=file, if=file */
		if (at && jurors_path_is(at + 1, patterns))
			return at + 1;
		if (eq && w[0] != '\0' && jurors_path_is(eq + 1, patterns))
			return eq + 1;
	}
	return NULL;
}

static int add_write(const char **out, int n, int max, const char *w)
{
	if (n < max && w && *w)
		out[n++] = w;
	return n;
}

int rb_writes(const struct shlex_result *res, const struct shlex_cmd *c, const char **out,
	      int max)
{
	const char *p = shlex_prog(c);
	int n = 0, last = c->argc - 1;

	for (int k = 0; k < c->nredir; k++) {
		const struct shlex_redir *r = &res->redirs[c->redir_first + k];

		if (r->op == SHLEX_R_OUT || r->op == SHLEX_R_APPEND || r->op == SHLEX_R_RW)
			n = add_write(out, n, max, r->target);
	}
	if (strcmp(p, "tee") == 0 || strcmp(p, "truncate") == 0 || strcmp(p, "shred") == 0 ||
	    (strcmp(p, "sed") == 0 && rb_opt(c, 'i')) || strcmp(p, "touch") == 0) {
		for (int i = c->prog + 1; i < c->argc; i++)
			if (c->argv[i][0] != '-')
				n = add_write(out, n, max, c->argv[i]);
	} else if ((strcmp(p, "cp") == 0 || strcmp(p, "mv") == 0 || strcmp(p, "install") == 0 ||
		    strcmp(p, "ln") == 0 || strcmp(p, "rsync") == 0) &&
		   last > c->prog + 1) {
		n = add_write(out, n, max, c->argv[last]);
	} else if (strcmp(p, "dd") == 0) {
		for (int i = c->prog + 1; i < c->argc; i++)
			if (strncmp(c->argv[i], "of=", 3) == 0)
				n = add_write(out, n, max, c->argv[i] + 3);
	}
	return n;
}

const char *rb_written_text(const struct shlex_result *res, const struct shlex_cmd *c)
{
	if (strcmp(shlex_prog(c), "tee") == 0 && c->pipe_prev >= 0)
		return res->cmds[c->pipe_prev].out_text;
	return c->out_text;
}

const char *rb_mentions(const struct shlex_result *res, const struct shlex_cmd *c,
			const char *const *marks)
{
	const char *in = NULL;

	for (int k = 0; k < c->nredir; k++) {
		const struct shlex_redir *r = &res->redirs[c->redir_first + k];

		if (r->op == SHLEX_R_HERESTRING || r->op == SHLEX_R_HEREDOC)
			in = r->target;
	}
	if (!in && c->pipe_prev >= 0)
		in = res->cmds[c->pipe_prev].out_text;
	for (int i = 0; marks[i]; i++)
		if (rb_arg_has(c, marks[i]) || (in && strcasestr(in, marks[i])))
			return marks[i];
	return NULL;
}

const char *rb_reads(const struct shlex_result *res, const struct shlex_cmd *c,
		     const char *const *patterns)
{
	const char *hit = rb_arg_path(c, patterns);

	for (int k = 0; !hit && k < c->nredir; k++) {
		const struct shlex_redir *r = &res->redirs[c->redir_first + k];

		if (r->op == SHLEX_R_IN && jurors_path_is(r->target, patterns))
			hit = r->target;
	}
	return hit;
}

const char *rb_upstream_reads(const struct shlex_result *res, const struct shlex_cmd *c,
			      const char *const *patterns)
{
	for (int guard = 0; c && guard < 32; guard++) {
		const char *hit = rb_reads(res, c, patterns);

		if (hit)
			return hit;
		c = c->pipe_prev >= 0 ? &res->cmds[c->pipe_prev] : NULL;
	}
	return NULL;
}

bool rb_upstream_prog(const struct shlex_result *res, const struct shlex_cmd *c,
		      const char *const *progs)
{
	for (int guard = 0; c->pipe_prev >= 0 && guard < 32; guard++) {
		c = &res->cmds[c->pipe_prev];
		if (rb_in(shlex_prog(c), progs))
			return true;
	}
	return false;
}

/* An address that is cloud metadata, link-local or otherwise never an agent's business. */
static void judge_connect(struct rb_ctx *x, const struct review *r)
{
	static const int ports[] = { 4444, 4242, 1337, 31337, 6666, 6667, 12345, 5555, 9001 };
	const char *a = r->addr ? r->addr : "";

	if (r->family && strcmp(r->family, "unix") == 0) {
		if (strstr(a, "docker.sock") || strstr(a, "containerd.sock") ||
		    strstr(a, "crio.sock") || strstr(a, "podman.sock"))
			findings_add(&x->f, 0.9, "connect to container runtime socket %s", a);
		return;
	}
	for (int i = 0; rb_meta_hosts[i]; i++)
		if (strcmp(a, rb_meta_hosts[i]) == 0)
			findings_add(&x->f, 0.99, "connect to cloud metadata service %s", a);
	if (strncmp(a, "169.254.", 8) == 0 || strncasecmp(a, "fe80:", 5) == 0)
		findings_add(&x->f, 0.85, "connect to link-local address %s", a);
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (r->port == ports[i])
			findings_add(&x->f, 0.7, "connect to port %d, common for shells and C2",
				     r->port);
}

static const char *const system_prefixes[] = {
	"^/etc/", "^/usr/", "^/bin/", "^/sbin/", "^/lib", "^/boot/", "^/root/", "^/var/lib/",
	"^/opt/", NULL,
};

static void judge_open(struct rb_ctx *x, const struct review *r)
{
	const char *p = r->path ? r->path : "";
	bool write = r->access && strcmp(r->access, "write") == 0;
	bool exec = r->access && strcmp(r->access, "exec") == 0;

	if (!*p) {
		findings_add(&x->f, 0.6, "open request without a path");
		return;
	}
	if (jurors_path_is(p, jurors_secret_paths))
		findings_add(&x->f, write ? 0.9 : 0.88, "open of credential file %s", p);
	if (write && jurors_path_is(p, jurors_persist_paths))
		findings_add(&x->f, 0.95, "write to persistence location %s", p);
	if (write && jurors_path_is(p, jurors_priv_paths))
		findings_add(&x->f, 0.97, "write to privilege file %s", p);
	if (write && jurors_path_is(p, jurors_log_paths))
		findings_add(&x->f, 0.9, "write to log %s", p);
	if (write && jurors_path_is(p, jurors_devices))
		findings_add(&x->f, 0.98, "write to block device %s", p);
	if (exec && jurors_path_is(p, jurors_temp_dirs))
		findings_add(&x->f, 0.75, "execution from temporary directory %s", p);
	if (write && r->workspace && *r->workspace && p[0] == '/' &&
	    strncmp(p, r->workspace, strlen(r->workspace)) != 0 &&
	    !jurors_path_is(p, jurors_temp_dirs) &&
	    strncmp(p, "/dev/", 5) != 0 && strncmp(p, "/tmp/", 5) != 0)
		findings_add(&x->f, jurors_path_is(p, system_prefixes) ? 0.85 : 0.62,
			     "write outside the workspace: %s", p);
}

/*
 * The index of the script word of `sh -c SCRIPT`, `su -c SCRIPT` or the first
 * word of eval, or -1. That text was parsed into commands of its own, so the
 * rules must not read it again as one argument (a path, a URL ...).
 */
static int script_word(const struct shlex_cmd *c)
{
	const char *p = shlex_prog(c);

	if (strcmp(p, "eval") == 0)
		return c->prog + 1 < c->argc ? c->prog + 1 : -1;
	if (!rb_in(p, rb_shells) && strcmp(p, "su") != 0)
		return -1;
	for (int i = c->prog + 1; i + 1 < c->argc; i++) {
		const char *w = c->argv[i];

		if (w[0] != '-' || w[1] == '-')
			return -1;
		if (strchr(w + 1, 'c'))
			return i + 1;
	}
	return -1;
}

/*
 * What the exec's ancestors say (review.h's parents): a program run under
 * sudo is judged as run through sudo, and a shell whose parent is a
 * program with a shell escape of its own (an editor, a pager, a database
 * client) was started from inside it. Ancestors can be forged to look
 * harmless, never to look worse, so they only add findings.
 */
static bool parents_context(struct rb_ctx *x)
{
	static const char *const escape_hosts[] = {
		"vi", "vim", "nvim", "view", "ex", "ed", "nano", "emacs", "less", "more", "man",
		"pg", "awk", "gawk", "mawk", "nawk", "gdb", "lldb", "ftp", "tftp", "mysql",
		"mariadb", "psql", "sqlite3", "mongo", "mongosh", "redis-cli", "irb", "expect",
		"tclsh", "wish", "zip", "tar", "rsync", "journalctl", "systemctl", NULL,
	};
	const struct review *r = x->r;
	bool sudo = false;

	for (size_t i = 0; i < r->nparents; i++)
		sudo |= rb_in(r->parents[i], (const char *const[]){ "sudo", "doas", "su",
								     "pkexec", "run0", NULL });
	if (r->nparents && r->path && rb_in(shlex_basename(r->path), rb_shells) &&
	    rb_in(r->parents[0], escape_hosts))
		findings_add(&x->f, sudo ? 0.93 : 0.85, "a shell started from inside %s%s",
			     r->parents[0], sudo ? " run as root" : "");
	return sudo;
}

static void judge_exec(struct rb_ctx *x)
{
	const struct shlex_result *res = x->res;
	bool parent_sudo = parents_context(x);

	for (int i = 0; i < res->ncmds; i++) {
		struct shlex_cmd trimmed = res->cmds[i];
		const struct shlex_cmd *c = &trimmed;
		int sw = script_word(c);

		trimmed.sudo |= parent_sudo;
		if (sw >= 0) {
			const char *w = trimmed.argv[sw];

			/* sh -c "$(curl ...)": the download itself is the script */
			if ((strstr(w, "$(curl") || strstr(w, "$(wget") || strstr(w, "`curl") ||
			     strstr(w, "`wget")) && (w[0] == '$' || w[0] == '`'))
				findings_add(&x->f, 0.97, "%s runs the script a download returns",
					     shlex_prog(&trimmed));
			trimmed.argc = sw;
		}
		rb_exec_network(x, c);
		rb_exec_secrets(x, c);
		rb_exec_system(x, c);
		rb_exec_escape(x, c);
		rb_exec_defense(x, c);
		rb_exec_access(x, c);
		rb_exec_evasion(x, c);
		rb_exec_tamper(x, c);
	}
	rb_exec_script(x);
	/* fail closed: a command too large to read whole may hide its tail */
	if (res->truncated)
		findings_add(&x->f, 0.8, "command too large or deep to analyse completely");
}

/* ./gradlew, scripts/deploy.sh, build/app: the project's own programs. */
static bool project_program(const char *w)
{
	return w && strchr(w, '/') && w[0] != '/' && w[0] != '~' && w[0] != '$' &&
	       strncmp(w, "../", 3) != 0;
}

static int rulebook_open(const struct juror_config *cfg, struct juror **ret, char *errbuf,
			 size_t errlen)
{
	(void)cfg;
	(void)errbuf;
	(void)errlen;
	/* stateless: a non-NULL handle that is never dereferenced */
	*ret = (struct juror *)&juror_rulebook_ops;
	return 0;
}

static int rulebook_vote(struct juror *j, const struct review *r, struct vote *out)
{
	struct rb_ctx x = { .r = r, .f = FINDINGS_INIT };
	struct shlex_result *res = NULL;
	int rc;

	if (!j || !r || !out)
		return -EINVAL;
	if (r->kind == REVIEW_EXEC) {
		rc = juror_parse_exec(r, &res);
		if (rc == -EINVAL) {
			/* nothing to judge is not a reason to allow (fail closed) */
			vote_set(out, VOTE_DENY, 0.6, "rulebook: exec request without a command");
			return 0;
		}
		if (rc < 0)
			return rc;
		x.res = res;
		judge_exec(&x);
	} else if (r->kind == REVIEW_CONNECT) {
		judge_connect(&x, r);
	} else if (r->kind == REVIEW_OPEN) {
		judge_open(&x, r);
	} else {
		return -EINVAL;
	}
	if (x.f.n == 0) {
		bool known = res && res->ncmds > 0;

		for (int i = 0; known && i < res->ncmds; i++)
			known = res->cmds[i].argc == 0 || script_word(&res->cmds[i]) >= 0 ||
				jurors_known_tool(shlex_prog(&res->cmds[i])) ||
				project_program(res->cmds[i].argv[res->cmds[i].prog]);
		free(res);
		/* calibrated on the real corpus' train split: its allows were right 99 % of
		 * the time there, which its rules were written against, so less is claimed */
		vote_set(out, VOTE_ALLOW, known ? 0.95 : 0.85, "rulebook: no rule matched%s",
			 known ? " (everyday tools)" : "");
		return 0;
	}
	free(res);
	double conf = 1.0 - x.f.none;

	/* a weak signal is not a deny (which the jury may treat as a veto): leave it to the others
	 */
	if (conf < RB_WEAK)
		vote_set(out, VOTE_ABSTAIN, conf, "rulebook: weak signal: %s", x.f.reason);
	else
		vote_set(out, VOTE_DENY, conf > 0.995 ? 0.995 : conf, "rulebook: %s%s", x.f.reason,
			 x.f.n > 1 ? " (and more)" : "");
	return 0;
}

static void rulebook_close(struct juror *j)
{
	(void)j;
}

const struct juror_ops juror_rulebook_ops = {
	.kind = "rulebook",
	.open = rulebook_open,
	.vote = rulebook_vote,
	.close = rulebook_close,
};
