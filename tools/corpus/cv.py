#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Cross-validates the whole jury on the real corpus' train split.

usage: cv.py SEVORIX JURY_TRAIN TEMPLATES_TRAIN.tsv CORPUS_DIR WORKDIR [--config FILE]
             [--mistakes VOTER] [--dump FILE]

The statistical jurors learn from the train split, so their figures on it
say little. This trains them five times, each time without one fold of
the train documents (the folds of tools/jury_train.c: a seeded hash of
source and document), judges that fold with those models through
`SEVORIX jury ask --local`, and reports every voter and the consensus
over the pooled out-of-fold answers, as tools/corpus/eval.py does. The
untouched split is never read. It is a tool for choosing rules, weights
and thresholds without looking at the untouched split; `make eval` is
the report.
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eval as ev  # noqa: E402

FOLDS = 5


def fold_of(source, doc):
    """features_hash(source "\\t" doc, 0x5eed) % FOLDS, as jury_train computes it."""
    h = (2166136261 ^ 0x5eed) & 0xffffffff
    for b in ("%s\t%s" % (source, doc)).encode():
        h ^= b
        h = (h * 16777619) & 0xffffffff
    h ^= h >> 15
    h = (h * 0x2c1b3c6d) & 0xffffffff
    h ^= h >> 12
    return (h & ((1 << 18) - 1)) % FOLDS


def main():
    ap = argparse.ArgumentParser()
    for name in ("sevorix", "jury_train", "templates", "corpus", "workdir"):
        ap.add_argument(name)
    ap.add_argument("--config")
    ap.add_argument("--mistakes")
    ap.add_argument("--dump", help="write the out-of-fold answers as JSON lines to this file")
    a = ap.parse_args()
    items = [it for it in ev.read_items(a.corpus) if it[1] == "train"]
    answers = [None] * len(items)
    for k in range(FOLDS):
        d = os.path.join(a.workdir, "fold%d" % k)
        os.makedirs(d, exist_ok=True)
        subprocess.run([a.jury_train, a.templates, d, a.corpus, str(k)], check=True,
                       stdout=subprocess.DEVNULL)
        idx = [i for i, it in enumerate(items) if fold_of(it[0], it[4]) == k]
        os.environ["SEVORIX_JURY_DATA"] = os.path.abspath(d)
        for i, ans in zip(idx, ev.ask(a.sevorix, [items[i][3] for i in idx], a.config)):
            answers[i] = ans
    if a.dump:
        with open(a.dump, "w") as f:
            for it, ans in zip(items, answers):
                f.write(json.dumps({"source": it[0], "malicious": it[2], "answer": ans}) + "\n")
    if a.mistakes:
        ev.list_mistakes(items, answers, a.mistakes)
        return 0
    per_voter = ev.voters(items, answers)
    print("out-of-fold on the real train split (%d folds by document)" % FOLDS)
    for source in sorted({it[0] for it in items}):
        ev.report_block(source, [k for k, it in enumerate(items) if it[0] == source],
                        per_voter, 0)
    scores = ev.report_block("ALL REAL / train, out of fold", list(range(len(items))),
                             per_voter, 200)
    ev.target_line(scores)
    return 0


if __name__ == "__main__":
    sys.exit(main())
