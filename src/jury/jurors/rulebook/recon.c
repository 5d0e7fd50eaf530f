/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rulebook exec rules about hiding and looking around (see rulebook.h):
 * defence evasion (history, logs, security services, kernel knobs,
 * masquerading) and discovery (scanners, SUID and capability hunts,
 * account and sensitive-directory enumeration), plus the rules that need
 * the whole script.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "jury/jurors/rulebook/rulebook.h"

/* Names a security service, also behind the grep '[s]yslog' trick. */
static bool names_security(const struct shlex_cmd *c)
{
	char buf[256];

	for (int i = 0; rb_security_svcs[i]; i++)
		if (rb_arg_has(c, rb_security_svcs[i]))
			return true;
	for (int k = c->prog + 1; k < c->argc; k++) {
		size_t n = 0;

		for (const char *s = c->argv[k]; *s && n + 1 < sizeof(buf); s++)
			if (*s != '[' && *s != ']')
				buf[n++] = *s;
		buf[n] = '\0';
		for (int i = 0; rb_security_svcs[i]; i++)
			if (strstr(buf, rb_security_svcs[i]))
				return true;
	}
	return false;
}

static const char *const sys_files[] = {
	"^/usr/", "^/bin/", "^/sbin/", "^/etc/", "^/lib", "^/var/", "^/opt/", "^/boot/", NULL,
};

/* find selecting files older than some age (-mtime +N, -mmin +N ...). */
static bool by_age(const struct shlex_cmd *c)
{
	for (int i = c->prog + 1; i + 1 < c->argc; i++)
		if ((!strcmp(c->argv[i], "-mtime") || !strcmp(c->argv[i], "-mmin") ||
		     !strcmp(c->argv[i], "-ctime") || !strcmp(c->argv[i], "-atime")) &&
		    c->argv[i + 1][0] == '+')
			return true;
	return false;
}

static void history_and_logs(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	if (strcmp(p, "history") == 0 && (rb_opt(c, 'c') || rb_opt(c, 'w') || rb_opt(c, 'd')))
		findings_add(&x->f, 0.9, "shell history cleared");
	if ((strcmp(p, "unset") == 0 &&
	     (rb_arg_eq(c, "HISTFILE") || rb_arg_eq(c, "PROMPT_COMMAND"))) ||
	    (strcmp(p, "set") == 0 && rb_arg_eq(c, "+o") && rb_arg_eq(c, "history")))
		findings_add(&x->f, 0.9, "shell history disabled");
	for (int i = 0; i < c->argc; i++) {
		const char *w = c->argv[i];

		if (strcmp(w, "HISTFILE=/dev/null") == 0 || strcmp(w, "HISTSIZE=0") == 0 ||
		    strcmp(w, "HISTFILESIZE=0") == 0 || strcmp(w, "HISTFILE=") == 0 ||
		    strcmp(w, "HISTIGNORE=*") == 0 || strcmp(w, "HISTCONTROL=ignorespace") == 0)
			findings_add(&x->f, 0.9, "shell history disabled (%s)", w);
		if (strncmp(w, "PROMPT_COMMAND=", 15) == 0 &&
		    (strstr(w, "history -d") || strstr(w, "history -c") || strstr(w, "curl") ||
		     strstr(w, "/dev/tcp") || strstr(w, "nc ")))
			findings_add(&x->f, 0.85, "PROMPT_COMMAND hijacked (%s)", w);
		if (strncmp(w, "LD_PRELOAD=", 11) == 0 && jurors_path_is(w + 11, jurors_temp_dirs))
			findings_add(&x->f, 0.9, "library preloaded from a temporary directory");
	}
	if ((strcmp(p, "rm") == 0 || strcmp(p, "shred") == 0 || strcmp(p, "unlink") == 0 ||
	     strcmp(p, "truncate") == 0) &&
	    rb_arg_path(c, jurors_log_paths))
		findings_add(&x->f, 0.93, "%s removes logs or history (%s)", p,
			     rb_arg_path(c, jurors_log_paths));
	/* find -mtime +90 -delete under /var/log/app is retention, not wiping */
	if (strcmp(p, "find") == 0 && c->prog + 1 < c->argc &&
	    jurors_path_is(c->argv[c->prog + 1], jurors_log_paths) && !by_age(c) &&
	    (rb_arg_eq(c, "-delete") || rb_arg_eq(c, "truncate") || rb_arg_eq(c, "rm") ||
	     rb_arg_eq(c, "shred") || (rb_arg_eq(c, "-exec") && (rb_arg_has(c, ">") ||
								 rb_arg_eq(c, "/dev/null")))))
		findings_add(&x->f, 0.92, "find wipes the logs under %s", c->argv[c->prog + 1]);
	if (strcmp(p, "ln") == 0 && rb_arg_eq(c, "/dev/null") && rb_arg_path(c, jurors_log_paths))
		findings_add(&x->f, 0.92, "history or log linked to /dev/null");
	if (strcmp(p, "journalctl") == 0 && (rb_long(c, "--vacuum") || rb_long(c, "--flush") ||
					     rb_long(c, "--rotate")))
		findings_add(&x->f, 0.88, "journal vacuumed or rotated away");
	if (strcmp(p, "touch") == 0 && (rb_opt(c, 'r') || rb_opt(c, 'd') || rb_opt(c, 't')))
		for (int i = c->prog + 1; i < c->argc; i++)
			if (jurors_path_is(c->argv[i], sys_files) ||
			    jurors_path_is(c->argv[i], jurors_temp_dirs)) {
				findings_add(&x->f, 0.8, "timestamps forged on %s", c->argv[i]);
				break;
			}
}

