#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Writes the jury's labelled corpus: train.tsv and test.tsv.

Every line is `label<TAB>technique<TAB>template<TAB>command`, label being
"benign" or "malicious". Templates (tools/jury_templates.py) are split
whole: in each technique every fourth template, counting from a seeded
shuffle, is held out for the test split, so no template is on both sides
and the test score measures generalization to unseen command shapes.
Each template yields a few variants by filling its slots, and a share of
them are wrapped the way agents run commands (sh -c, sudo, timeout ...).

usage: jury_corpus.py OUTDIR [--seed N] [--per-template N]
"""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jury_corpus_fill import expand  # noqa: E402
from jury_templates import BENIGN, MALICIOUS  # noqa: E402

TEST_EVERY = 4


def variants(template, r, n, label):
    out = []
    seen = set()
    for _ in range(n * 4):
        cmd = wrap(expand(template, r), r, label)
        if "\t" in cmd or "\n" in cmd:
            cmd = cmd.replace("\t", " ").replace("\n", "; ")
        if cmd not in seen:
            seen.add(cmd)
            out.append(cmd)
        if len(out) >= n:
            break
    return out


def wrap(cmd, r, label):
    """A share of commands arrive wrapped or chained as agents send them.

    The wrappers do not depend on the label, so that no wrapper becomes a
    cue for either class.
    """
    k = r.random()
    if k < 0.06:
        return "cd /home/agent/project && " + cmd
    if k < 0.09:
        return "bash -c '%s'" % cmd.replace("'", "'\\''")
    if k < 0.12:
        return cmd + " 2>/dev/null"
    if k < 0.14:
        return cmd + " 2>&1 | tail -n 20"
    if k < 0.16:
        return cmd + " || true"
    if k < 0.18:
        return "set -e; " + cmd
    if k < 0.20:
        return "timeout 60 " + cmd if "&&" not in cmd and ";" not in cmd else cmd
    if k < 0.22:
        return cmd + " && echo done"
    if k < 0.24:
        return "export LANG=C.UTF-8; " + cmd
    return cmd


def build(groups, label, r, per_template):
    rows = []
    for technique in sorted(groups):
        templates = list(enumerate(groups[technique]))
        order = list(range(len(templates)))
        r.shuffle(order)
        test_ids = set(order[i] for i in range(TEST_EVERY - 1, len(order), TEST_EVERY))
        for idx, template in templates:
            split = "test" if idx in test_ids else "train"
            n = per_template + (per_template if "{" in template else 0)
            for cmd in variants(template, r, n, label):
                rows.append((split, label, technique, "%s/%d" % (technique, idx), cmd))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--per-template", type=int, default=8)
    a = ap.parse_args()
    r = random.Random(a.seed)
    rows = build(BENIGN, "benign", r, a.per_template) + \
        build(MALICIOUS, "malicious", r, a.per_template)
    os.makedirs(a.outdir, exist_ok=True)
    counts = {}
    for split in ("train", "test"):
        path = os.path.join(a.outdir, split + ".tsv")
        with open(path + ".tmp", "w") as f:
            for s, label, technique, tid, cmd in rows:
                if s == split:
                    f.write("%s\t%s\t%s\t%s\n" % (label, technique, tid, cmd))
                    counts[(split, label)] = counts.get((split, label), 0) + 1
        os.replace(path + ".tmp", path)
    for (split, label), n in sorted(counts.items()):
        print("corpus: %s %s %d" % (split, label, n))


if __name__ == "__main__":
    main()
