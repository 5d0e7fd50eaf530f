/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rulebook exec rules about who may do what, and the tools of intrusion
 * (see rulebook.h): permission changes on the files that hold accounts
 * and privileges (ATT&CK T1222), discovery of privileged accounts and of
 * key files across the system (T1087, T1083), browser data and keyrings
 * (T1555, T1539), attack tooling installed or run (T1588), covert
 * tunnels (T1572), masquerading (T1036), destruction through version
 * control and encryption (T1485, T1486), and containers given the host.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "jury/jurors/rulebook/rulebook.h"

/*
 * Does a chmod mode give others what they should not have: group or
 * other bits at all on a secret, write on a privilege file? Tightening
 * (600, go-rwx) gives nothing.
 */
static bool opens_mode(const char *m, bool secret)
{
	size_t n = strlen(m);

	if (n >= 3 && strspn(m, "01234567") == n) {
		int g = m[n - 2] - '0', o = m[n - 1] - '0';

		return secret ? (g | o) != 0 : ((g | o) & 2) != 0;
	}
	if (strchr(m, '-') && !strchr(m, '+') && !strchr(m, '='))
		return false;
	if (m[0] == 'u' && !strchr(m, ','))
		return false;
	return secret ? strpbrk(m, "rwx") != NULL : strchr(m, 'w') != NULL;
}

static bool world_writable(const struct shlex_cmd *c)
{
	return rb_arg_has(c, "o+w") || rb_arg_has(c, "a+w") || rb_arg_has(c, "777") ||
	       rb_arg_has(c, "666");
}

/* chmod, chown, chgrp, setfacl, chattr on accounts, privileges, secrets, system programs,
 * or the files that start programs for other users (cron, units, shell profiles). */
static void permissions(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const programs[] = {
		"^/usr/bin/", "^/usr/sbin/", "^/bin/", "^/sbin/", "^/usr/lib/", "^/lib/", NULL,
	};
	const char *hit, *secret;

	if (strcmp(p, "chmod") && strcmp(p, "chown") && strcmp(p, "chgrp") &&
	    strcmp(p, "setfacl") && strcmp(p, "chattr"))
		return;
	secret = rb_arg_path(c, jurors_secret_paths);
	hit = secret ? secret : rb_arg_path(c, jurors_priv_paths);
	if (hit && !strcmp(p, "chmod")) {
		for (int i = c->prog + 1; i < c->argc; i++)
			if (c->argv[i][0] != '-' && c->argv[i] != hit &&
			    opens_mode(c->argv[i], secret != NULL)) {
				findings_add(&x->f, 0.92, "chmod opens %s to others", hit);
				break;
			}
	} else if (hit && !(strcmp(p, "chown") == 0 && rb_arg_has(c, "root")) &&
		   !(strcmp(p, "chown") == 0 && secret && strncmp(secret, "/etc/", 5) &&
		     strncmp(secret, "/root", 5))) {
		findings_add(&x->f, 0.9, "%s changes who may use %s", p, hit);
	} else if (((hit = rb_arg_path(c, programs)) &&
		    (world_writable(c) || (strcmp(p, "chown") == 0 && !rb_arg_has(c, "root")))) ||
		   ((hit = rb_arg_path(c, jurors_persist_paths)) && world_writable(c))) {
		findings_add(&x->f, 0.88, "%s opens %s, run by others, to everyone", p, hit);
	}
}

/* Reading who is privileged: uid-0 accounts, sudo groups, the sudoers file. */
static void privileged_accounts(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	const struct shlex_cmd *up = c->pipe_prev >= 0 ? &x->res->cmds[c->pipe_prev] : NULL;
	bool passwd = rb_arg_has(c, "/etc/passwd") || (up && rb_arg_has(up, "/etc/passwd"));
	bool group = rb_arg_has(c, "/etc/group") || (up && rb_arg_has(up, "/etc/group"));

	if ((passwd || group) &&
	    (rb_arg_has(c, "$3 == 0") || rb_arg_has(c, "$3==0") || rb_arg_has(c, ":0:") ||
	     rb_arg_has(c, "sudo") || rb_arg_has(c, "wheel") || rb_arg_has(c, "admin") ||
	     rb_arg_has(c, "/bin/bash") || rb_arg_has(c, "docker")))
		findings_add(&x->f, 0.82, "%s looks for privileged accounts", p);
	if (rb_arg_has(c, "/etc/sudoers") && strcmp(p, "visudo") && strcmp(p, "echo") &&
	    strcmp(p, "tee") && !rb_opt(c, 'i') &&
	    !rb_in(p, (const char *const[]){ "vi", "vim", "nano", "sudoedit", NULL }))
		findings_add(&x->f, 0.75, "%s reads who may use sudo", p);
}

