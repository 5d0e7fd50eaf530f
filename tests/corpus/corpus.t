#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# The real-world jury corpus (jury/corpus/): every item's split is the one
# its document hashes to, the items are what the records assemble to, no
# command sits on both sides of a source, the evaluated data carry no trace
# of the sets reserved for independent evaluation, the statistics of
# tools/corpus/eval.py give known values, and eval.py runs end to end
# through the real jury when the build has it.
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(ROOT, "jury", "corpus")
TOOLS = os.path.join(ROOT, "tools", "corpus")
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
RESERVED = ("gtfobins", "atomic-red-team", "atomicredteam", "nl2bash")
n = 0
failed = 0


def ok(cond, name, diag=""):
    global n, failed
    n += 1
    print("%sok %d - %s" % ("" if cond else "not ", n, name))
    if not cond:
        failed += 1
        for line in str(diag).splitlines()[:20]:
            print("# " + line)


def load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(TOOLS, name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def items():
    for source in sorted(os.listdir(CORPUS)):
        path = os.path.join(CORPUS, source, "items.tsv")
        if os.path.isfile(path):
            with open(path) as f:
                for line in f:
                    if not line.startswith("#"):
                        yield source, line.rstrip("\n").split("\t", 5)


def main():
    asm = load("assemble")
    r = subprocess.run([sys.executable, os.path.join(TOOLS, "assemble.py"), "--check", CORPUS],
                       capture_output=True, text=True)
    ok(r.returncode == 0, "every split is the one its document hashes to", r.stdout)

    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "corpus")
        shutil.copytree(CORPUS, copy)
        r = subprocess.run([sys.executable, os.path.join(TOOLS, "assemble.py"), copy],
                           capture_output=True, text=True)
        same = all(open(os.path.join(copy, s, "items.tsv")).read() ==
                   open(os.path.join(CORPUS, s, "items.tsv")).read() for s in asm.SOURCES)
        ok(r.returncode == 0 and same, "the items are what the records assemble to", r.stderr)

    sides, bad_rows, reasons = {}, [], []
    for source, row in items():
        if len(row) != 6 or row[0] not in ("train", "untouched") or \
                row[1] not in ("allow", "deny"):
            bad_rows.append("%s: %r" % (source, row))
            continue
        sides.setdefault((source, row[5]), set()).add(row[0])
        if row[1] == "deny" and row[4] in ("", "-"):
            reasons.append(row[5])
    ok(not bad_rows, "every item has a split, a label and six fields", "\n".join(bad_rows))
    both = [c for (s, c), v in sides.items() if len(v) > 1]
    ok(not both, "no command is on both sides of a source", "\n".join(both))
    ok(not reasons, "every deny carries its reason", "\n".join(reasons))
    counts = {}
    for source, row in items():
        counts[(source, row[0])] = counts.get((source, row[0]), 0) + 1
    ok(all(counts.get((s, sp), 0) > 0 for s in asm.SOURCES for sp in ("train", "untouched")),
       "every source has items on both sides", counts)

    traces = [line for _, row in items() for line in ["\t".join(row)]
              if any(w in line.lower() for w in RESERVED)]
    ok(not traces, "the evaluated items carry no trace of the reserved sets", "\n".join(traces))

    ev = load("eval")
    lo, hi = ev.wilson(0, 10)
    ok(lo == 0 and abs(hi - 0.2775) < 1e-3, "Wilson interval of 0/10 is [0, 0.278]", (lo, hi))
    lo, hi = ev.wilson(50, 100)
    ok(abs(lo - 0.4038) < 1e-3 and abs(hi - 0.5962) < 1e-3, "Wilson interval of 50/100",
       (lo, hi))
    calibrated = [(True, True, 0.75, True)] * 3 + [(True, True, 0.75, False)]
    ok(abs(ev.ece(calibrated)) < 1e-9, "ECE of a calibrated voter is 0", ev.ece(calibrated))
    sure = [(True, True, 0.95, False)] * 4
    ok(abs(ev.ece(sure) - 0.95) < 1e-9, "ECE of a voter sure and always wrong is its confidence",
       ev.ece(sure))
    ok(ev.f1_of(8, 2, 2) == 0.8 and ev.f1_of(0, 3, 3) == 0.0, "F1 from counts")

    sevorix = os.path.join(BUILD, "sevorix")
    data = os.path.join(BUILD, "jury")
    if not (os.access(sevorix, os.X_OK) and os.path.isfile(os.path.join(data, "ngram.model"))):
        print("ok %d # SKIP %s or the trained models are missing (make tests builds them)" %
              (n + 1, sevorix))
        print("1..%d" % (n + 1))
        return 1 if failed else 0
    env = dict(os.environ, SEVORIX_JURY_DATA=data)
    r = subprocess.run([sys.executable, os.path.join(TOOLS, "eval.py"), sevorix, CORPUS,
                        "--boot", "0"], capture_output=True, text=True, env=env, timeout=900)
    out = r.stdout
    ok(r.returncode == 0 and "ALL REAL / untouched" in out and "  target: recall" in out and
       out.count("consensus") >= 14, "eval.py scores every source and split through the jury",
       r.stdout[-2000:] + r.stderr[-1000:])
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
