/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rulebook exec rules about the system (see rulebook.h): persistence,
 * privilege escalation and destruction. Defence evasion, discovery and
 * the rules that need the whole script are in recon.c.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "jury/jurors/rulebook/rulebook.h"

static bool under_workspace(const struct rb_ctx *x, const char *path)
{
	const char *ws = x->r ? x->r->workspace : NULL;
	size_t n;

	if (!ws || !*ws || path[0] != '/')
		return false;
	n = strlen(ws);
	while (n > 1 && ws[n - 1] == '/')
		n--;
	return strncmp(path, ws, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/*
 * Is text appended to a shell rc file plain configuration (an export, an
 * alias, sourcing a tool's env, a tool's `eval "$(x init -)"`), as install
 * guides tell developers to add? Anything that runs, fetches, hides or
 * reaches the network is not.
 */
static bool plain_rc_config(const char *t)
{
	static const char *const starts[] = {
		"export ", "alias ", "source ", ". ", "eval \"$(", "PATH=", "umask ", "set -o ",
		"[ -f ", "[[ -s ", NULL,
	};
	static const char *const bad[] = {
		"/tmp", "/dev/shm", "/dev/tcp", "/dev/udp", "curl", "wget", "nc ", "ncat",
		"base64", "LD_PRELOAD", "nohup", "alias sudo", "alias su", "bash -i", "sh -i",
		"http", "python", "perl", "&", "`", "socat", "crontab", "+s", "/var/", "ssh",
		NULL,
	};
	char line[512];

	if (!t || !*t)
		return false;
	for (int i = 0; bad[i]; i++)
		if (strstr(t, bad[i]))
			return false;
	while (*t) {
		size_t n = strcspn(t, "\n;"), k = 0;
		bool ok = false;

		while (k < n && (t[k] == ' ' || t[k] == '\t'))
			k++;
		snprintf(line, sizeof(line), "%.*s", (int)(n - k), t + k);
		for (int i = 0; starts[i]; i++)
			ok |= strncmp(line, starts[i], strlen(starts[i])) == 0;
		if (line[0] && !ok)
			return false;
		if (strncmp(line, "eval", 4) == 0 && !strstr(line, " init") &&
		    !strstr(line, " env") && !strstr(line, " hook"))
			return false;
		t += n + (t[n] != '\0');
	}
	return true;
}

/* A line that would download and run code, or open a shell to the network. */
static bool runs_download(const char *t)
{
	static const char *const fetch[] = { "curl ", "wget ", "fetch ", NULL };
	static const char *const run[] = { "| sh", "|sh", "| bash", "|bash", "| sudo sh",
					   "| sudo bash", "| python", NULL };

	if (!t)
		return false;
	if (strstr(t, "/dev/tcp/") || strstr(t, "/dev/udp/"))
		return true;
	for (int i = 0; fetch[i]; i++)
		for (int k = 0; strstr(t, fetch[i]) && run[k]; k++)
			if (strstr(t, run[k]))
				return true;
	return false;
}

/* sed -i on an rc file: its expression is what it writes. */
static bool plain_rc_edit(const struct shlex_cmd *c, const char *p)
{
	static const char *const bad[] = { "/tmp", "/dev/shm", "LD_PRELOAD", "alias sudo",
					   "/dev/tcp", "nohup", NULL };

	if (strcmp(p, "sed") != 0)
		return false;
	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *e = c->argv[i];

		if (e[0] == '-' || jurors_path_is(e, jurors_persist_paths))
			continue;
		for (int k = 0; bad[k]; k++)
			if (strstr(e, bad[k]))
				return false;
		return !runs_download(e);
	}
	return false;
}

/* Kernel settings that guard the host (other /proc/sys knobs are tuning). */
static bool kernel_guard(const char *w)
{
	static const char *const guards[] = {
		"randomize_va_space", "yama", "kptr_restrict", "dmesg_restrict", "modules_disabled",
		"unprivileged_bpf", "perf_event_paranoid", "suid_dumpable", "protected_",
		"kexec_load_disabled", "sysrq", "unprivileged_userns", NULL,
	};

	if (!strcmp(w, "/proc/sysrq-trigger"))
		return true;
	if (strncmp(w, "/proc/sys/", 10) != 0)
		return false;
	for (int i = 0; guards[i]; i++)
		if (strstr(w, guards[i]))
			return true;
	return false;
}

static void writes(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const rc_files[] = {
		"=.bashrc", "=.profile", "=.bash_profile", "=.zshrc", "=.zprofile",
		"=.bash_login", "=.bash_aliases", "=.zshenv", NULL,
	};
	const char *w[16], *text = rb_written_text(x->res, c);
	int n = rb_writes(x->res, c, w, 16);

	/* a download-and-run line planted into any file: a script, a hook, a build file */
	if (n && (runs_download(text) || (strcmp(p, "sed") == 0 && rb_opt(c, 'i') &&
					  rb_arg_has(c, "curl") && rb_arg_has(c, "sh"))))
		findings_add(&x->f, 0.92, "%s plants a download-and-run line into %s", p, w[0]);
	for (int i = 0; i < n; i++) {
		if (jurors_path_is(w[i], rc_files) &&
		    (plain_rc_config(text) || (!text && plain_rc_edit(c, p))))
			continue;
		if ((strstr(w[i], "site-packages") && strstr(w[i], ".pth")) ||
		    !strcmp(shlex_basename(w[i]), "sitecustomize.py") ||
		    !strcmp(shlex_basename(w[i]), "usercustomize.py"))
			findings_add(&x->f, 0.88, "%s writes %s, run at every python start", p,
				     w[i]);
		/* ssh runs these on every connection; a jump host's is not in /tmp */
		if (strstr(w[i], ".ssh/config") && text &&
		    (strstr(text, "ProxyCommand") || strstr(text, "LocalCommand")) &&
		    (strstr(text, "/tmp/") || strstr(text, "/dev/shm") || runs_download(text)))
			findings_add(&x->f, 0.88, "%s makes ssh run a hidden program (%s)", p, w[i]);
		/* a unit file from the project (cp deploy/app.service ...) is weaker evidence */
		if (strstr(w[i], "systemd/system/") &&
		    (strcmp(p, "cp") == 0 || strcmp(p, "install") == 0) && c->argc > c->prog + 2 &&
		    c->argv[c->argc - 2][0] != '/' && c->argv[c->argc - 2][0] != '~' &&
		    !jurors_hidden_temp(c->argv[c->argc - 2])) {
			findings_add(&x->f, 0.6, "%s installs unit %s from the project", p, w[i]);
			continue;
		}
		if (jurors_path_is(w[i], jurors_persist_paths))
			findings_add(&x->f, 0.95, "%s writes to persistence location %s", p, w[i]);
		else if (jurors_path_is(w[i], jurors_priv_paths))
			findings_add(&x->f, 0.97, "%s writes to privilege file %s", p, w[i]);
		else if (jurors_path_is(w[i], jurors_log_paths) && strcmp(p, "touch") != 0)
			findings_add(&x->f, 0.93, "%s overwrites or truncates log %s", p, w[i]);
		else if (jurors_path_is(w[i], jurors_devices))
			findings_add(&x->f, 0.98, "%s writes to block device %s", p, w[i]);
		else if (kernel_guard(w[i]))
			findings_add(&x->f, 0.93, "%s weakens a kernel guard through %s", p, w[i]);
		else if (strcmp(w[i], "/etc/hosts") == 0 &&
			 (strcmp(p, "tee") == 0 ? rb_opt(c, 'a') : 1))
			/* adding a local name is daily work; redirecting a real one is not */
			findings_add(&x->f, 0.62, "%s appends to /etc/hosts", p);
		else if (strcmp(w[i], "/etc/fstab") == 0 || strcmp(w[i], "/etc/hosts") == 0 ||
			 strcmp(w[i], "/etc/resolv.conf") == 0)
			findings_add(&x->f, 0.85, "%s rewrites system file %s", p, w[i]);
	}
}

/* Does a -G/-aG/-a list name a group that is root in disguise? */
static bool privileged_group(const struct shlex_cmd *c)
{
	static const char *const groups[] = {
		"sudo", "sudoers", "wheel", "docker", "root", "adm", "admin", "lxd", "disk",
		"shadow", "libvirt", "0", NULL,
	};
	char buf[128];

	for (int i = c->prog + 1; i < c->argc; i++) {
		char *save = NULL;

		snprintf(buf, sizeof(buf), "%s", c->argv[i]);
		for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
			if (rb_in(t, groups))
				return true;
	}
	return false;
}

/* sudo, wheel, root, adm ... rather than the docker/lxd groups install guides add $USER to. */
static bool root_group(const struct shlex_cmd *c)
{
	return rb_arg_has(c, "sudo") || rb_arg_has(c, "wheel") || rb_arg_has(c, "root") ||
	       rb_arg_has(c, "adm") || rb_arg_has(c, "shadow") || rb_arg_has(c, "disk") ||
	       rb_arg_eq(c, "0") || !(rb_arg_has(c, "$USER") || rb_arg_has(c, "$(whoami)"));
}

/*
 * (crontab -l; echo JOB) | crontab -: the job is printed inside a group
 * feeding the crontab, so the group's echo and printf lines are the job.
 */
static bool grouped_job_bad(const struct shlex_result *res, const char *const *bad)
{
	for (int i = 0; i < res->ncmds; i++) {
		const char *p = shlex_prog(&res->cmds[i]);

		if ((!strcmp(p, "echo") || !strcmp(p, "printf")) &&
		    (runs_download(res->cmds[i].out_text) || rb_mentions(res, &res->cmds[i], bad)))
			return true;
	}
	return false;
}

/*
 * crontab: listing and editing (-l, -e) are everyday work, and so is
 * installing an ordinary job; a job that fetches and runs code, runs from
 * a temporary or hidden place, or reaches a raw socket is persistence.
 */
static void crontab(struct rb_ctx *x, const struct shlex_cmd *c)
{
	static const char *const bad[] = {
		"/tmp/", "/dev/shm", "/var/tmp", "/dev/tcp", "curl", "wget", "base64", " nc ",
		"@reboot", "/.", "python -c", "bash -i", "sh -i", NULL,
	};
	const char *job = c->pipe_prev >= 0 ? x->res->cmds[c->pipe_prev].out_text : NULL;
	int last = c->argc - 1;

	if (rb_opt(c, 'r')) {
		findings_add(&x->f, 0.85, "crontab -r deletes scheduled jobs");
		return;
	}
	if (rb_opt(c, 'l') || rb_opt(c, 'e'))
		return;
	if (!(c->pipe_prev >= 0 || rb_arg_eq(c, "-") ||
	      (last > c->prog && c->argv[last][0] != '-' &&
	       !(last > 0 && strcmp(c->argv[last - 1], "-u") == 0))))
		return;
	if (runs_download(job) || (job && jurors_text_mentions(job, (const char *const[]){ "/tmp/",
										     NULL })) ||
	    (c->pipe_prev >= 0 && rb_mentions(x->res, &x->res->cmds[c->pipe_prev], bad)) ||
	    ((c->pipe_prev >= 0 || rb_arg_eq(c, "-")) && grouped_job_bad(x->res, bad)))
		findings_add(&x->f, 0.92, "crontab installs a job that fetches or hides code");
	else
		findings_add(&x->f, 0.62, "crontab installs a scheduled job");
}

static void persistence(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	if (strcmp(p, "crontab") == 0)
		crontab(x, c);
	if ((strcmp(p, "at") == 0 || strcmp(p, "batch") == 0) && !strchr(c->argv[c->prog], '/') &&
	    (c->pipe_prev >= 0 || rb_opt(c, 'f') || c->nredir > 0))
		findings_add(&x->f, 0.85, "at schedules a command");
	if (strcmp(p, "adduser") == 0 && c->argc == c->prog + 3 && c->argv[c->prog + 1][0] != '-')
		/* adduser USER GROUP adds to a group, like usermod -aG */
		findings_add(&x->f, privileged_group(c) && root_group(c) ? 0.92 : 0.62,
			     "adduser adds a user to group %s", c->argv[c->prog + 2]);
	else if ((strcmp(p, "useradd") == 0 || strcmp(p, "adduser") == 0 ||
		  strcmp(p, "usermod") == 0) &&
		 (rb_arg_eq(c, "0") || rb_arg_eq(c, "-o") || rb_arg_has(c, "--non-unique")))
		findings_add(&x->f, 0.97, "%s makes an account with uid 0", p);
	else if (strcmp(p, "passwd") == 0 && (rb_opt(c, 'd') || rb_long(c, "--delete")))
		findings_add(&x->f, 0.88, "passwd removes a password");
	else if (strcmp(p, "chpasswd") == 0 || strcmp(p, "newusers") == 0 ||
		 ((strcmp(p, "useradd") == 0 || strcmp(p, "usermod") == 0) &&
		  (rb_opt(c, 'p') || rb_long(c, "--password"))))
		findings_add(&x->f, 0.85, "%s sets passwords from the command line", p);
	else if ((strcmp(p, "useradd") == 0 || strcmp(p, "adduser") == 0) && privileged_group(c) &&
		 root_group(c))
		findings_add(&x->f, 0.92, "%s creates an account in a privileged group", p);
	else if (strcmp(p, "useradd") == 0 || strcmp(p, "adduser") == 0)
		findings_add(&x->f, 0.6, "%s creates an account", p);
	if ((strcmp(p, "usermod") == 0 || strcmp(p, "gpasswd") == 0) && privileged_group(c))
		findings_add(&x->f, root_group(c) ? 0.92 : 0.62, "%s grants a privileged group", p);
	if ((strcmp(p, "mv") == 0 || strcmp(p, "cp") == 0 || strcmp(p, "install") == 0 ||
	     strcmp(p, "ln") == 0) &&
	    c->argc > c->prog + 2) {
		const char *to = c->argv[c->argc - 1];
		bool sys = strncmp(to, "/usr/", 5) == 0 || strncmp(to, "/bin/", 5) == 0 ||
			   strncmp(to, "/sbin/", 6) == 0 || strncmp(to, "/lib", 4) == 0 ||
			   strncmp(to, "/etc/", 5) == 0;

		if (sys && (jurors_path_is(c->argv[c->argc - 2], jurors_temp_dirs) ||
			    shlex_basename(to)[0] == '.'))
			findings_add(&x->f, 0.85, "%s plants %s in a system directory", p, to);
	}
	if ((strcmp(p, "update-rc.d") == 0 || strcmp(p, "chkconfig") == 0) &&
	    (rb_arg_path(c, jurors_temp_dirs) || rb_arg_has(c, "/.")))
		findings_add(&x->f, 0.85, "%s registers a boot service from a hiding place", p);
	if (strcmp(p, "systemctl") == 0 &&
	    (rb_arg_eq(c, "link") || rb_arg_eq(c, "enable") || rb_arg_eq(c, "start")) &&
	    (rb_arg_path(c, jurors_temp_dirs) || rb_arg_has(c, "/.")))
		findings_add(&x->f, 0.85, "systemctl registers a unit from a hiding place");
	/* a transient unit or timer of a program in a hiding place (T1053.006) */
	if (strcmp(p, "systemd-run") == 0 &&
	    (rb_arg_path(c, jurors_temp_dirs) || rb_arg_has(c, "/.")))
		findings_add(&x->f, 0.85, "systemd-run schedules a program from a hiding place");
}

static bool setuid_mode(const char *m)
{
	size_t n = strlen(m);

	if (strstr(m, "+s") || strstr(m, "u+s") || strstr(m, "g+s"))
		return true;
	return n == 4 && strspn(m, "01234567") == 4 && (m[0] == '4' || m[0] == '2' || m[0] == '6');
}

/* `su - postgres`, `sudo -u postgres -i`: a shell as a service account, not as root. */
static bool service_account(const struct shlex_cmd *c)
{
	if (rb_sudo_opt_value(c, "-u") && strcmp(rb_sudo_opt_value(c, "-u"), "root") &&
	    strcmp(rb_sudo_opt_value(c, "-u"), "#0"))
		return true;
	if (strcmp(shlex_prog(c), "su") == 0)
		for (int i = c->prog + 1; i < c->argc; i++) {
			const char *w = c->argv[i];

			if (strcmp(w, "-c") == 0 || strcmp(w, "--command") == 0)
				i++;
			else if (w[0] != '-')
				return strcmp(w, "root") != 0;
		}
	return false;
}

/*
 * Root shells: a shell through sudo or su, sudo -i/-s, and a shell in
 * privileged mode (bash -p keeps a setuid euid). Shells reached through
 * other programs are escape.c's.
 */
static void root_shells(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	static const char *const rootsh[] = { "sh", "bash", "dash", "zsh", "su", "ksh", NULL };
	bool service_user = service_account(c);

	if (c->sudo && rb_in(p, rootsh) && !rb_opt(c, 'c') && !service_user)
		findings_add(&x->f, 0.85, "root shell through sudo/su");
	if (strcmp(p, "su") == 0 && rb_opt(c, 'c') && !service_user)
		findings_add(&x->f, 0.75, "su runs a command as root");
	if (rb_sudo_bare(c) && (rb_sudo_opt(c, "-i") || rb_sudo_opt(c, "-s")) && !service_user)
		findings_add(&x->f, 0.85, "interactive root shell through sudo");
	if (rb_in(p, rootsh) && rb_arg_eq(c, "-p"))
		findings_add(&x->f, 0.9, "%s keeps a privileged euid (-p)", p);
	/* sudo -R DIR: root resolves names inside a directory the caller controls */
	for (int i = 1; c->sudo && i < c->prog && i < c->argc; i++)
		if (!strcmp(c->argv[i], "-R") || !strncmp(c->argv[i], "--chroot", 8)) {
			findings_add(&x->f, 0.9, "sudo --chroot runs root inside a chosen directory");
			break;
		}
}

static void privilege(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	if (strcmp(p, "chmod") == 0)
		for (int i = c->prog + 1; i < c->argc; i++) {
			if (setuid_mode(c->argv[i]))
				findings_add(&x->f, 0.95, "chmod sets the setuid/setgid bit");
			if ((strcmp(c->argv[i], "777") == 0 || strcmp(c->argv[i], "666") == 0) &&
			    (rb_arg_path(c, jurors_priv_paths) ||
			     rb_arg_path(c, jurors_secret_paths)))
				findings_add(&x->f, 0.95,
					     "chmod opens a privilege file to everyone");
		}
	if (strcmp(p, "setcap") == 0)
		findings_add(&x->f, 0.9, "setcap grants file capabilities");
	root_shells(x, c, p);
	if (rb_arg_has(c, "-u#-1") || (c->prog > 0 && strstr(c->argv[0], "sudo") &&
				       strstr(c->argv[1] ? c->argv[1] : "", "#-1")))
		findings_add(&x->f, 0.95, "sudo uid -1 bypass");
	if (strcmp(p, "sudoedit") == 0 && rb_opt(c, 's'))
		findings_add(&x->f, 0.9, "sudoedit -s heap overflow (CVE-2021-3156)");
	if (rb_arg_has(c, "security.privileged=true") || rb_arg_has(c, "security.privileged true"))
		findings_add(&x->f, 0.9, "privileged container requested");
	if (strstr(p, "exploit") || strstr(p, "rootkit") || rb_arg_has(c, "exploit.c") ||
	    rb_arg_has(c, "rootkit"))
		findings_add(&x->f, 0.8, "builds or runs an exploit");
	if (strcmp(p, "pkexec") == 0 ||
	    (c->sudo && c->prog > 0 && strcmp(shlex_basename(c->argv[0]), "pkexec") == 0))
		findings_add(&x->f, 0.85, "pkexec runs a program as root");
	if (rb_in(p, rb_interps) && (rb_arg_has(c, "setuid(0") || rb_arg_has(c, "setreuid(0") ||
				     rb_arg_has(c, "setresuid(0")))
		findings_add(&x->f, 0.95, "%s code switches to uid 0", p);
	if (rb_in(p, rb_interps) && rb_arg_has(c, "pty.spawn"))
		findings_add(&x->f, 0.8, "%s upgrades to an interactive shell", p);
	else if ((rb_in(p, rb_interps) || strcmp(p, "vim") == 0 || strcmp(p, "vi") == 0) &&
		 (rb_arg_has(c, "\"/bin/sh\"") || rb_arg_has(c, "'/bin/sh'") ||
		  rb_arg_has(c, "\"/bin/bash\"") || rb_arg_has(c, "'/bin/bash'") ||
		  rb_arg_has(c, "exec \"/bin/sh") || rb_arg_has(c, ":!/bin/")))
		findings_add(&x->f, 0.8, "%s escapes to a shell", p);
	if ((strcmp(p, "docker") == 0 || strcmp(p, "podman") == 0) &&
	    (rb_arg_has(c, "/:/") || rb_arg_eq(c, "--privileged") || rb_arg_has(c, "--pid=host") ||
	     rb_arg_has(c, "docker.sock:")))
		findings_add(&x->f, 0.93,
			     "%s container with the host's root, pid namespace or socket", p);
	if (strcmp(p, "mount") == 0 && rb_arg_path(c, jurors_devices))
		findings_add(&x->f, 0.6, "mounts a block device (container escape?)");
	if (strcmp(p, "nsenter") == 0 && (rb_arg_eq(c, "1") || rb_arg_has(c, "--target=1") ||
					  rb_arg_eq(c, "-t")))
		findings_add(&x->f, 0.93, "nsenter into the host's namespaces");
	if (strcmp(p, "kubectl") == 0 && (rb_arg_has(c, "privileged") || rb_arg_has(c, "hostPID")))
		findings_add(&x->f, 0.9, "kubectl runs a privileged pod");
	if (rb_arg_has(c, "pwnkit") || rb_arg_has(c, "dirtypipe") || rb_arg_has(c, "dirtycow") ||
	    rb_arg_has(c, "CVE-20") || strstr(p, "pwnkit") || strstr(p, "dirtypipe"))
		findings_add(&x->f, 0.9, "runs a privilege-escalation exploit");
	if (c->sudo && (rb_arg_has(c, "LD_PRELOAD=") || rb_arg_has(c, "LD_LIBRARY_PATH=") ||
			(c->prog > 0 && (strncmp(c->argv[0], "LD_PRELOAD=", 11) == 0 ||
					 strncmp(c->argv[0], "LD_LIBRARY_PATH=", 16) == 0))))
		findings_add(&x->f, 0.92, "sudo with a preloaded library");
	if (rb_sudo_opt(c, "-E") && c->argc > 0 &&
	    jurors_path_is(c->argv[c->prog], jurors_temp_dirs))
		findings_add(&x->f, 0.8,
			     "sudo keeps the environment for a program in a temp directory");
}

/* The directories whose wholesale change breaks the system or its users. */
static const char *const core_dirs[] = { "/", "/*", "/etc", "/usr", "/var", "/home", "/boot",
					 "/bin", "/sbin", "/lib", "/lib64", "/root", "~", "~/",
					 "~/*", "$HOME", "$HOME/", "${HOME}", "/etc/*", "/usr/*",
					 "/home/*", NULL };
/* Caches and per-package trees that installers routinely delete. */
static const char *const disposable[] = {
	"^/var/lib/apt/lists", "^/var/cache/", "^/usr/local/", "^/opt/", "^/var/tmp/",
	"^/usr/share/doc/", NULL,
};

/* A depth-3+ file under /etc that is none of the sensitive ones: configuration. */
static bool etc_config(const char *w)
{
	int slashes = 0;

	for (const char *p = w; *p; p++)
		slashes += *p == '/';
	return strncmp(w, "/etc/", 5) == 0 && slashes >= 3 &&
	       !jurors_path_is(w, jurors_persist_paths) &&
	       !jurors_path_is(w, jurors_priv_paths) && !jurors_path_is(w, jurors_secret_paths);
}

static bool system_target(const struct rb_ctx *x, const char *w)
{
	if (under_workspace(x, w))
		return false;
	if (jurors_path_is(w, disposable) && strcmp(w, "/usr/local/") != 0 &&
	    strcmp(w, "/opt/") != 0)
		return false;
	if (rb_in(w, rb_system_dirs))
		return true;
	if (strncmp(w, "/etc/", 5) == 0 || strncmp(w, "/usr/", 5) == 0 ||
	    strncmp(w, "/boot/", 6) == 0 || strncmp(w, "/var/lib/", 9) == 0 ||
	    strncmp(w, "/bin/", 5) == 0 || strncmp(w, "/sbin/", 6) == 0 ||
	    strncmp(w, "/lib", 4) == 0 || strncmp(w, "/root", 5) == 0 ||
	    strncmp(w, "~/.ssh", 6) == 0 || strncmp(w, "~/.gnupg", 8) == 0 ||
	    strncmp(w, "$HOME/.ssh", 10) == 0 || strncmp(w, "$HOME/.gnupg", 12) == 0 ||
	    strncmp(w, "/home/", 6) == 0)
		return true;
	/* with a known workspace, any absolute path outside it and /tmp is foreign */
	return x->r && x->r->workspace && w[0] == '/' && !jurors_path_is(w, jurors_temp_dirs);
}

/* An s3://bucket argument with no key prefix: the whole bucket. */
static bool whole_bucket(const struct shlex_cmd *c)
{
	for (int i = c->prog + 1; i < c->argc; i++) {
		const char *w = c->argv[i], *slash;

		if (strncmp(w, "s3://", 5) != 0)
			continue;
		slash = strchr(w + 5, '/');
		if (!slash || slash[1] == '\0')
			return true;
	}
	return false;
}

/* Databases, cloud resources, clusters, remote branches, the running system. */
static void service_destruction(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	if (rb_arg_has(c, "drop database") || rb_arg_has(c, "drop table") ||
	    rb_arg_has(c, "drop schema") || rb_arg_eq(c, "FLUSHALL") || rb_arg_eq(c, "FLUSHDB") ||
	    rb_arg_has(c, "truncate table"))
		findings_add(&x->f, 0.9, "%s destroys database contents", p);
	if ((strcmp(p, "aws") == 0 && ((rb_arg_eq(c, "rm") && rb_long(c, "--recursive") &&
					whole_bucket(c)) ||
				       rb_arg_eq(c, "rb") || rb_arg_has(c, "terminate-instances") ||
				       rb_arg_has(c, "delete-db-instance"))) ||
	    (strcmp(p, "gcloud") == 0 && rb_arg_eq(c, "delete") && rb_arg_eq(c, "projects")) ||
	    (strcmp(p, "terraform") == 0 && rb_arg_eq(c, "destroy") && rb_long(c, "-auto-approve")))
		findings_add(&x->f, 0.9, "%s destroys cloud resources", p);
	if (strcmp(p, "kubectl") == 0 && rb_arg_eq(c, "delete") &&
	    (((rb_arg_eq(c, "namespace") || rb_arg_eq(c, "ns")) &&
	      (rb_arg_eq(c, "kube-system") || rb_arg_eq(c, "default") || rb_arg_has(c, "prod"))) ||
	     rb_long(c, "--all") || rb_arg_eq(c, "-A")))
		findings_add(&x->f, 0.88, "kubectl deletes namespaces or everything");
	if (strcmp(p, "git") == 0 && rb_arg_eq(c, "push") &&
	    (rb_arg_has(c, " :") || rb_arg_has(c, "--delete") ||
	     (c->argc > 0 && c->argv[c->argc - 1][0] == ':')))
		findings_add(&x->f, 0.62, "git deletes a remote branch or tag");
	if (strcmp(p, "kill") == 0 && rb_arg_eq(c, "1") && rb_arg_has(c, "-9"))
		findings_add(&x->f, 0.85, "kill -9 1 kills init");
	/* everyday administration when asked for; an agent's own idea only now and then */
	if (strcmp(p, "reboot") == 0 || strcmp(p, "poweroff") == 0 || strcmp(p, "halt") == 0 ||
	    (strcmp(p, "shutdown") == 0) ||
	    (strcmp(p, "init") == 0 && (rb_arg_eq(c, "0") || rb_arg_eq(c, "6"))) ||
	    (strcmp(p, "systemctl") == 0 && (rb_arg_eq(c, "poweroff") || rb_arg_eq(c, "reboot") ||
					     rb_arg_eq(c, "halt"))))
		findings_add(&x->f, 0.6, "%s takes the host down", p);
	if ((strcmp(p, "shred") == 0 ||
	     (strcmp(p, "rm") == 0 && (rb_opt(c, 'r') || rb_opt(c, 'R')))) &&
	    (rb_arg_has(c, "~/Documents") || rb_arg_has(c, "~/Pictures") ||
	     rb_arg_has(c, "~/Desktop") || rb_arg_has(c, "$HOME/Documents")))
		findings_add(&x->f, 0.9, "%s destroys the user's documents", p);
	if (strcmp(p, "kill") == 0 && rb_arg_eq(c, "-1"))
		findings_add(&x->f, 0.93, "kill -1 kills every process");
	if ((strcmp(p, "openssl") == 0 && rb_arg_eq(c, "enc")) ||
	    (strcmp(p, "gpg") == 0 && (rb_opt(c, 'c') || rb_long(c, "--symmetric"))))
		if (rb_arg_eq(c, "rm") || rb_arg_has(c, "{}"))
			findings_add(&x->f, 0.9, "files encrypted in place (ransomware pattern)");
}

static void destruction(struct rb_ctx *x, const struct shlex_cmd *c, const char *p)
{
	if (strcmp(p, "rm") == 0 || strcmp(p, "shred") == 0 || strcmp(p, "srm") == 0) {
		if (rb_long(c, "--no-preserve-root"))
			findings_add(&x->f, 0.99, "rm --no-preserve-root");
		for (int i = c->prog + 1; i < c->argc; i++)
			if (c->argv[i][0] != '-' && system_target(x, c->argv[i]) &&
			    !(etc_config(c->argv[i]) && !rb_opt(c, 'r') && !rb_opt(c, 'R')))
				findings_add(&x->f, rb_opt(c, 'r') || rb_opt(c, 'R') ? 0.96 : 0.85,
					     "%s deletes %s outside the workspace", p, c->argv[i]);
	}
	if (strcmp(p, "find") == 0 && c->prog + 1 < c->argc &&
	    system_target(x, c->argv[c->prog + 1]) &&
	    (rb_arg_eq(c, "-delete") || (rb_arg_eq(c, "-exec") && (rb_arg_eq(c, "rm") ||
								  rb_arg_eq(c, "shred")))))
		findings_add(&x->f, 0.95, "find deletes files under %s", c->argv[c->prog + 1]);
	if (strncmp(p, "mkfs", 4) == 0 || strcmp(p, "wipefs") == 0 ||
	    strcmp(p, "blkdiscard") == 0 || strcmp(p, "sgdisk") == 0 ||
	    strcmp(p, "lvremove") == 0 || strcmp(p, "vgremove") == 0 ||
	    (strcmp(p, "zpool") == 0 && rb_arg_eq(c, "destroy")) || strcmp(p, "sfdisk") == 0)
		findings_add(&x->f, 0.95, "%s destroys a filesystem or volume", p);
	if ((strcmp(p, "shred") == 0 || strcmp(p, "dd") == 0) && rb_arg_path(c, jurors_devices))
		findings_add(&x->f, 0.98, "%s overwrites a block device", p);
	if ((strcmp(p, "chmod") == 0 || strcmp(p, "chown") == 0 || strcmp(p, "chgrp") == 0) &&
	    (rb_opt(c, 'R') || rb_long(c, "--recursive")))
		for (int i = c->prog + 1; i < c->argc; i++)
			if (c->argv[i][0] != '-' && rb_in(c->argv[i], core_dirs))
				findings_add(&x->f, 0.93, "%s -R on %s", p, c->argv[i]);
	if (strcmp(p, "mv") == 0 && c->prog + 1 < c->argc &&
	    rb_in(c->argv[c->prog + 1], rb_system_dirs))
		findings_add(&x->f, 0.93, "mv moves system directory %s", c->argv[c->prog + 1]);
	service_destruction(x, c, p);
}

void rb_exec_system(struct rb_ctx *x, const struct shlex_cmd *c)
{
	const char *p = shlex_prog(c);

	writes(x, c, p);
	persistence(x, c, p);
	privilege(x, c, p);
	destruction(x, c, p);
}
