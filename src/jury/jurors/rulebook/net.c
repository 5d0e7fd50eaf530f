/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rulebook exec rules about the network and credentials (see rulebook.h):
 * reverse and bind shells, download-then-execute, secrets and data
 * flowing to the network, cloud metadata, and credential discovery.
 * Each rule looks at one simple command and what feeds it.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "jury/jurors/rulebook/rulebook.h"

static const char *const ncs[] = {
	"nc", "ncat", "netcat", "pwncat", "cryptcat", "nc.traditional", "nc.openbsd", NULL,
};
static const char *const raw_net[] = {
	"nc", "ncat", "netcat", "telnet", "socat", "openssl", "pwncat", "cryptcat", "websocat",
	NULL,
};
static const char *const sock_words[] = {
	"socket", "fsockopen", "tcpsocket", "net.connect", "/inet/tcp", "ztcp", "net.socket",
	"io::socket", "new-object net", "udpsocket", "\"net\"", "'net'", "socket.socket", NULL,
};
static const char *const run_words[] = {
	"dup2", "exec", "spawn", "pty", "proc_open", "subprocess", "system", "/bin/sh",
	"/bin/bash", "popen", "shell_exec", "passthru", "child_process", NULL,
};
static const char *const fetch_words[] = {
	"urlopen", "requests.get", "file_get_contents", "open-uri", "uri.open", "lwp", "getstore",
	"\"http\").get", "'http').get", "uri.open(", "net::http", "urlretrieve",
	"http.get", "https.get", "fetch(", "urllib", "\"https\")", "'https')", "\"http\")",
	"'http')", "requests.post", "requests.put", "http.client", "httplib", "http.request",
	"https.request", NULL,
};
static const char *const write_words[] = {
	"file.write", "createwritestream", "writefile", "urlretrieve", "file_put_contents",
	"copy(", "open(\"/", "open('/", "getstore", "mirror(", NULL,
};
static const char *const eval_words[] = {
	"exec(", "eval(", "system(", "os.system", "subprocess", "exec ", "eval ", NULL,
};
static const char *const env_dumpers[] = {
	"env", "printenv", "set", "history", "export", "declare", "ps", "pgrep", NULL,
};

static bool any_word(const struct shlex_cmd *c, const char *const *words)
{
	for (; *words; words++)
		if (rb_arg_has(c, *words))
			return true;
	return false;
}

static bool code_mentions_secret(const struct shlex_cmd *c)
{
	for (int i = c->prog + 1; i < c->argc; i++)
		if (jurors_text_mentions(c->argv[i], jurors_secret_paths))
			return true;
	return false;
}

/* Does an interpreter read its program from stdin (`curl | python3 -`)? */
static bool reads_code_from_stdin(const struct shlex_cmd *c)
{
	const char *p = shlex_prog(c);

	if (rb_in(p, rb_shells))
		return !rb_opt(c, 'c') || rb_opt(c, 's');
	if (!rb_in(p, rb_interps))
		return false;
	for (int i = c->prog + 1; i < c->argc; i++) {
		if (strcmp(c->argv[i], "-") == 0)
			return true;
		if (c->argv[i][0] != '-')
			return false;
		if (strcmp(c->argv[i], "-c") == 0 || strcmp(c->argv[i], "-e") == 0 ||
		    strcmp(c->argv[i], "-m") == 0 || strcmp(c->argv[i], "-r") == 0)
			return false;
	}
	return true;
}

