/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rulebook exec rules about the host's protections taken away and the
 * quiet steps around an intrusion (see rulebook.h): security software
 * uninstalled, kept from starting or looked for (T1562.001, T1518.001),
 * a hypervisor host driven from its shell (ESXi's esxcli and vim-cmd),
 * staging in hidden files and hiding-named directories of temporary
 * places (T1074, T1564.001), attack tools fetched or run by name (T1105),
 * files encrypted in bulk, backups and databases destroyed (T1486,
 * T1490, T1485), base64 text of a script on the command line (T1027),
 * tunnels bound on every interface and logins with borrowed passwords
 * or keys (T1572, T1078), command strings that watch, tmux or screen run
 * later, BPF programs on every packet (T1014), hidden payloads, /etc/hosts
 * and visudo edited to blind or empower, python start-up hooks
 * (T1546), sleep switched off (T1653), and virtual-machine or container
 * checks (T1497, judged over the whole script).
 *
 * Everyday neighbours stay allowed: removing an ordinary package,
 * disabling an ordinary service at boot, a packet capture or archive
 * written to a visible file, go's `./...`, a download of a release, an
 * `ssh -R` tunnel bound to the loopback address, `watch kubectl get
 * pods`, traffic shaping with tc, a .pth file that only adds a path.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "jury/jurors/rulebook/rulebook.h"

/* Endpoint security products by vendor: their names rarely mean anything else. */
static const char *const edr_vendors[] = {
	"crowdstrike", "falcon", "sentinelone", "sentinelctl", "carbonblack", "cbagent",
	"cbsensor", "sophos", "cylance", "elastic-agent", "wazuh", "ossec", "osquery",
	"tetragon", "tracee", "sysdig", "falco", "auditbeat", "mdatp", "qualys", "rapid7",
	"tanium", "trendmicro", "ds_agent", "kaspersky", "kesl", "cbdaemon", "aliyun", "aegis",
	"qcloud", "yunjing", "bcm-agent", "hostguard", "cloudsink", NULL,
};
/* The host's own guards: audit, mandatory access control, firewall, logging. */
static const char *const host_guards[] = {
	"clamav", "aide", "audit", "apparmor", "selinux", "fail2ban", "firewalld", "ufw",
	"iptables", "nftables", "rsyslog", "syslog-ng", "journald", "sevorix", "snort",
	"suricata", NULL,
};

static const char *named_in(const struct shlex_cmd *c, int from, const char *const *names)
{
	for (int i = from; i < c->argc; i++)
		for (int k = 0; names[k]; k++)
			if (strcasestr(c->argv[i], names[k]))
				return names[k];
	return NULL;
}

static const char *names_product(const struct shlex_cmd *c, int from)
{
	const char *v = named_in(c, from, edr_vendors);

	return v ? v : named_in(c, from, host_guards);
}

/* Package managers' and init systems' words that take a program away. */
static bool removes(const struct shlex_cmd *c, const char *p)
{
	static const char *const managers[] = {
		"apt", "apt-get", "aptitude", "yum", "dnf", "zypper", "apk", "snap", "pacman",
		"rpm", "dpkg", "microdnf", NULL,
	};

	if (!rb_in(p, managers))
		return false;
	return rb_arg_eq(c, "remove") || rb_arg_eq(c, "purge") || rb_arg_eq(c, "erase") ||
	       rb_arg_eq(c, "rm") || rb_arg_eq(c, "uninstall") ||
	       rb_arg_eq(c, "autoremove") || rb_arg_eq(c, "del") || rb_long(c, "--purge") ||
	       rb_long(c, "--remove") || rb_long(c, "--erase") ||
	       ((!strcmp(p, "rpm") || !strcmp(p, "dpkg")) && (rb_opt(c, 'e') || rb_opt(c, 'r') ||
							      rb_opt(c, 'P'))) ||
	       (!strcmp(p, "pacman") && rb_opt(c, 'R'));
}

/* Security software uninstalled, switched off at boot, or told to stop by its own tool. */
static void security_removed(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	const char *name;

	if (removes(c, p) && (name = names_product(c, c->prog + 1)))
		findings_add(&x->f, 0.92, "%s uninstalls security software (%s)", p, name);
	if (((!strcmp(p, "chkconfig") && rb_arg_eq(c, "off")) ||
	     (!strcmp(p, "update-rc.d") && (rb_arg_eq(c, "remove") || rb_arg_eq(c, "disable"))) ||
	     (!strcmp(p, "rc-update") && (rb_arg_eq(c, "del") || rb_arg_eq(c, "delete")))) &&
	    (name = names_product(c, c->prog + 1)))
		findings_add(&x->f, 0.9, "%s keeps %s from starting at boot", p, name);
	/* falconctl -d, sentinelctl unload: the product's own control tool */
	name = NULL;
	for (int k = 0; edr_vendors[k] && !name; k++)
		if (strcasestr(p, edr_vendors[k]))
			name = edr_vendors[k];
	if (name &&
	    (rb_arg_eq(c, "-d") || rb_arg_eq(c, "stop") || rb_arg_eq(c, "unload") ||
	     rb_arg_eq(c, "disable") || rb_arg_eq(c, "uninstall") || rb_long(c, "--disable") ||
	     rb_long(c, "--uninstall") || rb_long(c, "--stop")))
		findings_add(&x->f, 0.9, "%s switched off through its own tool", name);
	if ((!strcmp(p, "ls") || !strcmp(p, "find") || !strcmp(p, "stat") || !strcmp(p, "test") ||
	     !strcmp(p, "[")) &&
	    (name = named_in(c, c->prog + 1, edr_vendors)) && rb_arg_has(c, "/opt/"))
		findings_add(&x->f, 0.8, "looking for installed security software (%s)", name);
	/* the product's files deleted (not a downloaded installer), or its uninstaller run */
	if ((!strcmp(p, "rm") || !strcmp(p, "shred")) &&
	    (name = named_in(c, c->prog + 1, edr_vendors)) && !rb_arg_has(c, ".tar") &&
	    !rb_arg_has(c, ".deb") && !rb_arg_has(c, ".rpm") && !rb_arg_has(c, ".zip") &&
	    !rb_arg_has(c, ".gz"))
		findings_add(&x->f, 0.9, "%s deletes security software (%s)", p, name);
	if (c->argc > c->prog && strcasestr(p, "uninstall") &&
	    (name = named_in(c, c->prog, edr_vendors)))
		findings_add(&x->f, 0.9, "security software uninstalled (%s)", name);
	if (!strcmp(p, "systemctl") && rb_arg_eq(c, "mask") &&
	    (rb_arg_has(c, "sleep.target") || rb_arg_has(c, "suspend.target") ||
	     rb_arg_has(c, "hibernate.target")))
		findings_add(&x->f, 0.75, "sleep and hibernation switched off (systemctl mask)");
	if (!strcmp(p, "groupdel") &&
	    (rb_arg_eq(c, "sudo") || rb_arg_eq(c, "wheel") || rb_arg_eq(c, "adm") ||
	     rb_arg_eq(c, "root") || rb_arg_eq(c, "admin")))
		findings_add(&x->f, 0.9, "groupdel removes an administrators' group");
}

/* ESXi's shell: an agent has no business administering the hypervisor it may run on. */
static void hypervisor(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	if (c->argc == c->prog + 2 && (rb_arg_eq(c, "--help") || rb_arg_eq(c, "--version")))
		return;
	if (!strcmp(p, "vim-cmd"))
		findings_add(&x->f, 0.8, "vim-cmd drives the ESXi host's virtual machines");
	if (strcmp(p, "esxcli"))
		return;
	if ((rb_arg_eq(c, "account") || rb_arg_eq(c, "permission")) &&
	    (rb_arg_eq(c, "add") || rb_arg_eq(c, "set")))
		findings_add(&x->f, 0.93, "esxcli creates or empowers a host account");
	else if (rb_arg_eq(c, "kill") || (rb_arg_eq(c, "firewall") && rb_arg_eq(c, "set")) ||
		 (rb_arg_eq(c, "syslog") && rb_arg_eq(c, "set")))
		findings_add(&x->f, 0.92, "esxcli stops machines or weakens the host's defences");
	else
		findings_add(&x->f, 0.75, "esxcli surveys the ESXi host");
}

/* A hidden temporary file a capture (-w FILE) or an archiver names as its output. */
static const char *out_arg(const struct shlex_cmd *c, const char *p)
{
	static const char *const capturers[] = { "tcpdump", "tshark", "dumpcap", NULL };
	static const char *const archivers[] = { "tar", "zip", "7z", "7za", "split", "rar", NULL };

	for (int i = c->prog + 1; rb_in(p, capturers) && i + 1 < c->argc; i++)
		if (!strcmp(c->argv[i], "-w") && jurors_hidden_temp(c->argv[i + 1]))
			return c->argv[i + 1];
	for (int i = c->prog + 1; rb_in(p, archivers) && i < c->argc; i++)
		if (jurors_hidden_temp(c->argv[i]))
			return c->argv[i];
	return NULL;
}

/* Data gathered into a hidden file of a temporary directory: staged for taking away. */
static void staging(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const placers[] = { "mkdir", "cp", "mv", "install", "tar", "rsync",
					       "touch", "ln", "wget", "curl", NULL };
	const char *w[8], *o;
	int n = rb_writes(x->res, c, w, 8);

	if (rb_in(p, rb_shells) || rb_in(p, rb_interps))
		return; /* running from there is judged in recon.c */
	/* go's ./... and bazel's //... are package patterns, not places */
	for (int i = c->prog + 1; rb_in(p, placers) && i < c->argc; i++)
		if (c->argv[i][0] == '/' && c->argv[i][1] != '/' &&
		    (strstr(c->argv[i], "/...") || strstr(c->argv[i], "/. /") ||
		     strstr(c->argv[i], "/.. /"))) {
			findings_add(&x->f, 0.8, "%s uses a directory named to hide (%s)", p,
				     c->argv[i]);
			return;
		}
	if ((o = out_arg(c, p))) {
		findings_add(&x->f, 0.8, "%s gathers data into hidden %s", p, o);
		return;
	}
	for (int i = 0; i < n; i++)
		if (jurors_hidden_temp(w[i]) && c->pipe_prev < 0 && strcmp(p, "echo") &&
		    strcmp(p, "printf") && strcmp(p, "touch") && strcmp(p, "mkdir")) {
			findings_add(&x->f, 0.72, "%s writes hidden %s", p, w[i]);
			return;
		}
}

/* Post-exploitation and tunnelling tools, recognised in what a download names. */
static const char *const tool_names[] = {
	"linpeas", "linenum", "pspy", "exploit-suggester", "les.sh", "lse.sh", "chisel",
	"ligolo", "sliver", "mimipenguin", "lazagne", "pwncat", "dnscat", "traitor", "deepce",
	"peirates", "xmrig", "diamorphine", "reptile", "bpfdoor", "revshell", "reverse-shell",
	"reverse_shell", "rootkit", "privesc", "kerbrute", "impacket", "static-binaries",
	"socat-static", "nmap-static", "ncat-static", "frp_", "gost_", NULL,
};

/* Scripts of attack frameworks, run by name with an interpreter or a shell. */
static void attack_scripts(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const impacket[] = {
		"secretsdump", "psexec.py", "wmiexec", "smbexec", "atexec", "dcomexec",
		"getuserspns", "getnpusers", "ntlmrelayx", "lookupsid", "ticketer", "gettgt",
		NULL,
	};
	const char *s;

	if (!(rb_in(p, rb_interps) || rb_in(p, rb_shells)) || c->argc <= c->prog + 1)
		return;
	s = shlex_basename(c->argv[c->prog + 1]);
	for (int k = 0; impacket[k]; k++)
		if (strcasestr(s, impacket[k]))
			findings_add(&x->f, 0.9, "%s runs an attack framework's script (%s)", p, s);
	for (int k = 0; tool_names[k]; k++)
		if (strcasestr(s, tool_names[k]))
			findings_add(&x->f, 0.88, "%s runs attack tooling (%s)", p, s);
}

static void tools_fetched(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	bool fetch = rb_in(p, rb_fetchers) || !strcmp(p, "scp") || !strcmp(p, "rsync") ||
		     (!strcmp(p, "git") && rb_arg_eq(c, "clone"));

	if (!fetch)
		return;
	for (int k = 0; tool_names[k]; k++)
		for (int i = c->prog + 1; i < c->argc; i++)
			if (strcasestr(c->argv[i], tool_names[k]) &&
			    (strstr(c->argv[i], "://") || strchr(c->argv[i], '/'))) {
				findings_add(&x->f, 0.88, "%s fetches attack tooling (%s)", p,
					     tool_names[k]);
				return;
			}
}

/* find -exec over many files with an encryptor: ransomware's loop (T1486). */
static void bulk_encrypt(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	bool enc = false;

	if (strcmp(p, "find") || !(rb_arg_eq(c, "-exec") || rb_arg_eq(c, "-execdir")) ||
	    c->prog + 1 >= c->argc)
		return;
	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i];

		enc |= (!strcmp(w, "gpg") && (rb_opt(c, 'c') || rb_opt(c, 'e') ||
					     rb_long(c, "--symmetric") || rb_long(c, "--encrypt"))) ||
		       (!strcmp(w, "openssl") && rb_arg_eq(c, "enc")) || !strcmp(w, "ccrypt") ||
		       !strcmp(w, "ccencrypt") || !strcmp(w, "age");
	}
	if (enc && (rb_in(c->argv[c->prog + 1], rb_system_dirs) ||
		    !strncmp(c->argv[c->prog + 1], "/home", 5) ||
		    !strncmp(c->argv[c->prog + 1], "/srv", 4) ||
		    !strncmp(c->argv[c->prog + 1], "/var", 4)))
		findings_add(&x->f, 0.9, "find encrypts every file under %s", c->argv[c->prog + 1]);
}

