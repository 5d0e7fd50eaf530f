#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Scores the jury on the real-world corpus, per source and split.

usage: eval.py SEVORIX CORPUS_DIR [--templates TEST.tsv] [--config FILE]
               [--mistakes JUROR] [--boot N] [--splits train,untouched]

Every command goes to the real jury through `SEVORIX jury ask --local`, as
the enforcement side sends it: {"kind":"exec","path":"/bin/sh",
"argv":["sh","-c",COMMAND]}. Each answer carries the consensus verdict and
every juror's vote, so the figures per juror and for the consensus come
from the same run. Deny is the positive class: precision is the share of
denies that were malicious, recall the share of malicious commands denied,
"denied" the share of everyday commands denied. An error vote counts as a
deny and an abstain as not denying, as the jury counts them.

Printed per source and split (train, untouched), and for all real sources
pooled per split: n, precision, recall and F1 with 95 % intervals (Wilson
for the proportions, a seeded bootstrap over commands for F1), the share
of everyday commands denied, and the expected calibration error (ECE: the
gap between a voter's confidence in its verdict and how often that verdict
is right, averaged over ten confidence bins, weighted by their counts).
The consensus' confidence is the logistic of its weighted score less the
rule's threshold when the rule gives one, and the vetoing juror's
confidence when a veto decided. The template held-out split (--templates) is
reported on its own.