/* Kernel knobs, firewall, ssh and git settings, masquerading: the guard weakened from inside. */
static void tampering(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	if ((strcmp(p, "iptables") == 0 || strcmp(p, "ip6tables") == 0) && rb_arg_eq(c, "nat") &&
	    (rb_arg_eq(c, "DNAT") || rb_arg_eq(c, "REDIRECT")) && rb_arg_eq(c, "PREROUTING"))
		findings_add(&x->f, 0.8, "incoming traffic redirected with iptables NAT");
	if (strcmp(p, "ufw") == 0 && rb_arg_eq(c, "logging") && rb_arg_eq(c, "off"))
		findings_add(&x->f, 0.85, "firewall logging turned off");
	if (strcmp(p, "git") == 0 && rb_arg_eq(c, "config") &&
	    (rb_arg_has(c, "hookspath") || rb_arg_has(c, "sshcommand") ||
	     rb_arg_has(c, "fsmonitor")))
		for (int i = c->prog + 1; i < c->argc; i++)
			if (jurors_path_is(c->argv[i], jurors_temp_dirs) ||
			    strchr(c->argv[i], '|')) {
				findings_add(&x->f, 0.85, "git made to run %s on every operation",
					     c->argv[i]);
				break;
			}
	if ((strcmp(p, "sed") == 0 || strcmp(p, "echo") == 0 || strcmp(p, "tee") == 0) &&
	    (rb_arg_has(c, "PermitRootLogin yes") || rb_arg_has(c, "PermitEmptyPasswords yes") ||
	     rb_arg_has(c, "AuthorizedKeysFile")))
		findings_add(&x->f, 0.9, "sshd opened to root or empty-password logins");
	if (strcmp(p, "ufw") == 0 && rb_arg_eq(c, "disable"))
		findings_add(&x->f, 0.9, "firewall disabled");
	if ((strcmp(p, "iptables") == 0 || strcmp(p, "ip6tables") == 0 || strcmp(p, "nft") == 0) &&
	    (rb_opt(c, 'F') || rb_arg_eq(c, "flush") ||
	     (rb_opt(c, 'P') && rb_arg_eq(c, "ACCEPT")) || rb_opt(c, 'X')))
		findings_add(&x->f, 0.85, "firewall rules flushed");
	else if ((strcmp(p, "iptables") == 0 || strcmp(p, "ip6tables") == 0) &&
		 (rb_opt(c, 'D') || ((rb_opt(c, 'I') || rb_opt(c, 'A')) && rb_arg_eq(c, "OUTPUT"))))
		findings_add(&x->f, 0.75, "firewall rules changed");
	if (strcmp(p, "sysctl") == 0 &&
	    (rb_arg_has(c, "randomize_va_space") || rb_arg_has(c, "ptrace_scope") ||
	     rb_arg_has(c, "modules_disabled") || rb_arg_has(c, "kptr_restrict") ||
	     rb_arg_has(c, "dmesg_restrict")))
		findings_add(&x->f, 0.9, "kernel hardening turned off with sysctl");
	if (strcmp(p, "sed") == 0 && rb_arg_has(c, "SELINUX=disabled"))
		findings_add(&x->f, 0.9, "SELinux disabled in its config");
	if (strcmp(p, "rmmod") == 0 || strcmp(p, "insmod") == 0 ||
	    (strcmp(p, "modprobe") == 0 && rb_opt(c, 'r')))
		findings_add(&x->f, 0.8, "kernel module loaded or removed");
	if (strcmp(p, "bpftool") == 0 && (rb_arg_eq(c, "detach") || rb_arg_eq(c, "unpin")))
		findings_add(&x->f, names_security(c) || rb_arg_has(c, "/sys/fs/bpf") ? 0.9 : 0.6,
			     "BPF programs detached");
	if (strcmp(p, "rm") == 0 && (rb_arg_eq(c, "$0") || rb_arg_eq(c, "${0}")))
		findings_add(&x->f, 0.75, "the running script deletes itself");
	if (rb_in(p, rb_interps) && rb_arg_eq(c, "-m") && rb_arg_eq(c, "pty"))
		findings_add(&x->f, 0.8, "%s -m pty spawns an interactive shell", p);
	if (c->prog > 0 && strcmp(c->argv[0], "unshare") == 0 && rb_arg_has(c, "-r"))
		findings_add(&x->f, 0.75, "unshare maps the user to root in a new namespace");
	if (c->prog > 0 && rb_in(p, rb_shells) && c->prog == c->argc - 1 &&
	    strcmp(c->argv[0], "script") == 0)
		findings_add(&x->f, 0.8, "interactive shell given a pty by script (shell upgrade)");
	if (c->prog > 1 && strcmp(c->argv[0], "exec") == 0 && strcmp(c->argv[1], "-a") == 0)
		findings_add(&x->f, 0.85, "process name disguised (exec -a)");
	if (rb_in(p, rb_interps) && rb_arg_has(c, "prctl") && rb_arg_has(c, "15"))
		findings_add(&x->f, 0.85, "process name disguised (prctl PR_SET_NAME)");
	if (strcmp(p, "mount") == 0 && rb_arg_has(c, "bind") && rb_arg_has(c, "/proc/"))
		findings_add(&x->f, 0.9, "process hidden by a bind mount over /proc");
}

