/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Well-known tools: everyday programs of development and administration.
 *
 * The rulebook allows with more confidence when every program of a command
 * is one of these (its rules are written for their dangerous uses), and the
 * grounding juror does not call one of these "hallucinated" when it is
 * missing from the agent's root: it is a real tool that is not installed.
 */
#include <string.h>

#include "jury/jurors/known_tools.h"

static const char *const known[] = {
	"git", "make", "cmake", "ninja", "meson", "cargo", "rustc", "rustup", "go", "gofmt",
	"npm", "npx", "node", "yarn", "pnpm", "pip", "pip3", "python", "python3", "pytest",
	"poetry", "uv", "tox", "ruff", "black", "mypy", "ls", "cat", "head", "tail", "wc", "grep",
	"rg", "sed", "awk", "sort", "uniq", "cut", "tr", "diff", "cp", "mv", "mkdir", "rm",
	"touch", "chmod", "chown", "ln", "find", "xargs", "tar", "zip", "unzip", "gzip", "gunzip",
	"docker", "kubectl", "helm", "terraform", "curl", "wget", "ssh", "scp", "rsync", "echo",
	"printf", "cd", "pwd", "export", "source", ".", "jq", "yq", "sqlite3", "psql", "mysql",
	"redis-cli", "systemctl", "journalctl", "apt", "apt-get", "dnf", "brew", "ps", "top",
	"df", "du", "free", "uname", "whoami", "id", "date", "env", "which", "true", "false",
	"test", "[", "sleep", "tee", "less", "more", "file", "stat", "realpath", "basename",
	"dirname", "sha256sum", "md5sum", "base64", "xxd", "od", "gcc", "cc", "clang", "g++",
	"ld", "ar", "javac", "java", "mvn", "gradle", "dotnet", "ruby", "bundle", "php", "perl",
	"vim", "nano", "code", "tree", "hostname", "uptime", "nproc", "lscpu", "lsblk", "ip",
	"ss", "ping", "dig", "nslookup", "openssl", "ssh-keygen", "ssh-add", "gpg", "kill",
	"pkill", "pgrep", "watch", "time", "nohup", "history", "alias", "type", "command", "seq",
	"yes", "paste", "comm", "split", "iconv", "column", "nl", "fold", "fmt", "rev", "tac",
	"crontab", "readlink", "mktemp", "install", "patch", "hexdump", "strings", "ldd", "nm",
	"objdump", "gdb", "valgrind", "strace", "perf", "hyperfine", "ab", "http", "aws",
	"gcloud", "az", "ansible-playbook", "pg_dump", "mongosh", "ffmpeg", "convert", "zcat",
	"bzip2", "xz", "7z", "lsof", "netstat", "nc", "telnet", "locale", "timedatectl",
	"hostnamectl", "usermod", "groups", "sudo", "su", "set", "unset", "read", "wait", "exit",
	"for", "while", "if", "ansible", "htop", "btop", "tmux", "screen", "man", "info", "help",
	"clear", "reset", "bat", "fd", "fzf", "exa", "eza", "delta", "gh", "glab", "hub",
	"podman", "buildah", "minikube", "kind", "k9s", "kustomize", "skaffold", "tilt",
	"docker-compose", "vagrant", "packer", "pulumi", "sam", "serverless", "firebase",
	"vercel", "netlify", "heroku", "flyctl", "deno", "bun", "tsc", "eslint", "prettier",
	"jest", "vitest", "mocha", "webpack", "vite", "rollup", "esbuild", "turbo", "nx", "lerna",
	"cabal", "stack", "ghc", "mix", "elixir", "erl", "rebar3", "sbt", "scala", "kotlin",
	"kotlinc", "swift", "swiftc", "xcodebuild", "flutter", "dart", "R", "Rscript", "julia",
	"conda", "mamba", "pipenv", "pipx", "virtualenv", "pyenv", "nvm", "rbenv", "asdf", "sdk",
	"jupyter", "ipython", "flake8", "pylint", "isort", "bandit", "coverage", "clang-format",
	"clang-tidy", "cppcheck", "ctest", "bazel", "buck", "pants", "scons", "autoreconf",
	"configure", "pkg-config", "ldconfig", "objcopy", "strip", "readelf", "addr2line",
	"systemd-analyze", "loginctl", "resolvectl", "nmcli", "ifconfig", "route", "traceroute",
	"mtr", "host", "whois", "speedtest", "iperf3", "tcpdump", "ethtool", "dmesg", "lsmod",
	"lspci", "lsusb", "sensors", "uptime", "w", "who", "last", "getent", "sysctl", "mount",
	"umount", "findmnt", "blkid", "fdisk", "parted", "zstd", "unxz", "bunzip2", "lz4", "cpio",
	"rpm", "yum", "zypper", "pacman", "apk", "snap", "flatpak", "dpkg", "apt-cache",
	"update-alternatives", "localectl", "timeout", "nice", "xargs", "parallel", "envsubst",
	"gettext", "m4", "bc", "dc", "expr", "factor", "shuf", "numfmt", "csplit", "join",
	"expand", "unexpand", "truncate", "sync", "cmp", "md5", "shasum", "b2sum", "cksum",
	"openssl", "certbot", "mkcert", "step", "vault", "consul", "nomad", "etcdctl",
	"mongodump", "mongorestore", "pg_restore", "createdb", "dropdb", "mysqladmin",
	"redis-server", "memcached", "nginx", "apachectl", "caddy", "traefik", "haproxy",
	"supervisorctl", "pm2", "forever", "gunicorn", "uvicorn", "celery", "flask",
	"django-admin", "rails", "rake", "composer", "artisan", "wp", "hugo", "jekyll", "mkdocs",
	"sphinx-build", "pandoc", "latexmk", "pdflatex", "dot", "gnuplot", "sox", "identify",
	"magick", "exiftool", NULL,
};

bool jurors_known_tool(const char *name)
{
	if (!name)
		return false;
	for (int i = 0; known[i]; i++)
		if (strcmp(name, known[i]) == 0)
			return true;
	return false;
}