static const char *const backup_places[] = {
	"^/var/backups", "^/backup", "^/backups", "^/mnt/backup", "^/srv/backup", "/.snapshots",
	"^/var/lib/snapshots", "^/timeshift", "^/var/lib/timeshift", NULL,
};

/* Backups and snapshots removed: recovery inhibited (T1490). */
static void backups_removed(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	const char *b;

	if ((!strcmp(p, "rm") || !strcmp(p, "shred") || !strcmp(p, "find")) &&
	    (b = rb_arg_path(c, backup_places)) &&
	    (strcmp(p, "find") || rb_arg_eq(c, "-delete") || rb_arg_eq(c, "rm")))
		findings_add(&x->f, 0.88, "%s removes backups (%s)", p, b);
	if ((!strcmp(p, "btrfs") && rb_arg_eq(c, "subvolume") && rb_arg_eq(c, "delete")) ||
	    (!strcmp(p, "zfs") && rb_arg_eq(c, "destroy")) ||
	    (!strcmp(p, "snapper") && rb_arg_eq(c, "delete")) ||
	    (!strcmp(p, "timeshift") && rb_long(c, "--delete")))
		findings_add(&x->f, 0.85, "%s deletes snapshots", p);
}

/* Base64 of "#!/", "/bin/" or "bash -" written out: a script smuggled as text. */
static void encoded_scripts(struct rb_ctx *x, const struct shlex_cmd *c)
{
	static const char *const marks[] = { "IyEv", "L2Jpbi9", "L3Vzci9iaW4v", "YmFzaCAt", NULL };
	const char *m = rb_mentions(x->res, c, marks);

	if (m)
		findings_add(&x->f, 0.85, "base64 text of a script or shell (%s)", m);
}