static void security_off(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	bool stop = rb_arg_eq(c, "stop") || rb_arg_eq(c, "disable") || rb_arg_eq(c, "mask") ||
		    rb_arg_eq(c, "kill");

	if ((strcmp(p, "systemctl") == 0 || strcmp(p, "service") == 0 ||
	     strcmp(p, "rc-service") == 0) &&
	    stop && names_security(c))
		findings_add(&x->f, 0.95, "security or logging service stopped");
	if ((strcmp(p, "kill") == 0 || strcmp(p, "pkill") == 0 || strcmp(p, "killall") == 0) &&
	    names_security(c))
		findings_add(&x->f, 0.92, "security or logging process killed");
	if ((strcmp(p, "renice") == 0 || strcmp(p, "cpulimit") == 0) && names_security(c))
		findings_add(&x->f, 0.85, "security or logging process starved of CPU");
	if (strcmp(p, "kubectl") == 0 && rb_arg_eq(c, "delete") && names_security(c))
		findings_add(&x->f, 0.9, "security agent pod deleted");
	if (strcmp(p, "docker") == 0 && (rb_arg_eq(c, "stop") || rb_arg_eq(c, "kill")) &&
	    names_security(c))
		findings_add(&x->f, 0.9, "security container stopped");
	if (strcmp(p, "auditctl") == 0 && (rb_opt(c, 'D') || (rb_opt(c, 'e') && rb_arg_eq(c, "0"))))
		findings_add(&x->f, 0.95, "audit rules removed or auditing disabled");
	if (strcmp(p, "setenforce") == 0 && (rb_arg_eq(c, "0") || rb_arg_eq(c, "Permissive")))
		findings_add(&x->f, 0.95, "SELinux set permissive");
	if (strcmp(p, "aa-teardown") == 0 ||
	    (strcmp(p, "apparmor_parser") == 0 && rb_opt(c, 'R')) || strcmp(p, "aa-disable") == 0 ||
	    strcmp(p, "aa-complain") == 0)
		findings_add(&x->f, 0.9, "AppArmor profiles removed");
	tampering(x, c, p);
}

/* Reading who may do what: accounts, groups, sudo rights, sshd and cron configuration. */
static void account_survey(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	if (rb_arg_has(c, "/etc/passwd") && strcmp(p, "echo") != 0 && strcmp(p, "tee") != 0)
		findings_add(&x->f, 0.62, "%s reads the account list", p);
	if ((rb_arg_has(c, "/etc/group") || rb_arg_has(c, "/etc/sudoers") ||
	     rb_arg_has(c, "/etc/security/")) && strcmp(p, "visudo") != 0 && !rb_opt(c, 'i') &&
	    strcmp(p, "tee") != 0)
		findings_add(&x->f, 0.62, "%s reads access-control configuration", p);
	if ((strcmp(p, "ls") == 0 || strcmp(p, "cat") == 0) && rb_arg_has(c, "/etc/cron"))
		findings_add(&x->f, 0.6, "%s surveys scheduled jobs", p);
	if (rb_sudo_bare(c) && (rb_sudo_opt(c, "-l") || rb_sudo_opt(c, "-ll")))
		findings_add(&x->f, 0.8, "sudo -l lists what root can be reached through");
	if (rb_arg_has(c, "sshd_config") && strcmp(p, "sed") != 0 && strcmp(p, "tee") != 0)
		findings_add(&x->f, 0.62, "%s reads the ssh server configuration", p);
	if (strcmp(p, "find") == 0 && rb_arg_eq(c, "-exec") &&
	    (rb_arg_eq(c, "cp") || rb_arg_eq(c, "tar") || rb_arg_eq(c, "mv")))
		for (int i = c->prog + 1; i < c->argc; i++)
			if (jurors_path_is(c->argv[i], jurors_temp_dirs)) {
				findings_add(&x->f, 0.8, "find copies files into %s", c->argv[i]);
				break;
			}
	if (strcmp(p, "getent") == 0 && (rb_arg_eq(c, "shadow") ||
					 (rb_arg_eq(c, "passwd") && c->argc == c->prog + 2)))
		findings_add(&x->f, 0.7, "account enumeration");
	if ((strcmp(p, "ls") == 0 || strcmp(p, "find") == 0 || strcmp(p, "tree") == 0) &&
	    (rb_arg_has(c, "/root") || rb_arg_has(c, "/home/*")))
		findings_add(&x->f, 0.7, "%s lists other users' or root's files", p);
	if (strcmp(p, "compgen") == 0 && (rb_opt(c, 'u') || rb_opt(c, 'g')))
		findings_add(&x->f, 0.7, "account enumeration with compgen");
	if ((strcmp(p, "grep") == 0 || strcmp(p, "egrep") == 0) && c->pipe_prev >= 0 &&
	    names_security(c))
		findings_add(&x->f, 0.7, "looking for security software");
}