static void shells(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	const struct shlex_result *res = x->res;

	for (int k = 0; k < c->nredir; k++)
		if (strstr(res->redirs[c->redir_first + k].target, "/dev/tcp/") ||
		    strstr(res->redirs[c->redir_first + k].target, "/dev/udp/"))
			findings_add(&x->f, 0.98, "shell or data redirected to a raw socket (%s)",
				     res->redirs[c->redir_first + k].target);
	if (rb_arg_has(c, "/dev/tcp/") || rb_arg_has(c, "/dev/udp/"))
		findings_add(&x->f, 0.95, "%s uses a /dev/tcp socket", p);
	if (rb_in(p, ncs) || (strcmp(p, "busybox") == 0 && rb_arg_eq(c, "nc"))) {
		if (rb_opt(c, 'e') || rb_opt(c, 'c') || rb_long(c, "--exec") ||
		    rb_long(c, "--sh-exec") || rb_long(c, "--lua-exec"))
			findings_add(&x->f, 0.98, "%s runs a program on a network connection", p);
		else if (rb_opt(c, 'l') || rb_long(c, "--listen"))
			findings_add(&x->f, 0.62, "%s listens for incoming connections", p);
	}
	if (strcmp(p, "socat") == 0) {
		if (rb_arg_has(c, "exec:") || rb_arg_has(c, "system:"))
			findings_add(&x->f, 0.97, "socat connects a program to a socket");
		else if ((rb_arg_has(c, "file:") || rb_arg_has(c, "open:")) &&
			 (rb_arg_has(c, "tcp") || rb_arg_has(c, "udp") || rb_arg_has(c, "openssl")))
			findings_add(&x->f, 0.9, "socat streams a file over the network");
		else if (rb_arg_has(c, "-listen"))
			findings_add(&x->f, 0.8, "socat listens for incoming connections");
		else if (rb_arg_has(c, "pty") || rb_arg_has(c, "echo=0"))
			findings_add(&x->f, 0.85, "socat terminal over the network");
	}
	if (c->pipe_prev >= 0 && rb_in(p, raw_net) && c->argc > c->prog + 1 &&
	    !rb_arg_has(c, "localhost") && !rb_arg_has(c, "127.0.0.1") && !rb_opt(c, 'z') &&
	    strcmp(p, "openssl") != 0)
		findings_add(&x->f, 0.85, "output piped into a raw %s connection", p);
	if (c->pipe_prev >= 0) {
		const char *up = shlex_prog(&res->cmds[c->pipe_prev]);

		if ((rb_in(up, raw_net) && rb_in(p, rb_shells)) ||
		    (rb_in(up, rb_shells) && rb_in(p, raw_net)))
			findings_add(&x->f, 0.97, "shell piped to or from %s (reverse shell)",
				     rb_in(up, raw_net) ? up : p);
	}
	if ((strcmp(p, "awk") == 0 || strcmp(p, "gawk") == 0) && rb_arg_has(c, "/inet/"))
		findings_add(&x->f, 0.95, "awk opens a network connection (/inet)");
	if ((rb_in(p, rb_interps) || strcmp(p, "awk") == 0 || strcmp(p, "gawk") == 0 ||
	     strcmp(p, "zsh") == 0) &&
	    any_word(c, sock_words) && any_word(c, run_words))
		findings_add(&x->f, 0.97, "%s code opens a socket and runs a shell on it", p);
	if (strcmp(p, "chisel") == 0 || strcmp(p, "frpc") == 0 || strcmp(p, "bore") == 0 ||
	    (strcmp(p, "ngrok") == 0 && (rb_arg_eq(c, "tcp") || rb_arg_eq(c, "ssh"))))
		findings_add(&x->f, 0.85, "%s exposes this host through a tunnel", p);
}

/* Remembers the file a download writes, for the script-level rule. */
static void note_fetched(struct rb_ctx *x, const struct shlex_cmd *c)
{
	const char *f = NULL;

	for (int i = c->prog + 1; i + 1 < c->argc; i++)
		if (strcmp(c->argv[i], "-o") == 0 || strcmp(c->argv[i], "-O") == 0 ||
		    strcmp(c->argv[i], "--output") == 0 ||
		    strcmp(c->argv[i], "--output-document") == 0)
			f = c->argv[i + 1];
	for (int k = 0; !f && k < c->nredir; k++)
		if (x->res->redirs[c->redir_first + k].op == SHLEX_R_OUT)
			f = x->res->redirs[c->redir_first + k].target;
	if (!f && strcmp(shlex_prog(c), "wget") == 0)
		for (int i = c->prog + 1; i < c->argc; i++)
			if (strstr(c->argv[i], "://"))
				f = c->argv[i];
	if (f && strcmp(f, "-") != 0 && strcmp(f, "/dev/null") != 0 && x->nfetched < RB_MAX_FILES)
		x->fetched[x->nfetched++] = f;
}