/* Logging in with a password written on the command line, or a key left in /tmp. */
static void borrowed_logins(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	const char *pw = NULL;

	for (int i = c->prog + 1; i + 1 < c->argc && !pw; i++)
		if (!strcmp(c->argv[i], "-p"))
			pw = c->argv[i + 1];
	if (!strcmp(p, "sshpass") && pw && !strchr(pw, '$') && rb_arg_has(c, "root@"))
		findings_add(&x->f, 0.8, "sshpass logs in as root with a password on the line");
	for (int i = c->prog + 1; i + 1 < c->argc; i++)
		if ((!strcmp(p, "ssh") || !strcmp(p, "scp")) && !strcmp(c->argv[i], "-i") &&
		    jurors_path_is(c->argv[i + 1], jurors_temp_dirs)) {
			findings_add(&x->f, 0.8, "%s logs in with a key from %s", p, c->argv[i + 1]);
			return;
		}
}

/* ssh -R bound on every interface: the agent's host reachable from the world. */
static void open_tunnels(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	if (strcmp(p, "ssh"))
		return;
	for (int i = c->prog + 1; i + 1 < c->argc; i++)
		if (!strcmp(c->argv[i], "-R") &&
		    (!strncmp(c->argv[i + 1], "0.0.0.0:", 8) || !strncmp(c->argv[i + 1], "*:", 2) ||
		     !strncmp(c->argv[i + 1], "[::]:", 5))) {
			findings_add(&x->f, 0.85, "ssh -R opens %s on every interface of the far end",
				     c->argv[i + 1]);
			return;
		}
}

