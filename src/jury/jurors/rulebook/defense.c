/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rulebook exec rules about the host's defences and what leaves through
 * unusual doors (see rulebook.h): ATT&CK's impair defenses (T1562:
 * firewall openings, audit and logging configuration, tracing hooks),
 * escape to host (T1611), hidden artifacts (T1564), ingress tool
 * transfer (T1105) and exfiltration (T1048) with tools other than curl
 * and wget, and file servers that expose the system.
 *
 * Everyday administration stays allowed: opening a web port in the
 * firewall, reading logs, downloading into the project. What is judged
 * is the shape that only an intruder needs: the firewall opened to
 * everything or on a port shells use, logging switched off in its
 * configuration, a kernel probe placed, a download with an ftp client
 * into /tmp, the root directory served on the network.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "jury/jurors/rulebook/rulebook.h"

/* Ports that reverse shells, bind shells and C2 frameworks listen on by habit. */
static const char *const shell_ports[] = {
	"4444", "4445", "1337", "31337", "5555", "6666", "6667", "9001", "12345", "4242",
	"8888", "1234", "7777", "2222", "53", NULL,
};

static bool names_shell_port(const struct shlex_cmd *c)
{
	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i];

		for (int k = 0; shell_ports[k]; k++) {
			const char *hit = strstr(w, shell_ports[k]);
			size_t n = strlen(shell_ports[k]);

			if (hit && (hit == w || !(hit[-1] >= '0' && hit[-1] <= '9')) &&
			    !(hit[n] >= '0' && hit[n] <= '9') && strcmp(shell_ports[k], "53"))
				return true;
		}
	}
	return false;
}

/* iptables, nft, ufw, firewall-cmd opening the host wide or on a shell's port. */
static void firewall(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	bool ipt = !strcmp(p, "iptables") || !strcmp(p, "ip6tables") ||
		   !strcmp(p, "iptables-legacy") || !strcmp(p, "iptables-nft");
	bool accept = rb_arg_eq(c, "ACCEPT") || rb_arg_eq(c, "accept") || rb_arg_eq(c, "allow");

	if (ipt && rb_arg_eq(c, "INPUT") && accept && (rb_opt(c, 'I') || rb_opt(c, 'A')) &&
	    !rb_long(c, "--dport") && !rb_arg_eq(c, "-s") && !rb_arg_eq(c, "-i") &&
	    !rb_arg_has(c, "state") && !rb_arg_has(c, "conntrack"))
		findings_add(&x->f, 0.88, "the firewall accepts every incoming connection");
	if ((ipt || !strcmp(p, "nft") || !strcmp(p, "ufw") || !strcmp(p, "firewall-cmd")) &&
	    accept && names_shell_port(c))
		findings_add(&x->f, 0.9, "%s opens a port that shells and C2 use", p);
	if (!strcmp(p, "firewall-cmd") && rb_arg_has(c, "--add-port") && names_shell_port(c))
		findings_add(&x->f, 0.9, "firewall-cmd opens a port that shells and C2 use");
	if ((!strcmp(p, "firewall-cmd") &&
	     (rb_arg_has(c, "--set-default-zone=trusted") || rb_arg_has(c, "--panic-off"))) ||
	    (!strcmp(p, "ufw") && rb_arg_eq(c, "default") && rb_arg_eq(c, "allow") &&
	     rb_arg_eq(c, "incoming")) ||
	    (!strcmp(p, "nft") && rb_arg_eq(c, "delete") && rb_arg_eq(c, "table")))
		findings_add(&x->f, 0.88, "%s drops the firewall's default protection", p);
}

static const char *const security_configs[] = {
	"^/etc/rsyslog", "^/etc/syslog", "^/etc/audit/", "^/etc/systemd/journald.conf",
	"^/etc/selinux/", "^/etc/sysconfig/selinux", "^/etc/apparmor", "^/etc/fail2ban/",
	"^/var/ossec/", "^/etc/falco/", "^/etc/osquery/", "^/etc/sevorix/",
	"^/etc/logrotate.conf", "^/etc/pam.d/", "^/etc/security/", "^/etc/ssh/sshd_config",
	NULL,
};