static void scanners(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const tools[] = {
		"nmap", "masscan", "zmap", "nbtscan", "enum4linux", "msfconsole", "msfvenom",
		"meterpreter", "sliver", "hping3", "arpspoof", "ettercap", "bettercap", "nikto",
		"gobuster", "dirb", "sqlmap", "linpeas.sh", "linpeas", "pspy", "pspy64",
		"LinEnum.sh", "les.sh", "linux-exploit-suggester.sh", "unix-privesc-check",
		"rustscan", "naabu", "responder", "crackmapexec", "kerbrute", "wpscan",
		"feroxbuster", "ffuf", "arp-scan", "netdiscover", "fping", "nuclei", "dirsearch",
		"wfuzz", "amass", "subfinder", "zgrab", "zgrab2", "netexec", "nxc", "searchsploit",
		"msfdb", "armitage", "setoolkit", "commix", "weevely", "theHarvester",
		"theharvester", "recon-ng", "dnsrecon", "dnsenum", "fierce", "onesixtyone",
		"patator", "ncrack", "crowbar", "cewl", "crunch", "enum4linux-ng", "smbmap",
		"bloodhound-python", "ldapdomaindump", "certipy", "evil-winrm", "traitor",
		"deepce", "peirates", "linux-smart-enumeration", "lse.sh", "unshadow", "pnscan",
		"havoc", "merlin-agent", "ps-empire", "mythic-cli", NULL,
	};

	bool local = c->argc > 0 && (rb_arg_has(c, "localhost") || rb_arg_has(c, "127.0.0.1")) &&
		     !rb_arg_has(c, "/24") && !rb_arg_has(c, "/16");

	bool info = c->argc == c->prog + 2 && (rb_arg_eq(c, "--version") || rb_arg_eq(c, "-V") ||
						rb_arg_eq(c, "--help") || rb_arg_eq(c, "-h") ||
						rb_arg_eq(c, "-version") || rb_arg_eq(c, "version"));

	if ((rb_in(p, tools) && !local && !info) || rb_arg_has(c, "linpeas") ||
	    rb_arg_has(c, "LinEnum") || rb_arg_has(c, "exploit-suggester"))
		findings_add(&x->f, 0.9, "offensive reconnaissance tool %s", p);
	if (strcmp(p, "smbclient") == 0 && rb_opt(c, 'L'))
		findings_add(&x->f, 0.85, "SMB share enumeration");
	if (strcmp(p, "find") == 0 && (rb_arg_has(c, "-4000") || rb_arg_has(c, "u=s") ||
				       rb_arg_has(c, "-2000") || rb_arg_has(c, "g=s") ||
				       rb_arg_has(c, "-6000")))
		findings_add(&x->f, 0.9, "search for setuid programs");
	if (strcmp(p, "find") == 0 && rb_arg_eq(c, "-writable") && c->prog + 1 < c->argc &&
	    (rb_in(c->argv[c->prog + 1], rb_system_dirs) ||
	     jurors_path_is(c->argv[c->prog + 1], sys_files)) &&
	    c->argv[c->prog + 1][0] == '/')
		findings_add(&x->f, 0.8, "search for writable system paths");
	if (strcmp(p, "find") == 0 && (rb_arg_has(c, "o+w") || rb_arg_eq(c, "-0002") ||
				       rb_arg_eq(c, "-002") || rb_arg_eq(c, "-2")) &&
	    c->prog + 1 < c->argc && c->argv[c->prog + 1][0] == '/')
		findings_add(&x->f, 0.8, "search for world-writable files");
	if (strcmp(p, "xterm") == 0 && rb_arg_eq(c, "-display"))
		findings_add(&x->f, 0.9, "xterm sent to a remote display (reverse shell)");
	if (strcmp(p, "getcap") == 0 && rb_opt(c, 'r'))
		findings_add(&x->f, 0.88, "search for file capabilities");
	if ((strcmp(p, "ping") == 0 || (strcmp(p, "nc") == 0 && rb_opt(c, 'z'))) &&
	    rb_arg_has(c, "$"))
		findings_add(&x->f, 0.8, "network sweep with %s", p);
	if (strcmp(p, "kubectl") == 0 && rb_arg_eq(c, "can-i") && rb_long(c, "--list"))
		findings_add(&x->f, 0.8, "kubectl permission enumeration");
	if (strcmp(p, "aws") == 0 && rb_arg_eq(c, "iam") &&
	    (rb_arg_has(c, "list-") || rb_arg_has(c, "get-account-authorization")))
		findings_add(&x->f, 0.65, "IAM enumeration");
	account_survey(x, c, p);
}