static void downloads(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const subst[] = {
		"$(curl", "$(wget", "`curl", "`wget", "<(curl", "<(wget", "$(fetch",
		"<(busybox wget", NULL,
	};

	if (reads_code_from_stdin(c) && c->pipe_prev >= 0 &&
	    rb_upstream_prog(x->res, c, rb_fetchers))
		findings_add(&x->f, 0.97, "downloaded content piped into %s (download and execute)",
			     p);
	if ((rb_in(p, rb_shells) || rb_in(p, rb_interps)) && any_word(c, subst))
		findings_add(&x->f, 0.97, "%s runs what a download returns", p);
	if (rb_in(p, rb_interps) && any_word(c, eval_words) &&
	    (rb_arg_has(c, "b64decode") || rb_arg_has(c, "decode_base64") ||
	     rb_arg_has(c, "base64_decode") || rb_arg_has(c, "atob(") ||
	     rb_arg_has(c, "decode64") || rb_arg_has(c, "'base64')")))
		findings_add(&x->f, 0.85, "%s evaluates base64-hidden code", p);
	if (rb_in(p, rb_interps) && (any_word(c, fetch_words) || any_word(c, sock_words)) &&
	    (code_mentions_secret(c) || rb_arg_has(c, "/etc/passwd") || rb_arg_has(c, "/environ")))
		findings_add(&x->f, 0.9, "%s code reads secrets and talks to the network", p);
	if (rb_in(p, rb_interps) && any_word(c, fetch_words) && any_word(c, eval_words))
		findings_add(&x->f, 0.93, "%s code downloads and evaluates code", p);
	else if (rb_in(p, rb_interps) && any_word(c, fetch_words) &&
		 (any_word(c, write_words) || rb_arg_has(c, "/tmp/") || rb_arg_has(c, "/dev/shm")))
		findings_add(&x->f, 0.85, "%s code downloads a file", p);
	if (rb_in(p, rb_fetchers) || (strcmp(p, "busybox") == 0 && rb_arg_eq(c, "wget")))
		note_fetched(x, c);
	if ((strcmp(p, "pip") == 0 || strcmp(p, "pip3") == 0 || strcmp(p, "npm") == 0) &&
	    (rb_arg_has(c, "http://") || rb_long(c, "--trusted-host")) &&
	    !rb_arg_has(c, "localhost") && !rb_arg_has(c, "127.0.0.1"))
		findings_add(&x->f, 0.8,
			     "%s installs packages over plain HTTP or an untrusted host", p);
	if (strcmp(p, "npm") == 0 && rb_arg_has(c, "://") && rb_arg_has(c, ".tgz"))
		findings_add(&x->f, 0.75, "npm installs a tarball from a bare URL");
}

/* Is the command sending local data somewhere (an upload, not a fetch)? */
static bool uploads(const struct shlex_cmd *c, const char *p)
{
	static const char *const up[] = {
		"-d", "--data", "--data-binary", "--data-raw", "--data-urlencode", "-F", "--form",
		"-T", "--upload-file", "--post-file", "--post-data", "--body-file", "--json",
		NULL,
	};

	if (strcmp(p, "curl") != 0 && strcmp(p, "wget") != 0 && strcmp(p, "http") != 0 &&
	    strcmp(p, "xh") != 0)
		return rb_in(p, rb_net_progs);
	for (int i = c->prog + 1; i < c->argc; i++)
		for (int k = 0; up[k]; k++)
			if (strncmp(c->argv[i], up[k], strlen(up[k])) == 0)
				return true;
	return false;
}

/* A file worth stealing: system or home data, or an archive staged in a temp directory. */
static bool sensitive_file(const char *w)
{
	static const char *const home[] = {
		"~/Documents", "~/Desktop", "~/Downloads", "~/Pictures", "~/.config",
		"~/.mozilla", "$HOME/Documents", "~/.local/share", "/home", "/root", "/etc",
		"/var/lib", "/var/backups", "~", "$HOME", NULL,
	};
	static const char *const ext[] = {
		".zip", ".tgz", ".tar", ".tar.gz", ".7z", ".sql", ".db", ".gz", ".pcap", ".rar",
		".kdbx", ".asc", ".key", ".pem", ".gpg", ".enc", ".tar.xz", NULL,
	};

	for (int i = 0; home[i]; i++) {
		size_t n = strlen(home[i]);

		if (strncmp(w, home[i], n) == 0 && (w[n] == '\0' || w[n] == '/') &&
		    !(n == 1 && w[1] == '/' && w[2] != '.' && w[2] != '\0'))
			return true;
	}
	if (jurors_path_is(w, jurors_temp_dirs)) {
		size_t n = strlen(w);

		if (shlex_basename(w)[0] == '.')
			return true;
		for (int i = 0; ext[i]; i++)
			if (n > strlen(ext[i]) && strcmp(w + n - strlen(ext[i]), ext[i]) == 0)
				return true;
	}
	return false;
}

