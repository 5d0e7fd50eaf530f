#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks that the folders of src/ include each other in the documented order.

The order is the fenced block under "## Dependency order" in SRC/README.md:
one line per tier, lowest first, each line naming one or more folders of
SRC. A file in folder F may include headers of F itself and of folders on
earlier lines; anything else (a folder on the same line, a later line, or
a folder the order does not name) is reported as FILE:LINE with both
folders, and the exit status is 1. As the order is a list, no circle
between folders can pass.

Includes are resolved as the compiler sees them with -Iinclude -Isrc:
next to the including file first, then under SRC, then under the
include folder beside it; others (system headers, generated skeletons)
are not folders of SRC and are left alone.

usage: depcheck.py [SRC]     (default: src)
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def read_order(src):
    path = os.path.join(src, "README.md")
    tiers, inside, seen = [], False, False
    with open(path) as f:
        for line in f:
            if line.startswith("## "):
                seen = line.strip() == "## Dependency order"
                continue
            if seen and line.startswith("```"):
                if inside:
                    break
                inside = True
                continue
            if inside:
                names = line.split("#")[0].split()
                if names:
                    tiers.append(names)
    if not tiers:
        sys.exit(f"{path}: no '## Dependency order' block")
    rank = {}
    for i, names in enumerate(tiers):
        for n in names:
            if n in rank:
                sys.exit(f"{path}: folder '{n}' named twice")
            rank[n] = i
    return rank


def folder_of(src, path):
    rel = os.path.relpath(path, src)
    if rel.startswith(".."):
        return None
    parts = rel.split(os.sep)
    return parts[0] if len(parts) > 1 else None


def resolve(src, incdir, here, name):
    for base in (os.path.dirname(here), src, incdir):
        cand = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(cand):
            return cand
    return None


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "src"
    incdir = os.path.join(os.path.dirname(os.path.abspath(src)), "include")
    rank = read_order(src)
    bad = 0
    for root, _, files in sorted(os.walk(src)):
        for fn in sorted(files):
            if not fn.endswith((".c", ".h")):
                continue
            path = os.path.join(root, fn)
            me = folder_of(src, path)
            if me is None:
                continue
            if me not in rank:
                print(f"{path}: folder '{me}' is not in {src}/README.md's dependency order")
                bad += 1
                continue
            with open(path, errors="replace") as f:
                for no, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    target = resolve(src, incdir, path, m.group(1))
                    other = folder_of(src, target) if target else None
                    if other is None or other == me:
                        continue
                    if other not in rank or rank[other] >= rank[me]:
                        where = "is not in the order" if other not in rank else \
                            "is not below it" if rank[other] > rank[me] else "is on its tier"
                        print(f"{path}:{no}: {me} includes {m.group(1)} of {other}, "
                              f"which {where}")
                        bad += 1
    if bad:
        sys.stdout.flush()
        print(f"{bad} include(s) against the order in {src}/README.md", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
