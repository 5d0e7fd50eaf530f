#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Everyday commands from the EXAMPLES sections of installed man pages.

usage: man_examples.py OUT.tsv [--man-dir /usr/share/man]

Renders every section 1 and 8 page that has an EXAMPLES (or USAGE
EXAMPLES) heading (and the *_examples pages of section 7, such as
parallel_examples) with `man -P cat -l`, and keeps the lines of that
section that are shell commands: a line after a `$ ` or `# ` prompt, or
an indented line whose first program is the page's own or a program on
PATH. Continuation lines (`\\` at the end) are joined. The page is the
document; its Debian package names the licence (the package's
/usr/share/doc/PKG/copyright).

Left out, and why:
* pages of the Google Cloud SDK are 16,600 of the 18,000 pages here: one
  page in 40 of theirs is kept (chosen by SHA-256 of the page name), so
  one tool does not make up most of the source;
* examples that write to a block device (wipefs, mkfs, blkdiscard, dd
  or shred onto /dev/sd*, /dev/nvme*, /dev/vd*): console work of an
  administrator, neither an agent's everyday command nor an attack.

The output is `label<TAB>document<TAB>reason<TAB>command` with label
"allow", sorted by document; a command seen before in another page is
kept only under the first.
"""
import argparse
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys

HEADING = re.compile(rb'^\.S[Hh] +"?([A-Z ]*EXAMPLES?)"?\s*$', re.M | re.I)
PROMPT = re.compile(r"^(\$|#|%)\s+")
DEVICE_WRITE = re.compile(r"\b(wipefs|mkfs(\.\w+)?|blkdiscard|mke2fs)\b|"
                          r"\b(dd|shred)\b.*\b(of=)?/dev/(sd|nvme|vd|hd|xvd|mmcblk)")
WRAPPERS = {"sudo", "env", "time", "nice", "nohup", "exec", "command"}


def has_examples(path):
    try:
        with gzip.open(path) if path.endswith(".gz") else open(path, "rb") as f:
            return bool(HEADING.search(f.read()))
    except (OSError, EOFError):
        return False


def render(path):
    env = dict(os.environ, MANWIDTH="400", LC_ALL="C.UTF-8", MAN_KEEP_FORMATTING="")
    r = subprocess.run(["man", "-P", "cat", "-l", path], capture_output=True, env=env)
    return r.stdout.decode("utf-8", "replace")


def section(text):
    """The lines of the EXAMPLES section, up to the next heading."""
    out, inside = [], False
    for line in text.splitlines():
        if line and not line[0].isspace():
            if inside:
                break
            inside = re.fullmatch(r"[A-Z ]*EXAMPLES?", line.strip()) is not None
            continue
        if inside:
            out.append(line)
    return out


def first_program(cmd):
    for tok in cmd.split():
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", tok) or tok in WRAPPERS or tok.startswith("-"):
            continue
        return tok
    return ""


STOPWORDS = {"the", "a", "an", "to", "of", "will", "is", "into", "and", "for", "in",
             "with", "that", "this", "you", "your", "be", "are", "can", "which", "it"}


def looks_like_prose(cmd):
    """Sentences of the text around the examples, and placeholders."""
    if re.search(r"[a-z]{2,}[.:,;]$", cmd) and not re.search(r"[|<>=/'\"]", cmd):
        return True
    if re.search(r"(^|\s)\.\.\.(\s|$)|<[A-Za-z][\w .-]*>", cmd):
        return True
    bare = re.sub(r"'[^']*'|\"[^\"]*\"", "", cmd)
    return sum(1 for w in bare.split() if w in STOPWORDS) >= 2


def commands(lines, page_prog):
    out, buf = [], ""
    for raw in lines:
        line = raw.strip().replace("\u2010", "-").replace("\u2212", "-")
        if buf:
            buf += " " + line
        else:
            m = PROMPT.match(line)
            if m:
                line = line[m.end():]
            elif len(raw) - len(raw.lstrip()) < 8:
                continue
            buf = line
        if buf.endswith("\\"):
            buf = buf[:-1].rstrip()
            continue
        cmd = re.sub(r"\\\.RS \S+ ?|\s+\(\d+\)$", "", buf)
        cmd, buf = re.sub(r"\s+", " ", cmd).strip(), ""
        prog = os.path.basename(first_program(cmd))
        if not cmd or len(cmd) > 400 or looks_like_prose(cmd):
            continue
        if prog != page_prog and not shutil.which(prog):
            continue
        out.append(cmd)
    return out


def packages(paths):
    owner = {}
    r = subprocess.run(["dpkg", "-S"] + paths, capture_output=True, text=True)
    for line in r.stdout.splitlines():
        pkg, _, path = line.partition(": ")
        owner[path.strip()] = pkg.split(",")[0].split(":")[0]
    return owner


def keep_page(name):
    if not name.startswith("gcloud"):
        return True
    return hashlib.sha256(name.encode()).digest()[0] < 256 // 40


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--man-dir", default="/usr/share/man")
    a = ap.parse_args()
    pages = []
    for sec in ("man1", "man7", "man8"):
        d = os.path.join(a.man_dir, sec)
        for name in sorted(os.listdir(d)):
            path = os.path.join(d, name)
            if sec == "man7" and "_examples" not in name:
                continue
            if keep_page(name) and os.path.isfile(path) and has_examples(path):
                pages.append(path)
    owner = {}
    for i in range(0, len(pages), 200):
        owner.update(packages(pages[i:i + 200]))
    seen, rows, dropped = set(), [], 0
    for path in pages:
        page = re.sub(r"\.gz$", "", os.path.basename(path))
        prog = page.rsplit(".", 1)[0]
        for cmd in commands(section(render(path)), prog):
            if DEVICE_WRITE.search(cmd):
                dropped += 1
                continue
            if cmd in seen or "\t" in cmd:
                continue
            seen.add(cmd)
            pkg = owner.get(path, "?")
            rows.append(("allow", "man:%s" % page, "pkg:%s" % pkg, cmd))
    with open(a.out, "w") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")
    print("man_examples: %d pages, %d commands, %d device writes left out" %
          (len(pages), len(rows), dropped), file=sys.stderr)


if __name__ == "__main__":
    main()