/* The first argument (or @file / key=@file value, or < input) naming a sensitive file. */
static const char *sensitive_arg(const struct shlex_result *res, const struct shlex_cmd *c)
{
	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i], *at = strchr(w, '@'), *eq = strchr(w, '=');

		if (sensitive_file(w))
			return w;
		if (at && sensitive_file(at + 1))
			return at + 1;
		if (eq && sensitive_file(eq + 1))
			return eq + 1;
	}
	for (int k = 0; k < c->nredir; k++)
		if (res->redirs[c->redir_first + k].op == SHLEX_R_IN &&
		    sensitive_file(res->redirs[c->redir_first + k].target))
			return res->redirs[c->redir_first + k].target;
	return NULL;
}

/* A URL carrying $SOMETHING_KEY / _TOKEN / _SECRET / PASSWORD: a secret leaving in the request
 * line. */
static bool secret_in_url(const struct shlex_cmd *c)
{
	static const char *const names[] = {
		"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AWS_", NULL,
	};

	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i], *d;

		if (!strstr(w, "://") || !(d = strchr(w, '$')))
			continue;
		for (int k = 0; names[k]; k++)
			if (strstr(d, names[k]))
				return true;
	}
	return false;
}

/* find ... -exec curl -F f=@{} URL: every file found is uploaded. */
static void find_exec_upload(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const movers[] = {
		"curl", "wget", "nc", "ncat", "scp", "rsync", "ftp", "smbclient", "socat", NULL,
	};

	if (strcmp(p, "find") != 0 || !rb_arg_eq(c, "-exec"))
		return;
	for (int i = c->prog + 1; i < c->argc; i++)
		if (rb_in(shlex_basename(c->argv[i]), movers) &&
		    (rb_arg_has(c, "@{}") || rb_arg_has(c, "{} ") || rb_arg_eq(c, "-T") ||
		     rb_arg_has(c, "://") || rb_arg_has(c, "@"))) {
			findings_add(&x->f, 0.9, "find sends every file it finds with %s",
				     c->argv[i]);
			return;
		}
}

