#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Assembles the real-world jury corpus and splits it by document.

usage: assemble.py [CORPUS_DIR]        (default jury/corpus)
       assemble.py --check [CORPUS_DIR]

Reads each source's record in CORPUS_DIR/<source>/ and writes
CORPUS_DIR/<source>/items.tsv, one command a line:

    split  label  document  provenance  reason  command

label is "allow" (everyday) or "deny" (malicious, with its reason);
split is "train" or "untouched", decided by the document alone (see
split_of), so every command of a man page, a build file, a detection
rule or a technique is on one side. A command repeated within a source
is kept once, under the first document (sorted), so no command is on
both sides. --check recomputes every split and exits 1 on a mismatch.

The records:
  man/extracted.tsv     tools/corpus/man_examples.py (label, page, package, command)
  buildfiles/raw.txt    shell lines of public build files, "### repo path commit" blocks
  sigma/commands.tsv    commands made from the kept detection rules (rules.tsv)
  attack/source.txt     commands per ATT&CK technique, "## id | name" blocks
  redteam/source.txt    commands per post-exploitation family, "## family | reason"
  devtasks/source.txt   everyday tasks of a coding agent, "## family" blocks
"""
import hashlib
import os
import re
import sys

SEED = "sevorix-corpus-split-1"
TRAIN_PER_MILLE = 500  # 50/50: see jury/corpus/README.md
SOURCES = ("man", "buildfiles", "devtasks", "sigma", "attack", "redteam")
# hand-written sources are split by blocks of this many lines of a family
CHUNK = {"redteam": 4, "devtasks": 6}
DOWNLOAD_INTO_SHELL = re.compile(
    r"\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+(-\S+\s+)*)?(ba|da|z)?sh\b|"
    r"(ba|z)?sh\s+(-c\s+)?[\"']?(<\(|\$\()\s*(curl|wget)\b")


def split_of(source, document):
    """train or untouched, from SHA-256 of the seed, source and document."""
    h = hashlib.sha256(("%s\0%s\0%s" % (SEED, source, document)).encode()).digest()
    return "train" if int.from_bytes(h[:4], "big") % 1000 < TRAIN_PER_MILLE else "untouched"


def clean(cmd):
    return re.sub(r"[\t\r\n]+", " ", cmd).strip()


def read_man(d):
    rows = []
    with open(os.path.join(d, "extracted.tsv")) as f:
        for line in f:
            label, doc, pkg, cmd = line.rstrip("\n").split("\t", 3)
            rows.append((label, doc, pkg, "-", cmd))
    return rows


def build_line(line):
    """A build-file line as the shell runs it, or None to leave it out."""
    line = line.strip()
    if line.startswith(("@", "-")) and not line.startswith("--"):
        line = line[1:].lstrip()
    line = line.replace("$$", "$")
    if not line or "${{" in line:
        return None
    return line


def read_buildfiles(d):
    rows, doc, prov, dropped = [], None, "-", 0
    with open(os.path.join(d, "raw.txt")) as f:
        for line in f:
            if line.startswith("### "):
                parts = line[4:].split()
                doc = "%s:%s" % (parts[0], parts[1])
                prov = "commit:" + parts[2] if len(parts) > 2 and parts[2] != "-" else "-"
                continue
            cmd = build_line(line)
            if cmd is None:
                continue
            if DOWNLOAD_INTO_SHELL.search(cmd):
                dropped += 1
                continue
            rows.append(("allow", doc, prov, "-", cmd))
    print("buildfiles: %d download-into-shell lines left out" % dropped, file=sys.stderr)
    return rows


def read_blocks(d, source):
    """## header blocks; the header names the family and, for deny, the reason."""
    rows, fam, reason, n = [], None, "-", 0
    label = "allow" if source == "devtasks" else "deny"
    with open(os.path.join(d, "source.txt")) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("## "):
                head = line[3:].split("|", 1)
                fam, n = head[0].strip(), 0
                reason = head[1].strip() if len(head) > 1 else "-"
                continue
            if not line.strip():
                continue
            doc = fam
            if source in CHUNK:
                doc = "%s#%d" % (fam, n // CHUNK[source])
            prov = "-"
            if source == "attack":
                prov = "https://attack.mitre.org/techniques/%s/" % fam.replace(".", "/")
            rows.append((label, doc, prov, reason, line))
            n += 1
    return rows


def read_sigma(d):
    files = {}
    with open(os.path.join(d, "rules.tsv")) as f:
        for line in f:
            if not line.startswith("#"):
                path, rid, status = line.rstrip("\n").split("\t")
                files[rid] = (path, status)
    rows = []
    with open(os.path.join(d, "commands.tsv")) as f:
        for line in f:
            if line.startswith("#"):
                continue
            rid, reason, cmd = line.rstrip("\n").split("\t", 2)
            path, status = files[rid]
            if status != "kept":
                raise SystemExit("sigma: %s has commands but is %s" % (rid, status))
            rows.append(("deny", "sigma:" + rid, "SigmaHQ/sigma:" + path, reason, cmd))
    return rows


READERS = {"man": lambda d, s: read_man(d), "buildfiles": lambda d, s: read_buildfiles(d),
           "sigma": lambda d, s: read_sigma(d)}


def items(corpus, source):
    d = os.path.join(corpus, source)
    rows = READERS.get(source, read_blocks)(d, source)
    out, seen = [], set()
    for label, doc, prov, reason, cmd in sorted(rows, key=lambda r: r[1]):
        cmd = clean(cmd)
        if cmd in seen:
            continue
        seen.add(cmd)
        out.append((split_of(source, doc), label, doc, prov, reason, cmd))
    return out


HEADER = "# split\tlabel\tdocument\tprovenance\treason\tcommand\n"


def write(corpus):
    for source in SOURCES:
        rows = items(corpus, source)
        path = os.path.join(corpus, source, "items.tsv")
        with open(path + ".tmp", "w") as f:
            f.write(HEADER)
            for r in rows:
                f.write("\t".join(r) + "\n")
        os.replace(path + ".tmp", path)
        for split in ("train", "untouched"):
            sel = [r for r in rows if r[0] == split]
            print("%-10s %-9s %5d items (%4d allow, %4d deny) from %4d documents" % (
                source, split, len(sel), sum(r[1] == "allow" for r in sel),
                sum(r[1] == "deny" for r in sel), len({r[2] for r in sel})))


def check(corpus):
    bad = 0
    for source in SOURCES:
        with open(os.path.join(corpus, source, "items.tsv")) as f:
            for n, line in enumerate(f, 1):
                if line.startswith("#"):
                    continue
                split, _, doc = line.split("\t", 3)[:3]
                if split != split_of(source, doc):
                    print("%s/items.tsv:%d: %s is %s, not %s" % (source, n, doc, split,
                                                                 split_of(source, doc)))
                    bad += 1
    print("split check: %s" % ("ok" if not bad else "%d mismatches" % bad))
    return 1 if bad else 0


def main():
    args = [a for a in sys.argv[1:] if a != "--check"]
    corpus = args[0] if args else "jury/corpus"
    if "--check" in sys.argv[1:]:
        return check(corpus)
    write(corpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