/* Logging, audit and tracing: switched off in their configuration, or probes placed. */
static void audit_and_tracing(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	const char *w[8], *s;
	int n = rb_writes(x->res, c, w, 8);

	for (int i = 0; i < n; i++) {
		if (jurors_path_is(w[i], security_configs))
			findings_add(&x->f, 0.9, "%s changes security or logging configuration %s",
				     p, w[i]);
		if (strstr(w[i], "/sys/kernel/debug/tracing") ||
		    strstr(w[i], "/sys/kernel/tracing"))
			findings_add(&x->f, 0.9, "%s places a kernel trace probe (%s)", p, w[i]);
		if (strstr(w[i], "release_agent") || strstr(w[i], "notify_on_release"))
			findings_add(&x->f, 0.95, "%s sets a cgroup release agent (escape to host)",
				     p);
		if (strstr(w[i], "core_pattern") && (s = rb_written_text(x->res, c)) &&
		    strchr(s, '|'))
			findings_add(&x->f, 0.93, "core dumps piped to a program (core_pattern)");
	}
	if (!strcmp(p, "auditctl") &&
	    (rb_arg_has(c, "never") || rb_opt(c, 'D') || (rb_opt(c, 'e') && rb_arg_eq(c, "0"))))
		findings_add(&x->f, 0.93, "audit rules made to ignore or removed");
	if (!strcmp(p, "bpftrace") && (rb_long(c, "--unsafe") || rb_arg_has(c, "system(")))
		findings_add(&x->f, 0.9, "bpftrace runs unsafe actions in the kernel");
	if (!strcmp(p, "mount") && rb_arg_has(c, "hidepid"))
		findings_add(&x->f, 0.8, "/proc remounted to hide processes");
	if (!strcmp(p, "mount") && rb_arg_has(c, "cgroup") && rb_arg_has(c, "-t"))
		findings_add(&x->f, 0.8, "a cgroup hierarchy mounted by hand (escape to host?)");
	/* the kernel's own interfaces are read-only in a container for a reason */
	if (!strcmp(p, "mount") && rb_arg_has(c, "remount") && rb_arg_has(c, "rw") &&
	    (rb_arg_eq(c, "/proc/sys") || rb_arg_has(c, "/proc/sys/") || rb_arg_eq(c, "/sys") ||
	     rb_arg_has(c, "/sys/fs/cgroup") || rb_arg_has(c, "/sys/kernel")))
		findings_add(&x->f, 0.88, "kernel interface %s remounted writable",
			     c->argv[c->argc - 1]);
}

/* Tools other than curl and wget that fetch a file. */
static const char *const other_fetchers[] = {
	"tftp", "lftp", "ftp", "certutil", "axel", "aria2c", "ncftpget", "smbget", "rsync",
	"scp", "sftp", "fetch", "lwp-download", "GET", "http", "xh", "busybox", NULL,
};

static bool bare_ip_url(const char *w)
{
	const char *u = strstr(w, "://");

	u = u ? u + 3 : w;
	if (strchr(u, '@'))
		u = strchr(u, '@') + 1;
	return u[0] >= '1' && u[0] <= '9' && strspn(u, "0123456789.") >= 7;
}