/* Does the program word or an argument contain one of marks? */
static bool text_has(const struct shlex_cmd *c, const char *const *marks)
{
	for (int i = c->prog; i < c->argc; i++)
		for (int k = 0; marks[k]; k++)
			if (strstr(c->argv[i], marks[k]))
				return true;
	return false;
}

/* Programs that run a command string later or elsewhere: watch, tmux and screen here,
 * kubectl and docker exec in a container, ansible, salt and pssh on many hosts. */
static void deferred_strings(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const runners[] = {
		"watch", "tmux", "screen", "byobu", "kubectl", "docker", "podman", "nerdctl",
		"crictl", "lxc", "ansible", "ansible-playbook", "salt", "salt-ssh", "pssh",
		"parallel-ssh", "pdsh", "clush", "knife", NULL,
	};
	static const char *const socket_shell[] = { "/dev/tcp/", "/dev/udp/", "-e /bin/",
						    "--exec /bin/", "-e sh", "-e bash", "exec:bash",
						    "exec:sh", "exec:/bin/", NULL };
	static const char *const into_shell[] = { "| sh", "|sh", "| bash", "|bash", NULL };
	static const char *const fetch[] = { "curl ", "wget ", NULL };
	bool runner = rb_in(p, runners);

	for (int i = 0; i < c->prog && !runner; i++)
		runner = rb_in(shlex_basename(c->argv[i]), runners);
	if (!runner)
		return;
	/* watch takes the command as one word: the "program" is then the whole string */
	if (rb_mentions(x->res, c, socket_shell) || text_has(c, socket_shell) ||
	    ((rb_mentions(x->res, c, into_shell) || text_has(c, into_shell)) &&
	     (rb_mentions(x->res, c, fetch) || text_has(c, fetch))))
		findings_add(&x->f, 0.9, "%s is given a command that runs a download or a "
			     "shell on the network", p);
}

