#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Each consensus mode end to end: `sevorix jury ask --local` with jurors
whose votes are known (model-server adapters against fake_model.py), and
the per-review deadline (a juror later than it is an error vote, and the
review is answered at the deadline, not when the juror finally answers)."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jurytest import EXEC, FakeModel, Tap, TempDir, ask_local, binaries, juror_yaml

t = Tap()
tmp = TempDir()
model = FakeModel()


def J(name, beh, **kw):
    return dict({"kind": "openai", "name": name, "endpoint": "%s/%s" % (model.url, beh)}, **kw)


CASES = [  # consensus, jurors, expected verdict, words in the reason
    ("unanimous", [J("a", "allow"), J("b", "allow")], "allow", "allow: every counted juror allowed; carried by a, b"),
    ("unanimous", [J("a", "allow"), J("b", "deny")], "deny", "deny: not every counted juror allowed; carried by b; outvoted: a"),
    ("unanimous", [J("a", "allow"), J("b", "http500")], "deny", "carried by b; outvoted: a"),
    ("unanimous", [J("a", "allow"), J("b", "deny", advisory=True)], "allow", "allow: every counted juror allowed; carried by a"),
    ("unanimous", [J("a", "allow", advisory=True)], "deny", "deny: no juror allowed"),
    ("quorum:2", [J("a", "allow"), J("b", "allow"), J("c", "deny")], "allow", "allow: 2 allows, 2 needed; carried by a, b; outvoted: c"),
    ("quorum:2", [J("a", "allow"), J("b", "deny"), J("c", "garbage")], "deny", "deny: 1 allow, 2 needed"),
    ("quorum:2", [J("a", "allow"), J("b", "allow"), J("v", "deny", veto=True)], "deny", "deny: vetoed by v"),
    ("quorum:1", [J("a", "allow"), J("v", "maybe", veto=True)], "deny", "deny: vetoed by v"),
    ("weighted:0", [J("a", "allow-0.9"), J("b", "deny-0.6")], "allow", "allow: score 1.79 >= 0"),
    ("weighted:0", [J("a", "allow-0.9"), J("b", "deny-0.6", weight=6)], "deny", "deny: score -0.24 < 0"),
    ("weighted:2", [J("a", "allow-0.9"), J("b", "allow-0.6")], "allow", "allow: score 2.60 >= 2"),
    ("weighted:3", [J("a", "allow-0.9"), J("b", "allow-0.6")], "deny", "deny: score 2.60 < 3"),
]

try:
    for label, binary in binaries():
        t.prefix = label
        for i, (mode, jurors, verdict, words) in enumerate(CASES):
            cfg = tmp.file("c%d.yaml" % i, juror_yaml(jurors, consensus=mode))
            ans, p = ask_local(cfg, [EXEC], binary=binary)
            a = ans[0] if ans else {}
            t.ok(a.get("verdict") == verdict and words in a.get("reason", "") and
                 a.get("consensus") == mode,
                 "%s over %s: %s (%s)" % (mode, ", ".join(j["endpoint"].rsplit("/", 1)[1] for j in jurors),
                                          verdict, words), a or p.stderr)
        cfg = tmp.file("late.yaml", juror_yaml([J("fast", "allow"), J("late", "slow-2000-allow")],
                                               extra="deadline_ms: 300"))
        t0 = time.time()
        ans, p = ask_local(cfg, [EXEC, dict(EXEC, argv=["git", "diff"])], binary=binary)
        took = time.time() - t0
        late = [v for v in ans[0]["votes"] if v["juror"] == "late"][0] if ans else {}
        t.ok(len(ans) == 2 and all(a["verdict"] == "deny" for a in ans) and late.get("verdict") == "error",
             "a juror later than the deadline votes error and the review denies", ans or p.stderr)
        t.ok(ans and all(250_000 <= a["latency_us"] < 700_000 for a in ans),
             "each review is answered at its deadline of 300 ms",
             [a.get("latency_us") for a in ans])
        t.ok("within" in late.get("reason", ""), "the late vote says why", late)
finally:
    model.stop()
    tmp.cleanup()
t.done()