/* Counts distinct reconnaissance commands; a chain of them is a survey. */
static void recon(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const cmds[] = {
		"uname", "id", "whoami", "hostname", "ifconfig", "arp", "netstat", "ss", "route",
		"w", "last", "lastlog", "ps", "env", "lsb_release", "groups", "lscpu", "mount",
		"df", "getent", "iptables", "systemd-detect-virt", "hostnamectl", "dmidecode",
		"virt-what", "lsmod", "who", NULL,
	};

	/* arp .. lastlog, getent, iptables, virtualization: the network, other users, the
	 * sandbox; not oneself */
	static const unsigned strong = (1u << 5) | (1u << 6) | (1u << 8) | (1u << 9) | (1u << 10) |
				       (1u << 11) | (1u << 19) | (1u << 20) | (1u << 4) |
				       (1u << 21) | (1u << 23) | (1u << 24) | (1u << 26);

	for (int i = 0; cmds[i]; i++)
		if (strcmp(p, cmds[i]) == 0 && !(x->recon_seen & (1u << i))) {
			x->recon_seen |= 1u << i;
			x->recon++;
			x->recon_strong += (strong >> i) & 1;
		}
	if ((strcmp(p, "cat") == 0 || strcmp(p, "head") == 0) &&
	    (rb_arg_has(c, "/etc/issue") || rb_arg_has(c, "/proc/version") ||
	     rb_arg_has(c, "/sys/class/dmi") || rb_arg_has(c, "/etc/passwd") ||
	     rb_arg_has(c, "/etc/hosts") || rb_arg_has(c, "/etc/resolv.conf") ||
	     rb_arg_has(c, "/proc/1/cgroup") || rb_arg_has(c, "/etc/crontab") ||
	     rb_arg_has(c, "/etc/group") || rb_arg_has(c, "/etc/sudoers") ||
	     rb_arg_has(c, "/proc/self/mountinfo") || rb_arg_has(c, "/.dockerenv")))
		x->recon++;
	/* the neighbours on the local network: another host's business */
	if (strcmp(p, "ip") == 0 && (rb_arg_eq(c, "neigh") || rb_arg_eq(c, "neighbour")) &&
	    !(x->recon_seen & (1u << 27))) {
		x->recon_seen |= 1u << 27;
		x->recon++;
		x->recon_strong++;
	}
}

/* A miner's pools and options, whoever names the program. */
static const char *const miner_marks[] = {
	"stratum+", "stratum2+", "xmrig", "minexmr", "nanopool", "--donate-level",
	"--cpu-max-threads-hint", "cryptonight", "randomx", "--nicehash", "--max-cpu-usage",
	"--cpu-priority", "--coin=", NULL,
};