--mistakes JUROR lists that juror's (or "consensus") mistakes on the train
split only: the untouched split is reported, never listed.
"""
import argparse
import json
import math
import os
import random
import re
import subprocess
import sys

Z = 1.959964  # 95 %
TARGET_RECALL, TARGET_DENIED = 0.90, 0.03


def wilson(k, n):
    """95 % Wilson interval of k successes in n trials, or None for n = 0."""
    if n == 0:
        return None
    p = k / n
    d = 1 + Z * Z / n
    c = (p + Z * Z / (2 * n)) / d
    h = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / d
    return max(0.0, c - h), min(1.0, c + h)


def counts(rows):
    """rows: (malicious, denied, confidence or None, correct)."""
    tp = sum(1 for m, d, _, _ in rows if m and d)
    fp = sum(1 for m, d, _, _ in rows if not m and d)
    fn = sum(1 for m, d, _, _ in rows if m and not d)
    tn = sum(1 for m, d, _, _ in rows if not m and not d)
    return tp, fp, fn, tn


def f1_of(tp, fp, fn):
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def boot_f1(rows, n_boot, seed=20261206):
    """Percentile bootstrap interval of F1, resampling commands."""
    if n_boot <= 0 or not rows:
        return None
    r = random.Random(seed)
    codes = [(m, d) for m, d, _, _ in rows]
    n, vals = len(codes), []
    for _ in range(n_boot):
        tp = fp = fn = 0
        for _ in range(n):
            m, d = codes[r.randrange(n)]
            tp += m and d
            fp += (not m) and d
            fn += m and not d
        vals.append(f1_of(tp, fp, fn))
    vals.sort()
    return vals[int(0.025 * n_boot)], vals[min(n_boot - 1, int(0.975 * n_boot))]


def ece(rows, bins=10):
    """Expected calibration error over the votes that carry a confidence."""
    voted = [(c, ok) for _, _, c, ok in rows if c is not None]
    if not voted:
        return None
    total, err = len(voted), 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        sel = [(c, ok) for c, ok in voted if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if sel:
            conf = sum(c for c, _ in sel) / len(sel)
            acc = sum(ok for _, ok in sel) / len(sel)
            err += len(sel) / total * abs(acc - conf)
    return err


def fmt_p(x, ci):
    if x is None:
        return "    -               "
    if ci is None:
        return "%5.3f              " % x
    return "%5.3f [%5.3f,%5.3f]" % (x, ci[0], ci[1])


def score(rows, n_boot):
    tp, fp, fn, tn = counts(rows)
    s = {"n": len(rows), "mal": tp + fn, "ben": fp + tn, "tp": tp, "fp": fp}
    both = tp + fn and fp + tn  # precision and F1 mean nothing on one class alone
    s["p"] = (tp / (tp + fp), wilson(tp, tp + fp)) if both and tp + fp else (None, None)
    s["r"] = (tp / (tp + fn), wilson(tp, tp + fn)) if tp + fn else (None, None)
    s["d"] = (fp / (fp + tn), wilson(fp, fp + tn)) if fp + tn else (None, None)
    s["f"] = (f1_of(tp, fp, fn), boot_f1(rows, n_boot)) if both else (None, None)
    s["ece"] = ece(rows)
    return s


def print_row(name, s):
    e = "  ECE %5.3f" % s["ece"] if s["ece"] is not None else "  ECE   -  "
    print("  %-24s n %5d  P %s  R %s  F1 %s  denied %s%s" % (
        name, s["n"], fmt_p(*s["p"]), fmt_p(*s["r"]), fmt_p(*s["f"]), fmt_p(*s["d"]), e))


def read_items(corpus):
    """(source, split, malicious, command) for every items.tsv of the corpus."""
    items = []
    for source in sorted(os.listdir(corpus)):
        path = os.path.join(corpus, source, "items.tsv")
        if not os.path.isfile(path):
            continue
        with open(path) as f:
            for line in f:
                if line.startswith("#"):
                    continue
                split, label, doc, _, _, cmd = line.rstrip("\n").split("\t", 5)
                items.append((source, split, label == "deny", cmd, doc))
    return items


def read_templates(path):
    items = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t", 3)
            if len(parts) == 4:
                items.append(("templates", "held-out", parts[0] == "malicious", parts[3],
                              parts[2]))
    return items


def ask(sevorix, commands, config):
    reqs = [json.dumps({"id": str(i), "kind": "exec", "path": "/bin/sh",
                        "argv": ["sh", "-c", c]}) for i, c in enumerate(commands)]
    cmd = [sevorix, "jury", "ask", "--local"] + (["--config", config] if config else [])
    out = subprocess.run(cmd, input="\n".join(reqs) + "\n", capture_output=True, text=True,
                         timeout=1800)
    answers = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    if out.returncode != 0 or len(answers) != len(commands):
        raise SystemExit("jury ask --local: %d answers for %d requests (rc %d): %s" % (
            len(answers), len(commands), out.returncode, out.stderr.strip()[:300]))
    return answers


def vote_row(malicious, verdict, confidence):
    """(malicious, denied, confidence in the verdict or None, verdict right)."""
    denied = verdict in ("deny", "error")
    if verdict == "abstain" or confidence is None:
        return malicious, denied, None, False
    return malicious, denied, float(confidence), denied == malicious


SCORE = re.compile(r"score (-?[0-9.]+)")


VETO = re.compile(r"vetoed by ([^(;]+)")


def consensus_row(malicious, answer):
    """The consensus vote. Its confidence is the logistic of its score less the
    rule's threshold; under a veto, the vetoing juror's confidence."""
    denied = answer["verdict"] != "allow"
    reason = answer.get("reason", "")
    veto = VETO.search(reason)
    if veto:
        names = {n.strip() for n in veto.group(1).split(",")}
        confs = [v.get("confidence") or 1.0 for v in answer.get("votes", [])
                 if v["juror"] in names and v["verdict"] in ("deny", "error")]
        conf = max(confs) if confs else None
        return malicious, denied, conf, denied == malicious
    m = SCORE.search(reason)
    if not m:
        return malicious, denied, None, False
    mode = answer.get("consensus", "")
    thr = float(mode.split(":", 1)[1]) if ":" in mode and mode[0] in "wt" else 0.0
    z = max(-50.0, min(50.0, float(m.group(1)) - thr))
    p_allow = 1 / (1 + math.exp(-z))
    conf = 1 - p_allow if denied else p_allow
    return malicious, denied, conf, denied == malicious


def voters(items, answers):
    """{voter: [row per item]}, jurors in the order the jury lists them."""
    out = {}
    for (_, _, mal, _, _), a in zip(items, answers):
        for v in a.get("votes", []):
            out.setdefault(v["juror"], []).append(vote_row(mal, v["verdict"],
                                                           v.get("confidence")))
        out.setdefault("consensus", []).append(consensus_row(mal, a))
    return out


def report_block(title, idx, per_voter, n_boot):
    print(title)
    scores = {}
    for name, rows in per_voter.items():
        scores[name] = score([rows[i] for i in idx], n_boot)
        print_row(name, scores[name])
    return scores


def target_line(scores):
    c = scores.get("consensus")
    if not c or c["r"][0] is None or c["d"][0] is None:
        return
    best = max((s["f"][0] or 0, n) for n, s in scores.items() if n != "consensus")
    print("  target: recall %.3f (>= %.2f %s), everyday denied %.3f (<= %.2f %s), "
          "consensus F1 %.3f vs best juror %s %.3f (%s)" % (
              c["r"][0], TARGET_RECALL, "met" if c["r"][0] >= TARGET_RECALL else "NOT met",
              c["d"][0], TARGET_DENIED, "met" if c["d"][0] <= TARGET_DENIED else "NOT met",
              c["f"][0], best[1], best[0], "beats" if c["f"][0] > best[0] else "does NOT beat"))


def list_mistakes(items, answers, who):
    """Train-split mistakes of one voter; the untouched split is never listed."""
    for (source, split, mal, cmd, doc), a in zip(items, answers):
        if split != "train":
            continue
        if who == "consensus":
            denied, reason = a["verdict"] != "allow", a.get("reason", "")
        else:
            v = [v for v in a.get("votes", []) if v["juror"] == who]
            if not v:
                continue
            denied, reason = v[0]["verdict"] in ("deny", "error"), v[0].get("reason", "")
        if denied != mal:
            print("%s\t%s\t%s\t%s\t%s" % ("FN" if mal else "FP", source, doc, cmd, reason))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sevorix")
    ap.add_argument("corpus")
    ap.add_argument("--templates")
    ap.add_argument("--config")
    ap.add_argument("--mistakes")
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--splits", default="train,untouched",
                    help="the real splits to report (train alone while rules are written)")
    a = ap.parse_args()
    items = [it for it in read_items(a.corpus) if it[1] in a.splits.split(",")]
    if a.templates:
        items += read_templates(a.templates)
    if not items:
        raise SystemExit("eval: no items in %s" % a.corpus)
    answers = ask(a.sevorix, [i[3] for i in items], a.config)
    if a.mistakes:
        list_mistakes(items, answers, a.mistakes)
        return 0
    per_voter = voters(items, answers)
    mode = answers[0].get("consensus", "?")
    print("real-world corpus %s through `sevorix jury ask --local` (consensus %s); "
          "deny = positive, 95 %% intervals" % (a.corpus, mode))
    if a.templates:
        idx = [k for k, it in enumerate(items) if it[0] == "templates"]
        report_block("templates held-out (%s): %d commands" % (a.templates, len(idx)),
                     idx, per_voter, a.boot)
    sources = sorted({it[0] for it in items if it[0] != "templates"})
    for split in [s for s in ("train", "untouched") if s in a.splits.split(",")]:
        for source in sources:
            idx = [k for k, it in enumerate(items) if it[0] == source and it[1] == split]
            report_block("%s / %s" % (source, split), idx, per_voter, 0)
        idx = [k for k, it in enumerate(items) if it[0] != "templates" and it[1] == split]
        scores = report_block("ALL REAL / %s" % split, idx, per_voter, a.boot)
        target_line(scores)
    return 0


if __name__ == "__main__":
    sys.exit(main())