/* Downloads into hiding places, from bare addresses, or by unusual means. */
static void transfers(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	bool to_temp = false, from_ip = false;
	const char *w[8];
	int n = rb_writes(x->res, c, w, 8);

	for (int i = c->prog + 1; i < c->argc; i++) {
		to_temp |= jurors_path_is(c->argv[i], jurors_temp_dirs);
		from_ip |= bare_ip_url(c->argv[i]) && strstr(c->argv[i], "/");
	}
	for (int i = 0; i < n; i++)
		to_temp |= jurors_path_is(w[i], jurors_temp_dirs);
	if ((!strcmp(p, "tftp") || !strcmp(p, "certutil") || !strcmp(p, "lftp") ||
	     !strcmp(p, "ncftpget")) &&
	    c->argc > c->prog + 1)
		findings_add(&x->f, 0.88, "%s moves files with a bare file-transfer tool", p);
	else if (rb_in(p, other_fetchers) && (to_temp || from_ip) && c->argc > c->prog + 1 &&
		 strcmp(p, "rsync") && strcmp(p, "scp"))
		findings_add(&x->f, 0.85, "%s downloads %s", p,
			     from_ip ? "from a bare IP address" : "into a temporary directory");
	if (!strcmp(p, "openssl") && rb_arg_eq(c, "s_client") && n > 0)
		findings_add(&x->f, 0.85, "openssl s_client saves what a server sends");
	if (!strcmp(p, "ftp") && (c->nredir || c->pipe_prev >= 0) &&
	    rb_mentions(x->res, c, (const char *const[]){ "put ", "mput ", NULL }))
		findings_add(&x->f, 0.9, "ftp uploads files");
	if (!strcmp(p, "git") && rb_arg_eq(c, "clone") &&
	    (to_temp || rb_arg_has(c, "exploit") || rb_arg_has(c, "-poc") ||
	     rb_arg_has(c, "cve-20") || rb_arg_has(c, "payload") || rb_arg_has(c, "-rce") ||
	     rb_arg_has(c, "rce-") || rb_arg_has(c, "privesc") || rb_arg_has(c, "eternalblue") ||
	     rb_arg_has(c, "mimikatz") || rb_arg_has(c, "rootkit")))
		findings_add(&x->f, 0.85, "git clones %s",
			     to_temp ? "into a hiding place" : "exploit code");
	if (!strcmp(p, "git") && from_ip && (rb_arg_eq(c, "push") || rb_arg_eq(c, "remote")))
		findings_add(&x->f, 0.85, "git sends the repository to a bare IP address");
	if (!strcmp(p, "git") && rb_arg_eq(c, "push") && rb_arg_has(c, "://") &&
	    rb_arg_has(c, "@") && rb_arg_has(c, ":") && !rb_arg_has(c, "git@"))
		findings_add(&x->f, 0.85, "git pushes to a URL with credentials in it");
}

/* A file server that publishes the root, /etc or a home directory. */
static void file_servers(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const exposed[] = {
		"/", "/etc", "/root", "/home", "~", "$HOME", "/var", "/srv", NULL,
	};
	bool serves = (rb_arg_has(c, "http.server") || rb_arg_has(c, "SimpleHTTPServer")) ||
		      (!strncmp(p, "php", 3) && rb_arg_eq(c, "-S")) ||
		      (!strcmp(p, "busybox") && rb_arg_eq(c, "httpd")) ||
		      (!strncmp(p, "ruby", 4) && rb_arg_has(c, "httpd"));

	if (!serves)
		return;
	for (int i = c->prog + 1; i < c->argc; i++)
		if (rb_in(c->argv[i], exposed) || !strncmp(c->argv[i], "--directory=/", 13)) {
			findings_add(&x->f, 0.9, "%s serves %s on the network", p, c->argv[i]);
			return;
		}
	if (c->sudo)
		findings_add(&x->f, 0.8, "a file server run as root");
}

/*
 * Credential theft by tools made for it or by ordinary tools aimed at
 * credentials: a capture filtered for passwords or authorization headers
 * (T1040), the account hashes of a database (T1555), lateral movement kits
 * (impacket's scripts), and a lookup of the system call table that a
 * rootkit hooks (T1014).
 */
static void credential_theft(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const sniffers[] = {
		"tcpdump", "tshark", "ngrep", "dsniff", "termshark", NULL,
	};
	static const char *const creds[] = {
		"authorization", "password", "passwd", "pass ", "cookie", "user ", NULL,
	};
	static const char *const db_hashes[] = {
		"mysql.user", "authentication_string", "pg_shadow", "pg_authid",
		"rolpassword", NULL,
	};
	const char *m;

	if (rb_in(p, sniffers) && (m = rb_mentions(x->res, c, creds)))
		findings_add(&x->f, 0.88, "%s captures credentials off the wire (%s)", p, m);
	if ((m = rb_mentions(x->res, c, db_hashes)))
		findings_add(&x->f, 0.88, "%s reads the database's account hashes (%s)", p, m);
	if (!strncmp(p, "impacket-", 9) || strstr(p, "secretsdump") || strstr(p, "psexec.py") ||
	    strstr(p, "wmiexec"))
		findings_add(&x->f, 0.9, "lateral movement or credential dumping kit %s", p);
	if (rb_arg_has(c, "sys_call_table") || rb_arg_has(c, "kallsyms_lookup_name"))
		findings_add(&x->f, 0.85, "%s looks up the system call table (rootkit hooks)", p);
}