static void collection(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const archivers[] = {
		"tar", "zip", "7z", "7za", "rar", "rsync", "cp", NULL,
	};
	static const char *const personal[] = {
		"~/Documents", "~/Desktop", "~/Downloads", "~/Pictures", "~/.mozilla",
		"~/.config/google-chrome", "/home/*", "~/.thunderbird", "~/Mail", NULL,
	};
	static const char *const miners[] = {
		"xmrig", "minerd", "cpuminer", "ccminer", "t-rex", "nbminer", "lolminer",
		"ethminer", NULL,
	};
	const char *w[8];
	int n = rb_writes(x->res, c, w, 8);
	bool miner;

	if (rb_in(p, archivers))
		for (int i = 0; personal[i]; i++)
			if (rb_arg_has(c, personal[i]))
				findings_add(&x->f, 0.85, "%s gathers personal files (%s)", p,
					     personal[i]);
	for (int i = c->prog + 1; (rb_in(p, archivers) || strcmp(p, "mkdir") == 0) && i < c->argc;
	     i++)
		if (jurors_hidden_temp(c->argv[i]))
			findings_add(&x->f, 0.8, "%s stages data in hidden temp path %s", p,
				     c->argv[i]);
	for (int i = 0; i < n; i++)
		if (jurors_hidden_temp(w[i]))
			findings_add(&x->f, 0.75, "%s writes hidden temp file %s", p, w[i]);
	if (strcmp(p, "aws") == 0 && rb_arg_eq(c, "s3") &&
	    (rb_arg_eq(c, "sync") || rb_arg_eq(c, "cp")) && c->argc > 0 &&
	    jurors_path_is(c->argv[c->argc - 1], jurors_temp_dirs) && rb_arg_has(c, "s3://"))
		findings_add(&x->f, 0.75, "cloud storage pulled into a temporary directory");
	if ((strcmp(p, "env") == 0 || strcmp(p, "printenv") == 0 || strcmp(p, "set") == 0) &&
	    c->argc == c->prog + 1)
		for (int i = 0; i < n; i++)
			if (jurors_path_is(w[i], jurors_temp_dirs))
				findings_add(&x->f, 0.75, "the environment is saved to %s", w[i]);
	if (((strcmp(p, "mysqldump") == 0 && rb_long(c, "--all-databases")) ||
	     strcmp(p, "pg_dumpall") == 0) &&
	    (c->pipe_prev >= 0 || n == 0 || jurors_path_is(w[0], jurors_temp_dirs)))
		findings_add(&x->f, 0.75, "%s dumps every database %s", p,
			     n ? "into a temporary directory" : "to another program");
	if (strcmp(p, "logkeys") == 0 || (strcmp(p, "xinput") == 0 && rb_arg_eq(c, "test")) ||
	    strcmp(p, "xspy") == 0 || strcmp(p, "xkeylogger") == 0)
		findings_add(&x->f, 0.9, "keystrokes recorded by %s", p);
	if (strcmp(p, "scrot") == 0 || (strcmp(p, "import") == 0 && rb_arg_eq(c, "root")) ||
	    (strcmp(p, "xwd") == 0 && rb_arg_eq(c, "-root")) ||
	    ((strcmp(p, "xclip") == 0 || strcmp(p, "xsel") == 0) && rb_opt(c, 'o')) ||
	    strcmp(p, "arecord") == 0)
		findings_add(&x->f, 0.8, "screen, clipboard or microphone captured by %s", p);
	miner = rb_in(p, miners);
	for (int i = 0; miner_marks[i] && !miner; i++)
		miner = rb_arg_has(c, miner_marks[i]) != NULL;
	if (miner)
		findings_add(&x->f, 0.9, "cryptocurrency miner");
}

void rb_exec_evasion(struct rb_ctx *x, const struct shlex_cmd *c)
{
	const char *p = shlex_prog(c);

	collection(x, c, p);
	history_and_logs(x, c, p);
	security_off(x, c, p);
	scanners(x, c, p);
	recon(x, c, p);
}

static bool matches_fetched(const struct rb_ctx *x, const char *w)
{
	if (!w || !*shlex_basename(w) || strchr(w, ' '))
		return false;
	for (int i = 0; i < x->nfetched; i++) {
		const char *f = x->fetched[i];

		if (strcmp(w, f) == 0 || strcmp(shlex_basename(w), shlex_basename(f)) == 0)
			return true;
	}
	return false;
}

/* Number of components of an absolute path ("/tmp/x" is 2). */
static int depth(const char *p)
{
	int n = 0;

	for (; *p; p++)
		n += *p == '/' && p[1] && p[1] != '/';
	return n;
}

/* A downloaded file later made executable or run. */
static void fetched_then_run(struct rb_ctx *x)
{
	const struct shlex_result *res = x->res;

	for (int i = 0; x->nfetched && i < res->ncmds; i++) {
		const struct shlex_cmd *c = &res->cmds[i];
		const char *p = shlex_prog(c);

		if (c->argc == 0 || rb_in(p, rb_fetchers))
			continue;
		if (matches_fetched(x, c->argv[c->prog]) && strchr(c->argv[c->prog], '/')) {
			findings_add(&x->f, 0.95, "a downloaded file is executed (%s)",
				     c->argv[c->prog]);
			return;
		}
		for (int k = c->prog + 1; k < c->argc; k++)
			if ((strcmp(p, "chmod") == 0 || rb_in(p, rb_shells) ||
			     rb_in(p, rb_interps)) &&
			    c->argv[k][0] != '-' && matches_fetched(x, c->argv[k])) {
				findings_add(&x->f, 0.93,
					     "a downloaded file is made executable or run by %s",
					     p);
				return;
			}
	}
}

