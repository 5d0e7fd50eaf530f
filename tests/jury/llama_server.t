#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The model-server juror (kind llama-server) against the real llama.cpp
`llama-server`, built from the pinned source (`make llama-server`), serving a
random-weight GGUF model (tools/gguf_gen.c) on a UNIX socket (--host
x.sock), through a real `sevorix jury serve` on its own socket.

The model's answers are meaningless by construction (random weights): these
tests assert the mechanics. The juror asks for one token under a grammar
of the two answers and reads the probabilities of the candidates, so even
a random model's answer is a verdict (allow or deny, its probability as
the confidence) and never free text; the same server asked without that
grammar (the openai dialect, JSON mode only) gives an answer that is not a
verdict, and that is an error vote; a server that was killed is an error
vote; and an error vote from a counted juror denies the review."""
import json
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jurytest import (BUILD, MODELS, SLM_REQS as REQS, Conn, Server, Tap, TempDir,
                      binaries, juror_yaml)

SRC = os.path.join(BUILD, "llama", "node-llama-cpp", "llama", "gitRelease.bundle")
LLAMA_SERVER = os.environ.get("LLAMA_SERVER") or os.path.join(BUILD, "llama", "llama-server")


class LlamaServer:
    """llama-server as a real process on a UNIX socket."""

    def __init__(self, tmp, model, name="llama"):
        self.sock = os.path.join(tmp.path, name + ".sock")
        self.log = os.path.join(tmp.path, name + ".log")
        self.logf = open(self.log, "w")
        self.proc = subprocess.Popen(
            [LLAMA_SERVER, "-m", model, "--host", self.sock, "-c", "2048", "-t", "2",
             "-np", "1", "--no-webui", "--no-warmup"],
            stdout=self.logf, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("llama-server exited: " + self.logtext())
            try:
                if self.get("/health")[0] == 200:
                    # The jury serves as its own user (it drops root): the
                    # socket must be writable for it, as in a deployment.
                    os.chmod(self.sock, 0o666)
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("llama-server did not come up: " + self.logtext())

    def get(self, path):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(self.sock)
        c = Conn(s)
        c.get(path)
        st, _, body = c.response()
        c.close()
        return st, body

    def logtext(self):
        self.logf.flush()
        with open(self.log) as f:
            return f.read()[-3000:]

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.logf.close()


def votes(body):
    return {v["juror"]: v for v in body.get("votes", [])} if isinstance(body, dict) else {}


t = Tap()
if not os.path.exists(SRC):
    t.skip("llama-server tests", "the llama.cpp source was not fetched (%s; `make llama-deps` "
           "needs npm and the registry)" % SRC)
    t.done()
t.ok(os.access(LLAMA_SERVER, os.X_OK), "llama-server is built from the pinned source "
     "(make llama-server)", LLAMA_SERVER)
if not os.access(LLAMA_SERVER, os.X_OK):
    t.done()
v = subprocess.run([LLAMA_SERVER, "--version"], capture_output=True, text=True, timeout=30)
t.ok(v.returncode == 0 and "version" in (v.stdout + v.stderr),
     "llama-server --version runs", v.stdout + v.stderr)

tmp = TempDir()
servers = []
try:
    for arch in ("llama", "phi3"):
        srv = LlamaServer(tmp, os.path.join(MODELS, "tiny-%s.gguf" % arch), name=arch)
        servers.append(srv)
        st, body = srv.get("/health")
        t.ok(st == 200 and os.path.exists(srv.sock),
             "%s: llama-server listens on a UNIX socket (--host x.sock)" % arch, body)
    llama, phi3 = servers
    juror = {"kind": "llama-server", "name": "llama", "endpoint": "unix://" + llama.sock,
             "deadline_ms": 20000}
    cfg = tmp.file("jury.yaml", juror_yaml([
        juror,
        {"kind": "llama-server", "name": "phi3", "endpoint": "unix://" + phi3.sock,
         "deadline_ms": 20000},
        {"kind": "openai", "name": "nogrammar", "endpoint": "unix://" + llama.sock,
         "model": "tiny", "deadline_ms": 20000, "advisory": True},
    ], consensus="quorum:1", extra="deadline_ms: 25000\ncache: {size: 0}"))
    for label, binary in binaries():
        t.prefix = label
        jury = Server(tmp, config=cfg, binary=binary, name="jury" + str(len(label)))
        try:
            c = jury.connect(timeout=60)
            answers = []
            for r in REQS:
                st, body = c.review(r)
                answers.append(body)
            for name in ("llama", "phi3"):
                vs = [votes(a).get(name, {}) for a in answers]
                t.ok(all(v.get("verdict") in ("allow", "deny") and
                         0.5 <= v.get("confidence", -1) <= 1 and
                         "model says" in v.get("reason", "") for v in vs),
                     "%s layout through llama-server: 3 reviews, 3 verdicts from the "
                     "answers' probabilities" % name, answers)
            a = answers[0]
            t.ok(a.get("verdict") in ("allow", "deny") and
                 a["verdict"] in (votes(a)["llama"]["verdict"], votes(a)["phi3"]["verdict"]),
                 "the jury's verdict comes from the server jurors' votes", a)
            vs = [votes(a).get("nogrammar", {}) for a in answers]
            t.ok(all(v.get("verdict") == "error" and
                     any(w in v.get("reason", "") for w in ("not a verdict", "cut off"))
                     for v in vs),
                 "without the grammar (openai dialect, JSON mode) the random model's answer "
                 "is garbage: error vote", vs)
            c.close()
        finally:
            jury.stop()
        d = subprocess.run([binary, "jury", "doctor", "--config", cfg], capture_output=True,
                           text=True, timeout=60)
        line = [l.split() for l in d.stdout.splitlines() if l.startswith("  llama ")]
        t.ok(line and line[0][2:] == ["yes", "unix://%s:" % llama.sock, "GET", "/health:",
                                      "HTTP", "200,", "ready"] and d.returncode == 0,
             "sevorix jury doctor: the llama-server juror's server is ready", d.stdout)
    t.prefix = ""

    # A server that was killed: error vote, and a counted error denies.
    for label, binary in binaries():
        t.prefix = label
        victim = LlamaServer(tmp, os.path.join(MODELS, "tiny-llama.gguf"),
                             name="victim" + str(len(label)))
        servers.append(victim)
        one = tmp.file("one.yaml", juror_yaml([dict(juror, endpoint="unix://" + victim.sock)],
                                              consensus="unanimous",
                                              extra="deadline_ms: 25000\ncache: {size: 0}"))
        jury = Server(tmp, config=one, binary=binary, name="one" + str(len(label)))
        try:
            c = jury.connect(timeout=60)
            st, before = c.review(REQS[0])
            t.ok(votes(before).get("llama", {}).get("verdict") in ("allow", "deny"),
                 "one llama-server juror votes", before)
            victim.kill()
            st, after = c.review(REQS[0])
            v = votes(after).get("llama", {})
            t.ok(v.get("verdict") == "error" and "request failed" in v.get("reason", "") and
                 after.get("verdict") == "deny",
                 "llama-server killed: error vote, the review is denied", after)
            c.close()
        finally:
            jury.stop()
    t.prefix = ""
finally:
    for s in servers:
        s.kill()
    tmp.cleanup()
t.done()