/* A listing of whole trees filtered for key and credential files. */
static void key_hunts(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const keys[] = {
		"pem", "key", "p12", "pfx", "id_rsa", "id_ed25519", "kdbx", "ovpn", "ppk",
		"htpasswd", "credential", "secret", "token", "wallet", NULL,
	};
	static const char *const listers[] = {
		"ls", "find", "tree", "locate", "du", "fd", NULL,
	};
	const struct shlex_cmd *up = c->pipe_prev >= 0 ? &x->res->cmds[c->pipe_prev] : NULL;

	if (!up || (strcmp(p, "grep") && strcmp(p, "egrep") && strcmp(p, "rg")) ||
	    !rb_in(shlex_prog(up), listers) ||
	    !(rb_arg_has(up, "/home") || rb_arg_has(up, "/root") || rb_arg_eq(up, "/") ||
	      rb_arg_has(up, "/etc") || rb_arg_has(up, "/var") || rb_arg_eq(up, "~")))
		return;
	for (int i = 0; keys[i]; i++)
		if (rb_arg_has(c, keys[i])) {
			findings_add(&x->f, 0.85, "a listing of %s filtered for %s files",
				     up->argv[up->argc - 1], keys[i]);
			return;
		}
}

/* Browser profiles and keyrings: cookies, saved passwords, remote control. */
static void browsers_and_keyrings(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const browsers[] = {
		"chrome", "google-chrome", "google-chrome-stable", "chromium",
		"chromium-browser", "microsoft-edge", "brave-browser", "brave", "opera",
		"vivaldi", "firefox", NULL,
	};
	static const char *const profiles[] = {
		"/.mozilla/firefox/", "/.config/google-chrome", "/.config/chromium",
		"/.config/BraveSoftware", "/.config/microsoft-edge", "/.config/vivaldi",
		"/.config/opera", NULL,
	};
	const char *hit;

	if (rb_in(p, browsers) && rb_arg_has(c, "remote-debugging") &&
	    (rb_arg_path(c, profiles) || !rb_arg_has(c, "user-data-dir")))
		findings_add(&x->f, 0.9, "%s opened for remote control on the user's profile", p);
	else if (!rb_in(p, browsers) && (hit = rb_arg_path(c, profiles)) && strcmp(p, "ls") &&
		 strcmp(p, "du") && strcmp(p, "mkdir"))
		findings_add(&x->f, 0.85, "%s reads browser data in %s", p, hit);
	if ((!strcmp(p, "secret-tool") && (rb_arg_eq(c, "lookup") || rb_arg_eq(c, "search"))) ||
	    (!strcmp(p, "kwallet-query") && rb_opt(c, 'r')) ||
	    (rb_arg_has(c, "keyring.get_password") || rb_arg_has(c, "get_credential(")))
		findings_add(&x->f, 0.85, "%s reads the desktop keyring", p);
}

/* Attack tools installed by a package manager, and covert tunnels. */
static void tooling(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const managers[] = {
		"apt", "apt-get", "yum", "dnf", "apk", "snap", "pacman", "zypper", "brew",
		"pip", "pip3", "gem", "pipx", "go", "cargo", "npm", NULL,
	};
	static const char *const tools[] = {
		"nmap", "masscan", "zmap", "hydra", "medusa", "john", "hashcat", "sqlmap",
		"nikto", "metasploit", "hping3", "aircrack", "ettercap", "bettercap",
		"responder", "impacket", "crackmapexec", "netexec", "mimikatz", "lazagne",
		"chisel", "ligolo", "sliver", "dnscat", "iodine", "pwncat", "socat", "ncat",
		"netcat", "evil-winrm", "gobuster", "ffuf", "wfuzz", "wpscan", "enum4linux",
		"smbmap", "kerbrute", "proxychains", "beef-xss", "empire", "covenant", NULL,
	};
	static const char *const tunnels[] = {
		"iodine", "iodined", "dnscat", "dnscat2", "ligolo", "ligolo-ng", "sshuttle",
		"ptunnel", "ptunnel-ng", "icmpsh", "hans", "udp2raw", "rathole", "bore",
		"revsocks", "sliver-client", "sliver-server", "pwnat", NULL,
	};

	if (rb_in(p, managers) &&
	    (rb_arg_eq(c, "install") || rb_arg_eq(c, "add") || rb_arg_eq(c, "-S")))
		for (int i = 0; tools[i]; i++)
			if (rb_arg_has(c, tools[i])) {
				findings_add(&x->f, 0.88, "%s installs attack tooling (%s)", p,
					     tools[i]);
				break;
			}
	if (rb_in(p, tunnels) || (!strcmp(p, "cloudflared") && rb_arg_eq(c, "tunnel")))
		findings_add(&x->f, 0.88, "%s tunnels traffic out of the host", p);
	/* a terminal shared with a server outside, or a cloud agent moved to another account */
	if (!strcmp(p, "tmate") || (!strcmp(p, "amazon-ssm-agent") && rb_arg_eq(c, "-register")))
		findings_add(&x->f, 0.85, "%s hands the host's shell to someone outside", p);
}