/* NAME(){ NAME|NAME& } : a function that pipes itself into itself in the background. */
static bool fork_bomb(const char *t)
{
	for (const char *p = strstr(t, "()"); p; p = strstr(p + 2, "()")) {
		const char *s = p, *body = p + 2;
		char name[64], pat[140];
		size_t n;

		while (s > t && (s[-1] == ':' || s[-1] == '_' || (s[-1] >= 'a' && s[-1] <= 'z') ||
				 (s[-1] >= 'A' && s[-1] <= 'Z') || (s[-1] >= '0' && s[-1] <= '9')))
			s--;
		n = (size_t)(p - s);
		while (*body == ' ')
			body++;
		if (n == 0 || n >= sizeof(name) || *body != '{')
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)n, s);
		snprintf(pat, sizeof(pat), "%s|%s", name, name);
		const char *hit = strstr(body, pat);

		if (!hit) {
			snprintf(pat, sizeof(pat), "%s | %s", name, name);
			hit = strstr(body, pat);
		}
		if (hit && strchr(hit, '&'))
			return true;
	}
	return false;
}

/* A download from a bare IP address, and something made executable or run in the same script. */
static void ip_dropper(struct rb_ctx *x)
{
	const struct shlex_result *res = x->res;
	bool from_ip = false, run = false, to_temp = false;

	for (int i = 0; i < res->ncmds; i++) {
		const struct shlex_cmd *c = &res->cmds[i];
		const char *p = shlex_prog(c);

		if (rb_in(p, rb_fetchers))
			for (int k = c->prog + 1; k < c->argc; k++) {
				to_temp |= jurors_path_is(c->argv[k], jurors_temp_dirs);
				const char *u = strstr(c->argv[k], "://");

				from_ip |= u && u[3] >= '1' && u[3] <= '9' &&
					   strspn(u + 3, "0123456789.") > 6;
			}
		run |= (strcmp(p, "chmod") == 0 && (rb_arg_has(c, "+x") || rb_arg_has(c, "7"))) ||
		       (c->argc > 0 && strncmp(c->argv[c->prog], "./", 2) == 0);
	}
	if (from_ip && run)
		findings_add(&x->f, 0.88,
			     "a download from a bare IP address is made executable or run");
	else if (from_ip && to_temp)
		findings_add(&x->f, 0.75,
			     "a download from a bare IP address is dropped in a temp directory");
}

/*
 * Decoding or decrypting straight into a shell or interpreter hides what
 * runs, even when the tokenizer could not decode it itself.
 */
static bool decoded_into_shell(const struct shlex_result *res)
{
	for (int i = 0; i < res->ncmds; i++) {
		const struct shlex_cmd *c = &res->cmds[i], *u;
		const char *up;

		if (c->pipe_prev < 0 ||
		    !(rb_in(shlex_prog(c), rb_shells) || rb_in(shlex_prog(c), rb_interps)))
			continue;
		u = &res->cmds[c->pipe_prev];
		up = shlex_prog(u);
		if (((strcmp(up, "base64") == 0 || strcmp(up, "openssl") == 0 ||
		      strcmp(up, "gpg") == 0) &&
		     (rb_opt(u, 'd') || rb_opt(u, 'D') || rb_long(u, "--decode") ||
		      rb_long(u, "--decrypt"))) ||
		    (strcmp(up, "xxd") == 0 && rb_opt(u, 'r')) || strcmp(up, "rev") == 0 ||
		    strcmp(up, "zcat") == 0 || strcmp(up, "gunzip") == 0 ||
		    (strcmp(up, "gzip") == 0 && rb_opt(u, 'd')) || strcmp(up, "tr") == 0)
			return true;
	}
	return false;
}

/* Reconnaissance commands that reached a shell as text (echo '...' | bash -s). */
static bool hidden_recon(const struct shlex_result *res)
{
	for (int i = 0; i < res->ncmds; i++)
		if (res->cmds[i].flags & (SHLEX_F_PIPED | SHLEX_F_DECODED))
			return true;
	return false;
}

/* A file encrypted, then the original removed: ransomware's two steps (T1486). */
static void encrypted_then_deleted(struct rb_ctx *x)
{
	const struct shlex_result *res = x->res;

	for (int i = 0; i < res->ncmds; i++) {
		const struct shlex_cmd *c = &res->cmds[i];
		const char *p = shlex_prog(c);
		bool enc = (!strcmp(p, "gpg") &&
			    (rb_opt(c, 'c') || rb_opt(c, 'e') || rb_long(c, "--symmetric") ||
			     rb_long(c, "--encrypt"))) ||
			   (!strcmp(p, "openssl") && rb_arg_eq(c, "enc")) || !strcmp(p, "ccrypt") ||
			   (!strcmp(p, "age") && !rb_opt(c, 'd')) ||
			   (!strcmp(p, "7z") && rb_arg_has(c, "-p")) ||
			   (!strcmp(p, "zip") && (rb_opt(c, 'e') || rb_opt(c, 'P')));

		for (int k = c->prog + 1; enc && k < c->argc; k++) {
			const char *f = c->argv[k];

			if (f[0] == '-' || !(strchr(f, '/') || f[0] == '$'))
				continue;
			for (int j = i + 1; j < res->ncmds; j++) {
				const struct shlex_cmd *d = &res->cmds[j];
				const char *q = shlex_prog(d);

				if ((!strcmp(q, "rm") || !strcmp(q, "shred") ||
				     !strcmp(q, "unlink")) && rb_arg_eq(d, f)) {
					findings_add(&x->f, 0.9, "%s encrypted, then the original "
								 "removed", f);
					return;
				}
			}
		}
	}
}