/* Kernel programs attached to traffic with tc, or loaded from a temporary place. */
static void kernel_programs(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	/* a classifier under a qdisc is traffic shaping; a direct-action program on the
	 * clsact hook sees and rewrites every packet in or out */
	if (!strcmp(p, "tc") && rb_arg_eq(c, "filter") && rb_arg_eq(c, "bpf") &&
	    (rb_arg_eq(c, "ingress") || rb_arg_eq(c, "egress")) &&
	    ((rb_arg_eq(c, "da") || rb_arg_eq(c, "direct-action")) ||
	     rb_arg_path(c, jurors_temp_dirs)))
		findings_add(&x->f, 0.85, "tc attaches a BPF program to every packet in or out");
	else if (!strcmp(p, "tc") && rb_arg_eq(c, "qdisc") && rb_arg_eq(c, "clsact"))
		findings_add(&x->f, 0.7, "tc prepares a hook for BPF traffic filters (clsact)");
	if (!strcmp(p, "bpftool") && rb_arg_eq(c, "load") && rb_arg_path(c, jurors_temp_dirs))
		findings_add(&x->f, 0.85, "bpftool loads a program from %s",
			     rb_arg_path(c, jurors_temp_dirs));
}

static const char *const db_dirs[] = {
	"^/var/lib/mysql", "^/var/lib/postgresql", "^/var/lib/pgsql", "^/var/lib/mongodb",
	"^/var/lib/redis", "^/var/lib/mariadb", NULL,
};