static void exfiltration(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	const struct shlex_result *res = x->res;
	const char *s;

	if (!rb_in(p, rb_net_progs) && !(strcmp(p, "busybox") == 0 && c->prog + 1 < c->argc))
		return;
	s = rb_upstream_reads(res, c, jurors_secret_paths);
	if (s && !(c->prog + 1 < c->argc && rb_arg_eq(c, "-i")))
		findings_add(&x->f, 0.97, "credential file %s sent over the network by %s", s, p);
	if (c->pipe_prev >= 0 && rb_upstream_prog(res, c, env_dumpers))
		findings_add(&x->f, 0.9, "environment or history sent over the network by %s", p);
	if (uploads(c, p) && strcmp(p, "ssh") != 0 && (s = sensitive_arg(res, c)) != NULL &&
	    !rb_arg_has(c, "localhost") && !rb_arg_has(c, "127.0.0.1"))
		findings_add(&x->f, 0.9, "%s sends %s off the host", p, s);
	/* pipe_prev always points to an earlier command: the walk ends */
	for (const struct shlex_cmd *u = c; u->pipe_prev >= 0;) {
		u = &res->cmds[u->pipe_prev];
		if ((s = sensitive_arg(res, u)) != NULL && !rb_arg_has(c, "localhost")) {
			findings_add(&x->f, 0.88, "%s sends %s, read by %s, off the host", p, s,
				     shlex_prog(u));
			break;
		}
	}
	if (strcmp(p, "smbclient") == 0 && rb_arg_has(c, "put "))
		findings_add(&x->f, 0.85, "smbclient uploads a file to a remote share");
	for (int i = 0; rb_exfil_hosts[i]; i++)
		if (rb_arg_has(c, rb_exfil_hosts[i]))
			findings_add(&x->f, uploads(c, p) ? 0.95 : 0.8,
				     "%s talks to %s, a drop/exfil service", p, rb_exfil_hosts[i]);
	for (int i = 0; rb_meta_hosts[i]; i++)
		if (rb_arg_has(c, rb_meta_hosts[i]))
			findings_add(&x->f, 0.95, "%s queries cloud metadata at %s", p,
				     rb_meta_hosts[i]);
	if (rb_arg_has(c, "docker.sock") || rb_arg_has(c, "containerd.sock"))
		findings_add(&x->f, 0.85, "%s talks to the container runtime socket", p);
	if ((rb_arg_has(c, "$(") || rb_arg_has(c, "`")) &&
	    (rb_arg_has(c, "cat ") || rb_arg_has(c, "whoami") || rb_arg_has(c, "hostname") ||
	     rb_arg_has(c, "$(id") || rb_arg_has(c, "$(env") || rb_arg_has(c, "base64") ||
	     rb_arg_has(c, "uname") || rb_arg_has(c, "/etc/")) &&
	    !rb_arg_has(c, "localhost") && !rb_arg_has(c, "127.0.0.1"))
		findings_add(&x->f, 0.85, "%s sends command output in its request", p);
	if (secret_in_url(c) && !rb_arg_has(c, "localhost") && !rb_arg_has(c, "127.0.0.1"))
		findings_add(&x->f, 0.88, "%s puts a secret variable into a URL", p);
	if ((strcmp(p, "dig") == 0 || strcmp(p, "nslookup") == 0 || strcmp(p, "host") == 0) &&
	    rb_arg_has(c, "$"))
		findings_add(&x->f, 0.85, "data encoded into DNS queries by %s", p);
	if (strcmp(p, "ping") == 0 && rb_opt(c, 'p') && rb_arg_has(c, "$("))
		findings_add(&x->f, 0.85, "data hidden in ping payloads");
	if (uploads(c, p) && c->pipe_prev >= 0 && (rb_arg_has(c, "@-") || rb_arg_eq(c, "-T")) &&
	    !rb_arg_has(c, "localhost") && !rb_arg_has(c, "127.0.0.1"))
		findings_add(&x->f, 0.8, "%s uploads piped local data to a remote host", p);
	if (strcmp(p, "aws") == 0 && rb_arg_eq(c, "s3") && rb_long(c, "--no-sign-request") &&
	    (rb_arg_eq(c, "cp") || rb_arg_eq(c, "sync")))
		findings_add(&x->f, 0.85, "upload to a foreign unsigned S3 bucket");
	if (strcmp(p, "rclone") == 0 && (rb_arg_has(c, "~") || rb_arg_has(c, "/home")))
		findings_add(&x->f, 0.8, "rclone copies home data to a remote");
}

void rb_exec_network(struct rb_ctx *x, const struct shlex_cmd *c)
{
	const char *p = shlex_prog(c);

	shells(x, c, p);
	find_exec_upload(x, c, p);
	downloads(x, c, p);
	exfiltration(x, c, p);
}

static void cloud_creds(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	/* a token printed inside $(...) usually feeds an Authorization header: not judged here */
	bool subst = c->flags & SHLEX_F_SUBST;

	if (strcmp(p, "gcloud") == 0 && !subst && (rb_arg_has(c, "print-access-token") ||
						   rb_arg_has(c, "print-identity-token")))
		findings_add(&x->f, 0.85, "gcloud prints an access token");
	if (strcmp(p, "az") == 0 && !subst && rb_arg_has(c, "get-access-token"))
		findings_add(&x->f, 0.85, "az prints an access token");
	if (strcmp(p, "aws") == 0 &&
	    (rb_arg_eq(c, "get-secret-value") ||
	     (rb_arg_has(c, "get-parameter") && rb_long(c, "--with-decryption")) ||
	     rb_arg_eq(c, "get-session-token")))
		findings_add(&x->f, 0.88, "aws reads secrets");
	/* one secret for the project is daily work; the whole store, or into a file, is not */
	if (strcmp(p, "vault") == 0 && (rb_arg_eq(c, "read") || rb_arg_eq(c, "get")))
		findings_add(&x->f, c->nredir || rb_arg_has(c, "sys/") ? 0.85 : 0.6,
			     "vault reads secrets");
	if (strcmp(p, "kubectl") == 0 && (rb_arg_eq(c, "secret") || rb_arg_eq(c, "secrets") ||
					  rb_arg_has(c, "secret/")) &&
	    (rb_arg_eq(c, "get") || rb_arg_eq(c, "describe"))) {
		bool all = rb_arg_eq(c, "secrets") || rb_arg_eq(c, "-A") ||
			   rb_long(c, "--all-namespaces") || rb_arg_has(c, ".data");

		/* one named secret is daily work; all of them, or their decoded data, is a harvest
		 */
		findings_add(&x->f, all ? 0.88 : 0.62, "kubectl reads cluster secrets");
	}
	if (strcmp(p, "security") == 0 && rb_arg_has(c, "find-") && rb_arg_has(c, "password"))
		findings_add(&x->f, 0.9, "keychain password read");
	if (strcmp(p, "gpg") == 0 && rb_long(c, "--export-secret"))
		findings_add(&x->f, 0.93, "gpg exports secret keys");
	if (strcmp(p, "keyctl") == 0 && (rb_arg_eq(c, "print") || rb_arg_eq(c, "pipe") ||
					 rb_arg_eq(c, "read")))
		findings_add(&x->f, 0.85, "kernel keyring read");
}