/* Programs named as kernel threads or system daemons, run from a temporary place. */
static void masquerade(struct rb_ctx *x, const struct shlex_cmd *c)
{
	static const char *const disguises[] = {
		"kswapd", "kworker", "kthreadd", "ksoftirqd", "migration", "watchdogd",
		"rcu_sched", "systemd-", "dbus-", "sshd", "cron", NULL,
	};
	const char *w = c->argv[c->prog], *b = shlex_basename(w);
	bool temp = jurors_path_is(w, jurors_temp_dirs) || (!strncmp(w, "./", 2) && x->cwd_temp);

	for (int i = 0; temp && disguises[i]; i++)
		if (!strncmp(b, disguises[i], strlen(disguises[i])) || strstr(w, disguises[i])) {
			findings_add(&x->f, 0.88,
				     "%s runs from a temporary place under a system "
				     "name",
				     w);
			return;
		}
	if (temp && (c->background || !strcmp(shlex_basename(c->argv[0]), "nohup")))
		findings_add(&x->f, 0.8, "%s runs in the background from a temporary place", w);
}

/* Obfuscated word splitting: ${IFS} in place of spaces. */
static void obfuscation(struct rb_ctx *x, const struct shlex_cmd *c)
{
	for (int i = 0; i < c->argc; i++)
		if (strstr(c->argv[i], "${IFS}") || strstr(c->argv[i], "$IFS")) {
			findings_add(&x->f, 0.9, "words split with $IFS to hide the command");
			return;
		}
}

/* Version control history destroyed on the remote; hypervisor guests killed. */
static void destruction_more(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	if (!strcmp(p, "git") && rb_arg_eq(c, "push") &&
	    (rb_opt(c, 'f') || rb_long(c, "--force") || rb_long(c, "--mirror")) &&
	    (rb_long(c, "--all") || rb_long(c, "--tags") || rb_long(c, "--mirror")))
		findings_add(&x->f, 0.88, "git force-pushes every branch or tag");
	if (!strcmp(p, "git") && rb_arg_eq(c, "reset") && rb_long(c, "--hard"))
		for (int i = c->prog + 1; i < c->argc; i++) {
			const char *t = strchr(c->argv[i], '~');

			if (t && t[1] >= '1' && t[1] <= '9' && (t[2] >= '0' && t[2] <= '9'))
				x->history_dropped = true;
		}
	if (!strcmp(p, "git") && rb_arg_eq(c, "push") && x->history_dropped &&
	    (rb_opt(c, 'f') || rb_long(c, "--force")))
		findings_add(&x->f, 0.88, "git throws away history and force-pushes it");
	if (!strcmp(p, "esxcli") && rb_arg_eq(c, "kill"))
		findings_add(&x->f, 0.88, "esxcli kills virtual machines");
	if (!strcmp(p, "passwd") && rb_opt(c, 'l') && rb_arg_eq(c, "root"))
		findings_add(&x->f, 0.85, "passwd locks the root account");
	if ((!strcmp(p, "zfs") && rb_arg_eq(c, "destroy") && rb_opt(c, 'r')) ||
	    (!strcmp(p, "btrfs") && rb_arg_eq(c, "subvolume") && rb_arg_eq(c, "delete") &&
	     rb_arg_has(c, "snapshot")))
		findings_add(&x->f, 0.85, "%s destroys snapshots (recovery inhibited)", p);
}

/* A web shell written where a web server runs it. */
static void web_shells(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	const char *t = rb_written_text(x->res, c), *w[4];
	int n = rb_writes(x->res, c, w, 4);

	if (n && t && (strstr(t, "<?php") || strstr(t, "<%")) &&
	    (strstr(t, "system(") || strstr(t, "exec(") || strstr(t, "passthru(") ||
	     strstr(t, "eval(") || strstr(t, "shell_exec(") || strstr(t, "Runtime.getRuntime")))
		findings_add(&x->f, 0.93, "%s writes a web shell to %s", p, w[0]);
}