/* Database files overwritten in place, or a database dropped from a shell client. */
static void databases(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	const char *w[8];
	int n = rb_writes(x->res, c, w, 8);

	for (int i = 0; i < n; i++)
		if (jurors_path_is(w[i], db_dirs)) {
			findings_add(&x->f, 0.88, "%s overwrites database files (%s)", p, w[i]);
			return;
		}
	if (!strcmp(p, "truncate") && rb_arg_path(c, db_dirs))
		findings_add(&x->f, 0.88, "truncate empties database files");
	if ((!strcmp(p, "mongo") || !strcmp(p, "mongosh")) &&
	    (rb_arg_has(c, "dropDatabase") || rb_arg_has(c, ".drop()")))
		findings_add(&x->f, 0.85, "%s drops a database", p);
}

static const char *const system_programs[] = {
	"^/bin/", "^/sbin/", "^/usr/bin/", "^/usr/sbin/", "^/usr/lib/systemd/systemd", NULL,
};

/* Immutability set on a file outside the project (an implant or a planted key made
 * undeletable), or lifted from hidden, temporary or system-program files (an implant's
 * own protection removed to replace or clean it). A file of the project is the user's. */
static void attributes(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	const char *s, *last = c->argv[c->argc - 1];

	if (strcmp(p, "chattr") || c->argc <= c->prog + 1)
		return;
	if (rb_arg_has(c, "+i") && (last[0] == '/' || last[0] == '~' || last[0] == '$'))
		findings_add(&x->f, 0.8, "file made immutable");
	if (!(rb_arg_has(c, "-i") || rb_arg_has(c, "-a")))
		return;
	if ((s = rb_arg_path(c, system_programs)) || (s = rb_arg_path(c, jurors_temp_dirs)))
		findings_add(&x->f, 0.85, "chattr lifts the protection of %s", s);
}

/* echo CMD | sh: commands handed to a shell as text, out of sight of argv. */
static void fed_text(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	const char *up;

	if (c->pipe_prev < 0 || !rb_in(p, rb_shells) || c->argc > c->prog + 1)
		return;
	up = shlex_prog(&x->res->cmds[c->pipe_prev]);
	if (!strcmp(up, "echo") || !strcmp(up, "printf"))
		findings_add(&x->f, 0.7, "%s is fed commands as text by %s", p, up);
}

/* Programs marked executable in shared memory or hidden temporary places, or run from
 * hidden names in the working directory (miners by their options: recon.c). */
static void payloads(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	const char *w = c->argc > c->prog ? c->argv[c->prog] : "";
	const char *m = c->argc > c->prog + 1 ? c->argv[c->prog + 1] : "";
	/* +x, or an octal mode with an execute bit (an odd digit) */
	bool exec = strstr(m, "+x") || (m[0] >= '0' && m[0] <= '7' &&
					strspn(m, "01234567") == strlen(m) && strpbrk(m, "1357"));

	if (!strcmp(p, "chmod") && exec)
		for (int i = c->prog + 2; i < c->argc; i++)
			if (!strncmp(c->argv[i], "/dev/shm/", 9) || jurors_hidden_temp(c->argv[i])) {
				findings_add(&x->f, 0.75, "chmod makes %s executable", c->argv[i]);
				break;
			}
	if (!strncmp(w, "./.", 3) && w[3] && w[3] != '.' && !strchr(w + 3, '/'))
		findings_add(&x->f, 0.7, "runs a hidden program (%s)", w);
}

