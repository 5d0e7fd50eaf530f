/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The places on a Linux host that matter to a judge of commands
 * (paths.h): where credentials, persistence, privileges, logs, block
 * devices and temporary files live. The rulebook's rules and the
 * statistical jurors' features both read paths through these tables, so
 * a path means the same to both.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "jury/jurors/paths.h"
#include "shell/shlex.h"

const char *const jurors_secret_paths[] = {
	"/.ssh/id_",
	"^/var/lib/samba/private/",
	"=id_rsa",
	"=id_ed25519",
	"=id_ecdsa",
	"=id_dsa",
	".aws/credentials",
	".aws/config",
	"/etc/shadow",
	"/etc/gshadow",
	".kube/config",
	".docker/config.json",
	".git-credentials",
	"=.netrc",
	"=.pgpass",
	"/.gnupg",
	".config/gcloud",
	"=application_default_credentials.json",
	"/.azure/",
	"=.vault-token",
	"serviceaccount/token",
	"=logins.json",
	"=key4.db",
	"=cookies.sqlite",
	"Login Data",
	"/Default/Cookies",
	"=state.vscdb",
	"=.npmrc",
	"=.pypirc",
	"/etc/ssl/private",
	"=.env",
	"=.bash_history",
	"=.zsh_history",
	"*/environ",
	"/etc/kubernetes/admin.conf",
	"credentials.tfrc.json",
	"=wp-config.php",
	"*.kdbx",
	"=.my.cnf",
	"/.password-store",
	"=.htpasswd",
	"gh/hosts.yml",
	"=credentials.db",
	"=accessTokens.json",
	"/etc/krb5.keytab",
	"*.keytab",
	"/proc/kcore",
	"*/mem",
	"^/etc/ssh/ssh_host_",
	"=credentials.xml",
	"^/etc/kubernetes/pki/",
	"/keyrings/",
	"=.aws",
	"=.ssh",
	"*/.ssh/",
	"/.ssh/*",
	"^/var/run/secrets/",
	"^/run/secrets/",
	"=.psql_history",
	"=.mysql_history",
	"=.rediscli_history",
	"=.sqlite_history",
	"=.python_history",
	"=.node_repl_history",
	"=wallet.dat",
	"^/var/lib/sss/db/",
	NULL,
};

const char *const jurors_persist_paths[] = {
	"=.bashrc",
	"=.profile",
	"=.bash_profile",
	"=.zshrc",
	"=.bash_login",
	"=.zprofile",
	"=.bash_logout",
	"=.zlogin",
	"^/etc/profile",
	"^/etc/bash.bashrc",
	"^/etc/environment",
	"^/etc/crontab",
	"^/etc/cron.",
	"^/var/spool/cron",
	"/systemd/system/",
	"systemd/user",
	"=authorized_keys",
	"authorized_keys2",
	"^/etc/ld.so.preload",
	"^/etc/rc.local",
	"=.bash_aliases",
	"=.zshenv",
	"/.bashrc.d/",
	"^/etc/apt/apt.conf.d/",
	"^/etc/udev/rules.d/",
	"/.ssh/rc",
	"^/etc/ssh/sshrc",
	"^/etc/NetworkManager/dispatcher.d/",
	"^/etc/init.d/",
	".config/autostart",
	"^/etc/xdg/autostart",
	"^/etc/pam.d/",
	".git/hooks/",
	"^/etc/update-motd.d/",
	"^/etc/systemd/",
	"^/lib/systemd/",
	"^/usr/lib/systemd/",
	"^/etc/init/",
	"^/etc/rc",
	".config/fish/config.fish",
	NULL,
};

const char *const jurors_priv_paths[] = {
	"^/etc/sudoers",
	"^/etc/doas.conf",
	"^/etc/passwd",
	"^/etc/shadow",
	"^/etc/group",
	"^/etc/gshadow",
	"^/etc/security/",
	"^/etc/polkit-1/",
	"^/etc/ld.so.conf",
	"^/etc/audit/",
	"^/etc/sevorix",
	"^/var/run/sevorix",
	"^/run/sevorix",
	NULL,
};

const char *const jurors_log_paths[] = {
	"^/var/log",
	"=.bash_history",
	"=.zsh_history",
	"=wtmp",
	"=btmp",
	"=lastlog",
	"=utmp",
	"audit.log",
	"=.python_history",
	"=.mysql_history",
	"^/run/log/journal",
	NULL,
};

const char *const jurors_devices[] = {
	"^/dev/sd",	"^/dev/nvme", "^/dev/vd",      "^/dev/xvd",   "^/dev/hd",
	"^/dev/mmcblk", "^/dev/dm-",  "^/dev/mapper/", "^/dev/disk/", "^/dev/md",
	"^/dev/loop",	"^/dev/mem",  "^/dev/port",    NULL,
};

const char *const jurors_temp_dirs[] = {
	"^/tmp/", "^/dev/shm/", "^/var/tmp/", "^/run/user/", "^/tmp/.", NULL,
};

static bool pattern_match(const char *path, const char *p)
{
	size_t lp, lpat;

	switch (p[0]) {
	case '^':
		return strncmp(path, p + 1, strlen(p + 1)) == 0;
	case '=':
		return strcmp(shlex_basename(path), p + 1) == 0;
	case '*':
		lp = strlen(path);
		lpat = strlen(p + 1);
		return lp >= lpat && strcmp(path + lp - lpat, p + 1) == 0;
	default:
		return strstr(path, p) != NULL;
	}
}

/* A base-name pattern (=name) must stand as a whole path element in free text. */
static bool whole_name_in(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *h = strstr(text, name); h; h = strstr(h + 1, name)) {
		char before = h > text ? h[-1] : ' ', after = h[n];

		if (strchr("/'\" ~", before) && !isalnum((unsigned char)after) && after != '_')
			return true;
	}
	return false;
}

bool jurors_text_mentions(const char *text, const char *const *patterns)
{
	for (; text && *patterns; patterns++) {
		const char *p = *patterns;

		if (p[0] == '=' ? whole_name_in(text, p + 1) :
				  strlen(p + (p[0] == '^' || p[0] == '*')) >= 4 &&
					  strstr(text, p + (p[0] == '^' || p[0] == '*')))
			return true;
	}
	return false;
}

bool jurors_hidden_temp(const char *path)
{
	const char *p = path;

	if (!jurors_path_is(path, jurors_temp_dirs))
		return false;
	while ((p = strchr(p, '/')) != NULL)
		if (*++p == '.' && p[1] != '.' && p[1] != '/' && p[1] != '\0')
			return true;
	return false;
}

bool jurors_path_is(const char *path, const char *const *patterns)
{
	size_t n;

	if (!path || !*path)
		return false;
	n = strlen(path);
	/* a public key is not a secret, nor are package signing keyrings (public keys) */
	if (patterns == jurors_secret_paths &&
	    ((n > 4 && strcmp(path + n - 4, ".pub") == 0) || strncmp(path, "/etc/apt/", 9) == 0 ||
	     strncmp(path, "/usr/share/keyrings/", 20) == 0))
		return false;
	for (; *patterns; patterns++)
		if (pattern_match(path, *patterns))
			return true;
	return false;
}
