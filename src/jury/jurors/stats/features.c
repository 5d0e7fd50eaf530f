/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the statistical jurors' features are made of (see features.h):
 * the hash, the normalization of plain words, the kinds of programs and
 * the classes of arguments. Both feature families hash into FEAT_DIM
 * buckets with FNV-1a; a collision costs a little accuracy and saves a
 * vocabulary file.
 */
#include <ctype.h>
#include <string.h>

#include "jury/jurors/paths.h"
#include "jury/jurors/stats/features.h"

uint32_t features_hash(const char *s, size_t n, uint32_t seed)
{
	uint32_t h = 2166136261u ^ seed;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h & (FEAT_DIM - 1);
}

static bool b64ish(char c)
{
	return isalnum((unsigned char)c) || c == '+' || c == '/' || c == '=';
}

/* Length of a base64/hex-like blob at s (0 when shorter than 24 or no mix). */
static size_t blob_len(const char *s, size_t n)
{
	size_t k = 0, digits = 0, upper = 0;

	while (k < n && b64ish(s[k])) {
		digits += isdigit((unsigned char)s[k]) != 0;
		upper += isupper((unsigned char)s[k]) != 0;
		k++;
	}
	if (k < 24 || (digits == 0 && upper == 0) || memchr(s, '/', k) != NULL)
		return 0;
	return k;
}

size_t features_normalize(const char *in, size_t n, char *out, size_t outlen)
{
	size_t o = 0;

	if (outlen == 0)
		return 0;
	for (size_t i = 0; i < n && o + 4 < outlen;) {
		unsigned char c = (unsigned char)in[i];
		size_t blob = (i == 0 || !b64ish(in[i - 1])) ? blob_len(in + i, n - i) : 0;

		if (blob) {
			memcpy(out + o, "b64", 3);
			o += 3;
			i += blob;
		} else if (isdigit(c)) {
			out[o++] = '0';
			while (i < n && isdigit((unsigned char)in[i]))
				i++;
		} else {
			out[o++] = (char)tolower(c);
			i++;
		}
	}
	out[o] = '\0';
	return o;
}