/* /etc/hosts pointing a security vendor's name elsewhere; visudo or vipw fed by a script. */
static void quiet_edits(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const editors[] = { "vi", "vim", "nvim", "nano", "pico", "emacs",
					       "ed", "micro", "joe", NULL };
	static const char *const locked[] = { "^/etc/sudoers", "^/etc/shadow", "^/etc/gshadow",
					      NULL };
	const char *w[8], *t, *s;
	int n = rb_writes(x->res, c, w, 8);

	for (int i = 0; i < n; i++)
		if (!strcmp(w[i], "/etc/hosts") && (t = rb_written_text(x->res, c)))
			for (int k = 0; edr_vendors[k]; k++)
				if (strcasestr(t, edr_vendors[k]))
					findings_add(&x->f, 0.88,
						     "/etc/hosts redirects a security vendor (%s)",
						     edr_vendors[k]);
	/* visudo and vipw lock the file and check it; an editor does neither */
	if (rb_in(p, editors) && (s = rb_arg_path(c, locked)))
		findings_add(&x->f, 0.85, "%s edits %s directly", p, s);
	if (strcmp(p, "visudo") && strcmp(p, "vipw") && strcmp(p, "vigr"))
		return;
	for (int i = 0; i < c->prog; i++)
		if ((!strncmp(c->argv[i], "EDITOR=", 7) || !strncmp(c->argv[i], "VISUAL=", 7)) &&
		    (strstr(c->argv[i], "tee") || strstr(c->argv[i], "sed") ||
		     strstr(c->argv[i], "cp ") || strstr(c->argv[i], "cat"))) {
			findings_add(&x->f, 0.9, "%s edited by a script (%s)", p, c->argv[i]);
			return;
		}
}

/* Start-up files of python (.pth wherever it is written), editors, multiplexers and
 * debuggers given a command to run: it runs whenever the program starts. */
static void startup_hooks(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const configs[] = {
		"=.vimrc", "=.exrc", "=.gvimrc", "nvim/init.vim", "nvim/init.lua", "=.tmux.conf",
		"=.screenrc", "=.gdbinit", "=.lldbinit", "=.inputrc", "=.wgetrc", "=.curlrc",
		NULL,
	};
	/* plugin managers and formatters run commands from these files by design: what is
	 * judged is a command that fetches, sends or runs something from a hiding place */
	static const char *const payload[] = { "/tmp/", "/dev/shm", "curl", "wget", "nc ",
					       "/dev/tcp", "base64", "http://", "https://",
					       "/var/tmp", NULL };
	const char *w[8], *t = rb_written_text(x->res, c);
	int n = rb_writes(x->res, c, w, 8);

	for (int i = 0; i < n && t; i++) {
		size_t l = strlen(w[i]);

		if (l > 4 && !strcmp(w[i] + l - 4, ".pth") && strstr(t, "import") &&
		    (strstr(t, "system") || strstr(t, "exec") || strstr(t, "subprocess") ||
		     strstr(t, "socket") || strstr(t, "/tmp/"))) {
			findings_add(&x->f, 0.88, "%s plants code in python's start-up (%s)", p, w[i]);
			return;
		}
		for (int k = 0; payload[k] && jurors_path_is(w[i], configs); k++)
			if (strstr(t, payload[k])) {
				findings_add(&x->f, 0.85, "%s makes %s run a command at start-up", p,
					     w[i]);
				return;
			}
	}
	if ((!strcmp(p, "mkfifo") || (!strcmp(p, "mknod") && rb_arg_eq(c, "p"))) &&
	    (rb_arg_path(c, (const char *const[]){ "^/dev/shm/", NULL }) ||
	     (c->argc > c->prog + 1 && jurors_hidden_temp(c->argv[c->argc - 1]))))
		findings_add(&x->f, 0.75, "a named pipe hidden in a temporary directory");
}

/* The host made unusable: its programs broken, its kernel overwritten in place, every
 * login refused, rescue mode; remote desktops opened with a password on the line. */
