#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Scores the real jury on the held-out split through `sevorix jury ask --local`.

usage: jury_eval_ask.py SEVORIX TEST.tsv [CONFIG]

Each command goes in as the enforcement side sends it,
{"kind":"exec","path":"/bin/sh","argv":["sh","-c",COMMAND]}, one request
per line; each answer carries the consensus verdict and every juror's
vote, so the figures per juror and for the consensus come from the same
run of the real jury (its configuration, its consensus rule). Deny is the
positive class. When the jury cannot be run, says so and exits 0 (the
per-juror figures of jury_eval stand on their own).
"""
import json
import subprocess
import sys


def score(rows):
    tp = sum(1 for m, d in rows if m and d)
    fp = sum(1 for m, d in rows if not m and d)
    fn = sum(1 for m, d in rows if m and not d)
    tn = sum(1 for m, d in rows if not m and not d)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    fpr = 100.0 * fp / (fp + tn) if fp + tn else 0.0
    return p, r, f, fpr


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    sevorix, test = sys.argv[1], sys.argv[2]
    labels, reqs = [], []
    with open(test) as f:
        for i, line in enumerate(f):
            parts = line.rstrip("\n").split("\t", 3)
            if len(parts) != 4:
                continue
            labels.append(parts[0] == "malicious")
            reqs.append(json.dumps({"id": str(i), "kind": "exec", "path": "/bin/sh",
                                    "argv": ["sh", "-c", parts[3]]}))
    cmd = [sevorix, "jury", "ask", "--local"]
    if len(sys.argv) > 3:
        cmd += ["--config", sys.argv[3]]
    try:
        out = subprocess.run(cmd, input="\n".join(reqs) + "\n", capture_output=True,
                             text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        print("jury ask --local: not available (%s); consensus figures skipped" % e)
        return 0
    answers = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    if out.returncode != 0 or len(answers) != len(labels):
        print("jury ask --local: %d answers for %d requests (rc %d): %s" %
              (len(answers), len(labels), out.returncode, out.stderr.strip()[:200]))
        return 1
    consensus = [(m, a["verdict"] != "allow") for m, a in zip(labels, answers)]
    jurors = {}
    for m, a in zip(labels, answers):
        for v in a.get("votes", []):
            jurors.setdefault(v["juror"], []).append((m, v["verdict"] in ("deny", "error")))
    mode = answers[0].get("consensus", "?") if answers else "?"
    print("through `sevorix jury ask --local` (%d commands, consensus %s):" % (len(labels), mode))
    for name, rows in jurors.items():
        print("  %-42s P %.3f  R %.3f  F1 %.3f  benign denied %5.1f%%" % ((name,) + score(rows)))
    print("  %-42s P %.3f  R %.3f  F1 %.3f  benign denied %5.1f%%" %
          (("consensus " + mode,) + score(consensus)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