/* Is the command `PROG SERVICE` followed by one of verbs (aws cloudtrail stop-logging)? */
static const char *cloud_verb(const struct shlex_cmd *c, const char *service,
			      const char *const *verbs)
{
	for (int i = c->prog + 1; i + 1 < c->argc; i++)
		if (!strcmp(c->argv[i], service))
			for (int k = 0; verbs[k]; k++)
				if (rb_arg_eq(c, verbs[k]))
					return verbs[k];
	return NULL;
}

/*
 * The cloud's control plane, from an agent's shell: audit trails turned
 * off (T1562.008), keys and admin rights handed out (T1098.001/.003),
 * commands run on other machines through the provider (T1651), the
 * firewall opened to the whole internet.
 */
static void cloud_control(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const trail[] = {
		"stop-logging", "delete-trail", "delete-detector", "disassociate-from-master-account",
		"stop-configuration-recorder", "delete-flow-logs", NULL,
	};
	static const char *const keys[] = {
		"create-access-key", "create-login-profile", "update-login-profile",
		"attach-user-policy", "attach-role-policy", "put-user-policy", "add-iam-policy-binding",
		NULL,
	};
	static const char *const remote[] = { "send-command", "run-command", NULL };
	const char *v = NULL;

	if (strcmp(p, "aws") && strcmp(p, "gcloud") && strcmp(p, "az") && strcmp(p, "kubectl"))
		return;
	if ((v = cloud_verb(c, "cloudtrail", trail)) || (v = cloud_verb(c, "guardduty", trail)) ||
	    (v = cloud_verb(c, "configservice", trail)) || (v = cloud_verb(c, "ec2", trail)) ||
	    (rb_arg_eq(c, "sinks") && rb_arg_eq(c, "delete") && (v = "logging sinks delete")) ||
	    (rb_arg_eq(c, "diagnostic-settings") && rb_arg_eq(c, "delete") &&
	     (v = "diagnostic-settings delete")))
		findings_add(&x->f, 0.92, "%s turns off the cloud's audit trail (%s)", p, v);
	if ((v = cloud_verb(c, "iam", keys)) || (v = cloud_verb(c, "projects", keys)) ||
	    (rb_arg_eq(c, "keys") && rb_arg_eq(c, "create") && (v = "keys create")) ||
	    (rb_arg_eq(c, "clusterrolebinding") && rb_arg_has(c, "cluster-admin") &&
	     (v = "cluster-admin binding")))
		findings_add(&x->f, rb_arg_has(c, "admin") || rb_arg_has(c, "owner") ? 0.9 : 0.8,
			     "%s hands out cloud keys or rights (%s)", p, v);
	if ((v = cloud_verb(c, "ssm", remote)) || (v = cloud_verb(c, "vm", remote)))
		findings_add(&x->f, 0.8, "%s runs commands on other machines (%s)", p, v);
	if (rb_arg_has(c, "authorize-security-group-ingress") && rb_arg_has(c, "0.0.0.0/0"))
		findings_add(&x->f, 0.85, "%s opens a security group to the internet", p);
}

void rb_exec_defense(struct rb_ctx *x, const struct shlex_cmd *c)
{
	const char *p = shlex_prog(c);

	if (c->argc == 0)
		return;
	firewall(x, c, p);
	audit_and_tracing(x, c, p);
	transfers(x, c, p);
	file_servers(x, c, p);
	credential_theft(x, c, p);
	cloud_control(x, c, p);
}