static void host_impact(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	const char *w[8], *s, *t;
	int n = rb_writes(x->res, c, w, 8);

	for (int i = 0; i < n; i++) {
		/* installing a kernel copies into /boot; overwriting one in place does not */
		if (!strncmp(w[i], "/boot/", 6) && strcmp(p, "cp") && strcmp(p, "install") &&
		    strcmp(p, "mv") && strcmp(p, "ln"))
			findings_add(&x->f, 0.88, "%s overwrites the boot files (%s)", p, w[i]);
		if (!strcmp(w[i], "/etc/hosts.deny") && (t = rb_written_text(x->res, c)) &&
		    strstr(t, "ALL") && strchr(t, ':'))
			findings_add(&x->f, 0.85, "/etc/hosts.deny refuses every connection");
	}
	if (!strcmp(p, "chmod") && (s = rb_arg_path(c, system_programs)) &&
	    (rb_arg_has(c, "-x") || rb_arg_eq(c, "000") || rb_arg_eq(c, "0000")))
		findings_add(&x->f, 0.88, "chmod breaks system program %s", s);
	if (!strcmp(p, "systemctl") && rb_arg_eq(c, "isolate") &&
	    (rb_arg_has(c, "rescue") || rb_arg_has(c, "emergency")))
		findings_add(&x->f, 0.85, "systemctl isolates the host in rescue mode");
	if ((!strcmp(p, "xfreerdp") || !strcmp(p, "rdesktop") || !strcmp(p, "xfreerdp3")) &&
	    (rb_arg_has(c, "/p:") || rb_arg_eq(c, "-p")))
		findings_add(&x->f, 0.8, "%s logs in to a remote desktop with a password", p);
}

void rb_exec_tamper(struct rb_ctx *x, const struct shlex_cmd *c)
{
	const char *p = shlex_prog(c);

	security_removed(x, c, p);
	hypervisor(x, c, p);
	staging(x, c, p);
	tools_fetched(x, c, p);
	attack_scripts(x, c, p);
	bulk_encrypt(x, c, p);
	backups_removed(x, c, p);
	encoded_scripts(x, c);
	open_tunnels(x, c, p);
	borrowed_logins(x, c, p);
	deferred_strings(x, c, p);
	kernel_programs(x, c, p);
	databases(x, c, p);
	payloads(x, c, p);
	quiet_edits(x, c, p);
	startup_hooks(x, c, p);
	host_impact(x, c, p);
	attributes(x, c, p);
	fed_text(x, c, p);
}

/* Signs a program looks for to learn whether it runs in a virtual machine or
 * container, as bits: a marker file, a probing program, a grep for a hypervisor's name. */
static unsigned sandbox_signs(const struct shlex_result *res, const struct shlex_cmd *c,
			      const char *p)
{
	static const char *const files[] = {
		"/proc/1/cgroup", "/.dockerenv", "/proc/self/mountinfo", "/proc/1/sched",
		"/proc/self/cgroup",
		"/sys/class/dmi/id", "/proc/scsi/scsi", "/sys/hypervisor", "/run/.containerenv",
		NULL,
	};
	static const char *const names[] = {
		"vbox", "virtualbox", "vmware", "vmw", "qemu", "kvm", "xen", "hyper-v", "docker",
		"kubepods", "lxc", "containerd", NULL,
	};
	static const char *const probes[] = { "dmidecode", "lsmod", "lspci", "systemd-detect-virt",
					       "virt-what", "imvirt", NULL };
	unsigned bits = 0;

	for (int k = 0; files[k]; k++)
		if (rb_arg_has(c, files[k]))
			bits |= 1u << k;
	for (int k = 0; probes[k]; k++)
		if (!strcmp(p, probes[k]))
			bits |= 1u << (10 + k);
	if ((!strcmp(p, "grep") || !strcmp(p, "egrep")) &&
	    (bits || (c->pipe_prev >= 0 && (rb_upstream_prog(res, c, probes) ||
					     rb_upstream_reads(res, &res->cmds[c->pipe_prev],
							       files)))))
		for (int k = 0; names[k]; k++)
			if (rb_arg_has(c, names[k]))
				bits |= 1u << 20;
	return bits;
}

/* Two signs of a virtual machine or container looked for: sandbox evasion (T1497). */
void rb_script_sandbox(struct rb_ctx *x)
{
	unsigned seen = 0;

	for (int i = 0; i < x->res->ncmds; i++)
		seen |= sandbox_signs(x->res, &x->res->cmds[i], shlex_prog(&x->res->cmds[i]));
	if (__builtin_popcount(seen) >= 2)
		findings_add(&x->f, 0.75, "checks whether it runs in a virtual machine or container");
}