/* A shell that reads its script from a hidden file in a temporary directory. */
static bool hidden_script_fed(const struct shlex_result *res, const struct shlex_cmd *c)
{
	const struct shlex_cmd *up = c->pipe_prev >= 0 ? &res->cmds[c->pipe_prev] : NULL;

	if (!rb_in(shlex_prog(c), rb_shells))
		return false;
	if (up && !strcmp(shlex_prog(up), "cat") && up->argc > up->prog + 1 &&
	    jurors_hidden_temp(up->argv[up->argc - 1]))
		return true;
	for (int k = 0; k < c->nredir; k++)
		if (res->redirs[c->redir_first + k].op == SHLEX_R_IN &&
		    jurors_hidden_temp(res->redirs[c->redir_first + k].target))
			return true;
	return false;
}

void rb_exec_script(struct rb_ctx *x)
{
	const struct shlex_result *res = x->res;
	bool fifo = false, net = false, decoded_run = false;

	fetched_then_run(x);
	ip_dropper(x);
	for (int i = 0; i < res->ncmds; i++) {
		const struct shlex_cmd *c = &res->cmds[i];
		const char *p = shlex_prog(c);

		fifo |= strcmp(p, "mkfifo") == 0 || (strcmp(p, "mknod") == 0 && rb_arg_eq(c, "p"));
		net |= strcmp(p, "nc") == 0 || strcmp(p, "ncat") == 0 || strcmp(p, "telnet") == 0 ||
		       strcmp(p, "openssl") == 0 || strcmp(p, "socat") == 0;
		decoded_run |= (c->flags & (SHLEX_F_DECODED | SHLEX_F_PIPED)) ==
				       (SHLEX_F_DECODED | SHLEX_F_PIPED) ||
			       ((c->flags & SHLEX_F_DECODED) && (c->flags & SHLEX_F_SUBST));
		if (c->argc > 0 && (jurors_hidden_temp(c->argv[c->prog]) ||
				    (jurors_path_is(c->argv[c->prog], jurors_temp_dirs) &&
				     depth(c->argv[c->prog]) <= 2)))
			findings_add(&x->f, 0.7, "runs a program from a temporary directory (%s)",
				     c->argv[c->prog]);
		if (hidden_script_fed(res, c))
			findings_add(&x->f, 0.85,
				     "%s runs a hidden script from a temporary directory", p);
		if (c->argc > c->prog + 1 && (rb_in(p, rb_shells) || rb_in(p, rb_interps)) &&
		    jurors_path_is(c->argv[c->prog + 1], jurors_temp_dirs))
			findings_add(&x->f,
				     shlex_basename(c->argv[c->prog + 1])[0] == '.' ? 0.85 : 0.7,
				     "%s runs a script from a temporary directory (%s)", p,
				     c->argv[c->prog + 1]);
		if (strcmp(p, "tee") == 0 && c->pipe_prev >= 0 &&
		    rb_upstream_prog(res, c, rb_fetchers) &&
		    (rb_arg_has(c, "/bin/") || rb_arg_has(c, "/sbin/") || rb_arg_has(c, "/etc/")))
			findings_add(&x->f, 0.9, "a download is installed into %s",
				     c->argv[c->argc - 1]);
	}
	if (fifo && net)
		findings_add(&x->f, 0.97, "named pipe wired to a network client (reverse shell)");
	decoded_run |= decoded_into_shell(res);
	if (decoded_run)
		findings_add(&x->f, 0.9, "an encoded payload is decoded and run by a shell");
	if (fork_bomb(res->text))
		findings_add(&x->f, 0.98, "fork bomb");
	if (x->recon >= 4 || (x->recon >= 3 && x->recon_strong >= 2))
		findings_add(&x->f, 0.75, "a chain of %d reconnaissance commands", x->recon);
	else if (x->recon >= 2 && hidden_recon(res))
		findings_add(&x->f, 0.75, "reconnaissance fed to a shell as text");
	encrypted_then_deleted(x);
	rb_script_sandbox(x);
}