/* Programs by kind; a program in no list is "other". */
/* clang-format off */
static const struct {
	const char *kind;
	const char *const *progs;
} kinds[] = {
	{ "shell", (const char *const[]){ "sh", "bash", "dash", "zsh", "ksh", "ash", "mksh",
		"fish", "csh", "tcsh", "source", ".", "eval", "exec", NULL } },
	{ "interp", (const char *const[]){ "python", "python2", "python3", "perl", "ruby", "php",
		"node", "nodejs", "lua", "deno", "bun", "irb", "tclsh", "expect", "awk", "gawk",
		"mawk", "nawk", "jrunscript", "pwsh", "Rscript", "julia", "gdb", NULL } },
	{ "fetch", (const char *const[]){ "curl", "wget", "aria2c", "axel", "tftp", "ftp", "lftp",
		"certutil", "fetch", "http", "xh", "lwp-download", NULL } },
	{ "net", (const char *const[]){ "nc", "ncat", "netcat", "socat", "telnet", "openssl",
		"ssh", "scp", "sftp", "rsync", "rclone", "smbclient", "dig", "nslookup", "host",
		"ping", "ngrok", "chisel", "cloudflared", "iodine", "dnscat", "tcpdump", "nmap",
		"masscan", "websocat", "pwncat", NULL } },
	{ "edit", (const char *const[]){ "vi", "vim", "nvim", "nano", "emacs", "ed", "ex", "view",
		"pico", "micro", "sed", NULL } },
	{ "page", (const char *const[]){ "less", "more", "man", "most", "pg", NULL } },
	{ "db", (const char *const[]){ "mysql", "mariadb", "psql", "sqlite3", "mongo", "mongosh",
		"redis-cli", "mysqldump", "pg_dump", "pg_dumpall", NULL } },
	{ "pkg", (const char *const[]){ "apt", "apt-get", "dpkg", "yum", "dnf", "apk", "snap",
		"pacman", "brew", "pip", "pip3", "npm", "pnpm", "yarn", "gem", "cargo", "go",
		"poetry", "uv", "pipx", NULL } },
	{ "priv", (const char *const[]){ "sudo", "su", "doas", "pkexec", "chmod", "chown",
		"chgrp", "setcap", "setfacl", "chattr", "useradd", "usermod", "adduser", "passwd",
		"chpasswd", "gpasswd", "visudo", "newgrp", NULL } },
	{ "svc", (const char *const[]){ "systemctl", "service", "crontab", "at", "update-rc.d",
		"chkconfig", "journalctl", "launchctl", NULL } },
	{ "guard", (const char *const[]){ "iptables", "ip6tables", "nft", "ufw", "firewall-cmd",
		"auditctl", "setenforce", "aa-teardown", "sysctl", "insmod", "rmmod", "modprobe",
		"bpftool", "bpftrace", "mount", "umount", NULL } },
	{ "gone", (const char *const[]){ "rm", "shred", "dd", "wipefs", "mkfs", "truncate",
		"unlink", "srm", "kill", "pkill", "killall", "reboot", "shutdown", "poweroff",
		"halt", NULL } },
	{ "look", (const char *const[]){ "id", "whoami", "uname", "hostname", "ps", "ss",
		"netstat", "ifconfig", "ip", "arp", "route", "w", "who", "last", "lastlog", "env",
		"printenv", "getent", "lsb_release", "systemd-detect-virt", "dmidecode", "lsmod",
		"groups", "find", "locate", "history", NULL } },
	{ "pack", (const char *const[]){ "tar", "zip", "unzip", "gzip", "7z", "base64", "xxd",
		"gpg", "rev", "openssl", NULL } },
	{ "box", (const char *const[]){ "docker", "podman", "kubectl", "nsenter", "unshare",
		"chroot", "runc", "crictl", NULL } },
	{ "cloud", (const char *const[]){ "aws", "gcloud", "az", "gsutil", "vault", "terraform",
		"s3cmd", NULL } },
	{ "vcs", (const char *const[]){ "git", "gh", "svn", "hg", NULL } },
	{ "build", (const char *const[]){ "make", "cmake", "gcc", "cc", "clang", "ld", "javac",
		"mvn", "gradle", "bazel", "ninja", "meson", "tsc", "rustc", NULL } },
	{ "text", (const char *const[]){ "cat", "head", "tail", "grep", "egrep", "rg", "cut",
		"sort", "uniq", "wc", "tr", "echo", "printf", "tee", "jq", "xargs", "diff",
		"column", NULL } },
	{ "file", (const char *const[]){ "ls", "cp", "mv", "mkdir", "touch", "ln", "stat", "du",
		"df", "tree", "cd", "pwd", "rmdir", "install", NULL } },
};

static const char *const meta_hosts[] = { "169.254.169.254", "metadata.google", "169.254.170.2",
					  "100.100.100.200", "metadata.azure", NULL };
static const char *const drop_hosts[] = {
	"transfer.sh", "webhook.site", "requestbin", "pastebin", "discord.com/api/webhooks",
	"api.telegram.org", "ngrok", "oast.", "interact.sh", "burpcollaborator", "pipedream",
	"0x0.st", "file.io", "catbox.moe", "paste.ee", "termbin", "temp.sh", "gofile.io", NULL,
};
/* clang-format on */

const char *features_kind(const char *prog)
{
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (const char *const *p = kinds[k].progs; *p; p++)
			if (!strcmp(prog, *p))
				return kinds[k].kind;
	if (!strncmp(prog, "python", 6) || !strncmp(prog, "ruby", 4) || !strncmp(prog, "perl", 4) ||
	    !strncmp(prog, "php", 3) || !strncmp(prog, "lua", 3) || !strncmp(prog, "node", 4))
		return "interp";
	if (!strncmp(prog, "mkfs", 4))
		return "gone";
	return "other";
}


static bool has_any(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strstr(s, *list))
			return true;
	return false;
}

