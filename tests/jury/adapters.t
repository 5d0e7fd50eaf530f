#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The model-server adapters (llama-server, ollama, openai) against a real
HTTP server process speaking each dialect (fake_model.py): a verdict and its
confidence come through (for llama-server, from the probabilities of the
two answers' tokens, also when the server's candidates are the model's
unconstrained ones, and asked again once when they name no answer); a
slow answer, HTTP 500, garbage, prose around the
verdict, an unknown verdict and a truncated answer are each an error vote;
a unix:// endpoint works; a server that is not there is an error vote."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jurytest import EXEC, FakeModel, Tap, TempDir, ask_local, binaries, juror_yaml

KINDS = ["llama-server", "ollama", "openai"]
CASES = [  # behaviour, expected verdict, words expected in the reason
    ("allow-0.8", "allow", "model says allow"),
    ("deny-0.95", "deny", "model says deny"),
    ("slow-1500-allow", "error", "no answer within"),
    ("http500", "error", "HTTP 500"),
    ("garbage", "error", "not JSON"),
    ("prose", "error", "not a verdict"),
    ("maybe", "error", "not a verdict"),
    ("truncated", "error", "cut off"),
]

t = Tap()
tmp = TempDir()
model = FakeModel()
umodel = FakeModel(unix=os.path.join(tmp.path, "model.sock"), mode="deny-0.7")
try:
    jurors = []
    for kind in KINDS:
        for beh, _, _ in CASES:
            jurors.append({"kind": kind, "name": "%s-%s" % (kind, beh), "advisory": True,
                           "model": "tiny", "endpoint": "%s/%s" % (model.url, beh),
                           "deadline_ms": 400})
        jurors.append({"kind": kind, "name": kind + "-unix", "advisory": True,
                       "endpoint": "unix://" + os.path.join(tmp.path, "model.sock")})
        jurors.append({"kind": kind, "name": kind + "-down", "advisory": True,
                       "endpoint": "http://127.0.0.1:1/"})
    for beh in ("offlist", "ambiguous"):
        jurors.append({"kind": "llama-server", "name": "llama-server-" + beh, "advisory": True,
                       "endpoint": "%s/%s" % (model.url, beh), "deadline_ms": 400})
    for label, binary in binaries():
        t.prefix = label
        cfg = tmp.file("jury.yaml", juror_yaml(jurors, extra="deadline_ms: 2000"))
        t0 = time.time()
        answers, p = ask_local(cfg, [EXEC], binary=binary)
        took = time.time() - t0
        t.ok(len(answers) == 1, "one answer for one request", p.stderr)
        votes = {v["juror"]: v for v in answers[0]["votes"]} if answers else {}
        for kind in KINDS:
            for beh, verdict, words in CASES:
                v = votes.get("%s-%s" % (kind, beh), {})
                if kind == "llama-server" and beh == "truncated":
                    words = "not a verdict"  # one token is always "cut off": no candidates
                t.ok(v.get("verdict") == verdict and words in v.get("reason", ""),
                     "%s, %s: %s vote (%s)" % (kind, beh, verdict, words), v)
            v = votes.get("%s-allow-0.8" % kind, {})
            t.ok(abs(v.get("confidence", 0) - 0.8) < 1e-9, "%s: the model's confidence is kept" % kind, v)
            v = votes.get(kind + "-unix", {})
            t.ok(v.get("verdict") == "deny" and abs(v.get("confidence", 0) - 0.7) < 1e-9,
                 "%s over a unix:// endpoint" % kind, v)
            v = votes.get(kind + "-down", {})
            t.ok(v.get("verdict") == "error" and "request failed" in v.get("reason", ""),
                 "%s: a server that is not there is an error vote" % kind, v)
        v = votes.get("llama-server-offlist", {})
        t.ok(v.get("verdict") == "deny" and abs(v.get("confidence", 0) - 0.5) < 1e-9,
             "llama-server, unconstrained candidates without an answer: the sampled token "
             "votes, its confidence bounded by the last candidate (0.01 vs 0.02: 0.5)", v)
        v = votes.get("llama-server-ambiguous", {})
        t.ok(v.get("verdict") == "deny" and abs(v.get("confidence", 0) - 0.9) < 1e-9,
             "llama-server, candidates that name no answer: asked again once", v)
        t.ok(took < 1.9, "slow jurors run at once and are cut at their deadline (%.2fs)" % took)
        t.ok(answers and answers[0]["verdict"] == "deny",
             "advisory votes alone never allow (no counted allow)", answers)

        # A non-advisory juror whose server fails denies the review (fail closed).
        cfg2 = tmp.file("j2.yaml", juror_yaml([
            {"kind": "openai", "name": "ok", "endpoint": model.url + "/allow"},
            {"kind": "ollama", "name": "broken", "endpoint": model.url + "/http500"}]))
        answers, p = ask_local(cfg2, [EXEC], binary=binary)
        t.ok(answers and answers[0]["verdict"] == "deny" and "broken" in answers[0]["reason"],
             "an HTTP 500 from a counted juror denies", answers or p.stderr)
finally:
    model.stop()
    umodel.stop()
    tmp.cleanup()
t.done()