static const char *const sys_trees[] = {
	"^/etc/", "^/var/", "^/home/", "^/root", "^/proc/", "^/opt/", "^/srv/", NULL,
};

/* What secrets are grepped for. */
static const char *const secret_words[] = {
	"pass", "secret", "api_key", "apikey", "token", "akia", "private key", "aws",
	"credential", "key", "ghp_", "gho_", "github_pat", "glpat-", "xoxb", "xoxp",
	"sk-", "aiza", NULL,
};

/* Does a search name a system tree (/, /etc, a home ...) other than the logs? */
static bool searches_system(const struct shlex_cmd *c)
{
	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i];

		if (jurors_path_is(w, jurors_log_paths))
			continue; /* failed-login searches in logs are administration */
		if (strcmp(w, "/") == 0 || strncmp(w, "/etc", 4) == 0 ||
		    strncmp(w, "/home", 5) == 0 || strncmp(w, "/root", 5) == 0 ||
		    strcmp(w, "~") == 0 || strcmp(w, "~/") == 0 || strcmp(w, "$HOME") == 0 ||
		    strncmp(w, "/var", 4) == 0 || strncmp(w, "/opt", 4) == 0)
			return true;
	}
	return false;
}

/* grep and its kin looking for secrets across the system, in system files
 * fed to them, or in the environment and history. */
static void grep_secrets(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	bool sys = searches_system(c);

	for (int i = 0; sys && secret_words[i]; i++)
		if (rb_arg_has(c, secret_words[i])) {
			findings_add(&x->f, 0.85, "%s hunts for secrets across the system", p);
			break;
		}
	if (c->pipe_prev >= 0 &&
	    rb_upstream_reads(x->res, &x->res->cmds[c->pipe_prev], sys_trees) != NULL)
		for (int i = 0; secret_words[i]; i++)
			if (strcmp(secret_words[i], "key") != 0 && rb_arg_has(c, secret_words[i])) {
				findings_add(&x->f, 0.8, "secrets searched in system files");
				break;
			}
	if (c->pipe_prev >= 0 && rb_upstream_prog(x->res, c, env_dumpers))
		for (int i = 0; secret_words[i]; i++)
			if (rb_arg_has(c, secret_words[i])) {
				findings_add(&x->f, 0.82,
					     "secrets searched in the environment or history");
				break;
			}
}