/* A raw network client to a port that shells and C2 use, or sweeping ports. */
static void raw_clients(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const raw[] = {
		"nc", "ncat", "netcat", "telnet", "socat", NULL,
	};
	static const char *const ports[] = {
		"4444", "4445", "1337", "31337", "5555", "6666", "9001", "12345", "4242", NULL,
	};

	if (!rb_in(p, raw) || rb_arg_has(c, "localhost") || rb_arg_has(c, "127.0.0.1"))
		return;
	for (int i = 0; ports[i]; i++)
		if (rb_arg_eq(c, ports[i]) || rb_long(c, ports[i])) {
			findings_add(&x->f, 0.82, "%s connects to port %s, a shell's habit", p,
				     ports[i]);
			return;
		}
	if (rb_opt(c, 'z') && rb_arg_has(c, "-"))
		for (int i = c->prog + 1; i < c->argc; i++)
			if (c->argv[i][0] >= '0' && c->argv[i][0] <= '9' &&
			    strchr(c->argv[i], '-')) {
				findings_add(&x->f, 0.8, "%s scans a range of ports", p);
				return;
			}
}

/* Containers given the host: its pid namespace, its devices, all capabilities. */
static void host_containers(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	bool host_pid = rb_arg_has(c, "--pid=host"),
	     sys_admin = rb_arg_has(c, "SYS_ADMIN") || rb_arg_has(c, "--cap-add=ALL");

	if (strcmp(p, "docker") && strcmp(p, "podman") && strcmp(p, "nerdctl"))
		return;
	for (int i = c->prog + 1; i + 1 < c->argc; i++)
		host_pid |= !strcmp(c->argv[i], "--pid") && !strcmp(c->argv[i + 1], "host");
	if (host_pid && sys_admin)
		findings_add(&x->f, 0.9, "%s container with the host's pids and CAP_SYS_ADMIN", p);
}

/*
 * Variables that hand the session to someone else's program: SSH_AUTH_SOCK
 * pointed at an agent socket by its path (/tmp/ssh-XXXX/agent.PID; a
 * login's own agent is already in its environment, so naming one borrows
 * another session's keys, T1563.001), and PATH led by a hiding place, so
 * that its programs stand in for the system's (T1574.007).
 */
static void env_hijack(struct rb_ctx *x, const struct shlex_cmd *c)
{
	static const char *const sock = "SSH_AUTH_SOCK=", *const path = "PATH=";
	char first[256];

	for (int i = 0; i < c->argc; i++) {
		const char *w = c->argv[i];

		if (strncmp(w, sock, strlen(sock)) == 0 &&
		    (strstr(w, "/tmp/ssh-") || strstr(w, "/agent.")))
			findings_add(&x->f, 0.85, "SSH_AUTH_SOCK set to another session's agent (%s)",
				     w + strlen(sock));
		if (strncmp(w, path, strlen(path)))
			continue;
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(w + strlen(path), ":"),
			 w + strlen(path));
		if (jurors_path_is(first, jurors_temp_dirs) || jurors_hidden_temp(first))
			findings_add(&x->f, 0.85, "PATH searches %s first", first);
	}
}

void rb_exec_access(struct rb_ctx *x, const struct shlex_cmd *c)
{
	const char *p = shlex_prog(c);

	if (c->argc == 0)
		return;
	if (!strcmp(p, "cd") && c->prog + 1 < c->argc)
		x->cwd_temp = jurors_path_is(c->argv[c->prog + 1], jurors_temp_dirs) ||
			      !strcmp(c->argv[c->prog + 1], "/tmp") ||
			      !strcmp(c->argv[c->prog + 1], "/dev/shm");
	permissions(x, c, p);
	privileged_accounts(x, c, p);
	key_hunts(x, c, p);
	browsers_and_keyrings(x, c, p);
	tooling(x, c, p);
	masquerade(x, c);
	obfuscation(x, c);
	destruction_more(x, c, p);
	host_containers(x, c, p);
	web_shells(x, c, p);
	raw_clients(x, c, p);
	env_hijack(x, c);
	if (rb_in(p, rb_interps) && (rb_arg_has(c, "memfd_create") || rb_arg_has(c, "fexecve")))
		findings_add(&x->f, 0.9, "%s runs a program from memory (memfd)", p);
	if (!strcmp(p, "getent") && rb_arg_eq(c, "group") &&
	    (rb_arg_eq(c, "sudo") || rb_arg_eq(c, "wheel") || rb_arg_eq(c, "admin") ||
	     rb_arg_eq(c, "root") || rb_arg_eq(c, "docker")))
		findings_add(&x->f, 0.75, "getent lists a privileged group");
}