/* An IPv4 address at s (up to a ':' or '/'). */
static bool ipv4_at(const char *s)
{
	int dots = 0, digits = 0;

	for (; *s && *s != ':' && *s != '/'; s++) {
		if (*s == '.')
			dots++;
		else if (isdigit((unsigned char)*s))
			digits++;
		else
			return false;
	}
	return dots == 3 && digits >= 4;
}

static const char *host_class(const char *host)
{
	if (has_any(host, meta_hosts))
		return "<meta>";
	if (!strncmp(host, "localhost", 9) || !strncmp(host, "127.", 4) ||
	    !strncmp(host, "[::1]", 5))
		return "<local>";
	if (!strncmp(host, "10.", 3) || !strncmp(host, "192.168.", 8) || !strncmp(host, "172.", 4))
		return "<private>";
	if (has_any(host, drop_hosts))
		return "<drop>";
	return ipv4_at(host) ? "<ip>" : NULL;
}

static const char *url_class(const char *w)
{
	const char *host = strstr(w, "://") + 3, *cls;

	if (strchr(host, '@') && strchr(host, '@') < host + strcspn(host, "/"))
		return "<url-creds>";
	cls = host_class(host);
	if (!cls)
		return "<url>";
	return !strcmp(cls, "<meta>")	 ? "<url-meta>" :
	       !strcmp(cls, "<local>")	 ? "<url-local>" :
	       !strcmp(cls, "<private>") ? "<url-private>" :
	       !strcmp(cls, "<drop>")	 ? "<url-drop>" :
					   "<url-ip>";
}

static const char *path_class(const char *w)
{
	if (jurors_path_is(w, jurors_secret_paths))
		return "<secret>";
	if (jurors_path_is(w, jurors_priv_paths))
		return "<privfile>";
	if (jurors_path_is(w, jurors_persist_paths))
		return "<persist>";
	if (jurors_path_is(w, jurors_log_paths))
		return "<log>";
	if (jurors_path_is(w, jurors_devices))
		return "<device>";
	if (jurors_hidden_temp(w))
		return "<tmp-hidden>";
	if (jurors_path_is(w, jurors_temp_dirs) || !strcmp(w, "/tmp") || !strcmp(w, "/dev/shm"))
		return "<tmp>";
	if (!strncmp(w, "/dev/tcp/", 9) || !strncmp(w, "/dev/udp/", 9))
		return "<devtcp>";
	if (!strncmp(w, "/proc", 5) || !strncmp(w, "/sys", 4))
		return "<kernel>";
	if (!strcmp(w, "/") || !strcmp(w, "/*"))
		return "<root>";
	if (!strncmp(w, "/root", 5) || !strncmp(w, "/home/", 6))
		return "<homes>";
	if (w[0] == '~' || !strncmp(w, "$HOME", 5) || !strncmp(w, "${HOME}", 7))
		return strchr(w, '.') && strchr(w, '.') < w + 4 ? "<dotfile>" : "<home>";
	if (!strncmp(w, "/dev/", 5))
		return "<dev>";
	if (w[0] == '/')
		return "<system>";
	return "<path>";
}

const char *features_class(const char *w)
{
	size_t n = strlen(w);

	if (!n)
		return "<empty>";
	if (strstr(w, "://"))
		return url_class(w);
	if (w[0] == '$' && w[1] == '(')
		return "<subst>";
	if (w[0] == '`' || w[0] == '<' || w[0] == '>')
		return w[0] == '`' ? "<subst>" : "<procsub>";
	if (ipv4_at(w) || (strchr(w, '@') && strchr(w, ':') && !strchr(w, ' ')))
		return ipv4_at(w) ? (host_class(w) ? host_class(w) : "<ip>") : "<remote>";
	if (strchr(w, ' ') || strchr(w, '\n'))
		return "<code>";
	if (w[0] == '$')
		return "<var>";
	if (jurors_path_is(w, jurors_secret_paths))
		return "<secret>";
	if (strchr(w, '/') || w[0] == '~')
		return path_class(w);
	if (w[0] == '.' && n > 1 && w[1] != '.')
		return "<hidden>";
	if (blob_len(w, n))
		return "<blob>";
	if (strspn(w, "0123456789") == n)
		return n >= 4 ? "<port>" : "<n>";
	return NULL;
}