static void cred_search(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const names[] = {
		"id_rsa", "id_dsa", "id_ed25519", ".pem", ".key", ".env", ".kdbx", "credentials",
		"wp-config", ".ovpn", ".pfx", ".p12", "shadow", ".git-credentials", ".ppk",
		"password", "secret", ".aws", "authorized_keys", ".netrc", ".pgpass", "id_*",
		"/.ssh/", ".htpasswd", ".my.cnf", "wallet.dat", ".keytab", "_history", NULL,
	};
	const char *start = c->prog + 1 < c->argc ? c->argv[c->prog + 1] : ".";
	bool wide = start[0] == '/' || start[0] == '~' || start[0] == '$';

	if ((strcmp(p, "find") == 0 || strcmp(p, "locate") == 0 || strcmp(p, "fd") == 0 ||
	     strcmp(p, "fdfind") == 0) && (wide || strcmp(p, "locate") == 0))
		for (int i = 0; names[i]; i++)
			if (rb_arg_has(c, names[i])) {
				findings_add(&x->f, 0.88, "%s searches the system for %s files", p,
					     names[i]);
				break;
			}
	/* find -name SECRET -exec cat {}: what it finds is read */
	if (strcmp(p, "find") == 0 && rb_arg_eq(c, "-exec") &&
	    (rb_arg_eq(c, "cat") || rb_arg_eq(c, "head") || rb_arg_eq(c, "grep") ||
	     rb_arg_eq(c, "base64") || rb_arg_eq(c, "cp")))
		for (int i = 0; names[i]; i++)
			if (rb_arg_has(c, names[i]) && strcmp(names[i], ".env") &&
			    strcmp(names[i], "secret") && strcmp(names[i], ".key")) {
				findings_add(&x->f, 0.88, "find reads every %s file it finds",
					     names[i]);
				break;
			}
	if (strcmp(p, "grep") == 0 || strcmp(p, "rg") == 0 || strcmp(p, "egrep") == 0 ||
	    strcmp(p, "ag") == 0)
		grep_secrets(x, c, p);
}

void rb_exec_secrets(struct rb_ctx *x, const struct shlex_cmd *c)
{
	static const char *const tools[] = {
		"mimipenguin", "lazagne", "laZagne", "john", "hashcat", "unshadow", "hydra",
		"medusa", "secretsdump.py", "gcore", "pypykatz", "truffleHog", "procdump",
		"mimikatz", "linikatz", NULL,
	};
	static const char *const key_users[] = {
		"ssh", "ssh-add", "ssh-keygen", "chmod", "chown", "git", "ansible",
		"ansible-playbook", "stat", "test", "[", "mkdir", "touch", NULL,
	};
	static const char *const copiers[] = { "cp", "mv", "install", "ln", NULL };
	struct shlex_cmd src = *c;
	const char *p = shlex_prog(c), *s, *written;

	/* the last word of cp/mv/install/ln is where it writes, not what it reads */
	if (rb_in(p, copiers) && src.argc > src.prog + 2)
		src.argc--;
	if (rb_in(p, tools) || rb_arg_has(c, "lazagne") || rb_arg_has(c, "mimipenguin"))
		findings_add(&x->f, 0.93, "credential dumping or cracking tool %s", p);
	if (strcmp(p, "tcpdump") == 0 && (rb_opt(c, 'A') || rb_arg_has(c, "pass")))
		findings_add(&x->f, 0.85, "sniffing traffic for credentials");
	cloud_creds(x, c, p);
	cred_search(x, c, p);
	if ((strcmp(p, "docker") == 0 || strcmp(p, "kubectl") == 0 || strcmp(p, "podman") == 0) &&
	    rb_arg_eq(c, "cp"))
		for (int i = c->prog + 1; i < c->argc; i++) {
			const char *colon = strchr(c->argv[i], ':');

			if (colon && jurors_path_is(colon + 1, jurors_secret_paths)) {
				findings_add(&x->f, 0.85, "%s copies %s out of a container", p,
					     colon + 1);
				break;
			}
		}
	/* text that echo or printf writes into a file names paths, it reads none */
	if ((!strcmp(p, "echo") || !strcmp(p, "printf")) && rb_writes(x->res, c, &written, 1) > 0)
		return;
	/* key users read keys by design; not another user's, and git only as ssh's key */
	s = rb_reads(x->res, &src, jurors_secret_paths);
	if (s && rb_in(p, key_users) && strncmp(s, "/root/", 6) &&
	    (strcmp(p, "git") || rb_arg_eq(c, "config") || rb_arg_eq(c, "-c")))
		return;
	if (rb_in(p, key_users) && !s)
		return;
	if (s && (strcmp(p, "ls") == 0 || strcmp(p, "find") == 0 || strcmp(p, "tree") == 0 ||
		  strcmp(p, "stat") == 0 || strcmp(p, "du") == 0))
		findings_add(&x->f, 0.6, "%s lists credential locations (%s)", p, s);
	else if (s && (strcmp(shlex_basename(s), ".env") == 0 || strstr(s, ".aws/config")))
		/* projects load their own .env every day: a weak signal unless it leaves the host
		 */
		findings_add(&x->f, 0.62, "%s reads %s", p, s);
	else if (s)
		findings_add(&x->f, 0.9, "%s reads credential file %s", p, s);
}
