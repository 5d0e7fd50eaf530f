#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""`sevorix jury serve` as a real process on its real socket in a temporary
directory: socket and directory modes, the privilege drop, the API
(review, health, metrics), keep-alive and pipelining, every bad-input case
(malformed JSON keeps the connection usable; unknown kind; 64 KiB; stalled
clients; bad HTTP), 64 concurrent clients, the peer-credential check
against an unprivileged uid, and a clean stop on SIGTERM. The jurors are
model-server adapters against fake_model.py, so every verdict is known."""
import json
import os
import pwd
import select
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jurytest import EXEC, FakeModel, Server, Tap, TempDir, binaries, juror_yaml

t = Tap()
tmp = TempDir()
model = FakeModel()
ALLOW = dict(EXEC, id="r1")
DENY = {"id": "r2", "kind": "open", "path": "/home/agent/.aws/credentials", "access": "read"}


def test_basics(srv):
    st = os.stat(srv.sock)
    dst = os.stat(os.path.dirname(srv.sock))
    t.ok(stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o660, "socket mode 0660")
    t.ok(stat.S_IMODE(dst.st_mode) == 0o750, "socket directory mode 0750")
    if os.geteuid() == 0:
        status = open("/proc/%d/status" % srv.proc.pid).read()
        uid = [l.split()[1:] for l in status.splitlines() if l.startswith("Uid:")][0]
        want = pwd.getpwnam("sevorix").pw_uid
        t.ok(all(int(u) == want for u in uid), "started as root, serves as user sevorix", uid)
        t.ok(st.st_uid == want and dst.st_gid == pwd.getpwnam("sevorix").pw_gid,
             "socket and directory belong to sevorix")
        capeff = [l.split()[1] for l in status.splitlines() if l.startswith("CapBnd:")][0]
        t.ok(int(capeff, 16) == 0, "no capabilities left in the bounding set")
    c = srv.connect()
    c.get("/v1/health")
    st_, h, body = c.response()
    health = json.loads(body)
    t.ok(st_ == 200 and health["status"] == "ok" and len(health["jurors"]) == 2, "GET /v1/health", body)
    code, a = c.review(ALLOW)
    t.ok(code == 200 and a["verdict"] == "allow" and a["id"] == "r1", "POST /v1/review allows, id echoed", a)
    t.ok(set(a) >= {"id", "verdict", "reason", "consensus", "votes", "cached", "latency_us"}
         and all(set(v) == {"juror", "verdict", "confidence", "reason", "latency_us"} for v in a["votes"]),
         "the answer has every field of the review API", a)
    code, a = c.review({k: v for k, v in DENY.items() if k != "id"})
    t.ok(code == 200 and a["verdict"] == "deny" and "id" not in a and "deny-juror" in a["reason"],
         "same connection (keep-alive): a denied review, no id when none was sent", a)
    code, a = c.review(ALLOW)
    t.ok(code == 200 and a["cached"] is True and a["verdict"] == "allow", "a repeated review is cached", a)
    c.close()


def test_second(srv, binary, cfg):
    p = subprocess.run([binary, "jury", "serve", "--socket", srv.sock, "--config", cfg],
                       capture_output=True, text=True, timeout=10)
    t.ok(p.returncode == 1 and "in use" in p.stderr and os.path.exists(srv.sock),
         "a second jury on the same socket refuses to start and leaves it alone", p.stderr)
    c = srv.connect()
    c.get("/v1/health")
    t.ok(c.response()[0] == 200, "the first jury still answers")
    c.close()


def test_bad_input(srv):
    c = srv.connect()
    c.post("/v1/review", "{not json")
    st, h, body = c.response()
    t.ok(st == 400 and "malformed JSON" in json.loads(body)["error"], "malformed JSON: 400 with a JSON error", body)
    code, a = c.review(ALLOW)
    t.ok(code == 200 and a["verdict"] == "allow", "... and the connection stays usable")
    c.post("/v1/review", json.dumps({"kind": "mount", "path": "/"}))
    st, h, body = c.response()
    t.ok(st == 400 and "unknown kind" in json.loads(body)["error"], "unknown kind: 400", body)
    c.post("/v1/review", json.dumps({"kind": "exec"}))
    st, h, body = c.response()
    t.ok(st == 400 and "path" in json.loads(body)["error"], "missing path: 400 naming the field", body)
    c.get("/nope")
    t.ok(c.response()[0] == 404, "unknown endpoint: 404")
    c.get("/v1/review")
    t.ok(c.response()[0] == 405, "GET on /v1/review: 405")
    # Pipelining: three requests in one write, three answers in order.
    req = json.dumps(ALLOW).encode()
    one = b"POST /v1/review HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(req), req)
    c.send(one + b"GET /v1/health HTTP/1.1\r\n\r\n" + one)
    got = [c.response()[0] for _ in range(3)]
    t.ok(got == [200, 200, 200], "pipelined requests are answered in order", got)
    c.close()

    c = srv.connect()
    c.post("/v1/review", b"x" * (64 * 1024 + 1))
    st, h, body = c.response()
    t.ok(st == 413 and h.get("connection") == "close" and c.closed(), "body over 64 KiB: 413 and close", (st, h))
    c = srv.connect()
    c.post("/v1/review", json.dumps(dict(ALLOW, pad="x" * (60 * 1024))))
    t.ok(c.response()[0] == 200, "a body just under 64 KiB is served")
    c = srv.connect()
    c.send("POST /v1/review HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
    t.ok(c.response()[0] == 501, "chunked bodies: 501")
    c = srv.connect()
    c.send("BLAH\r\n\r\n")
    t.ok(c.response()[0] == 400 and c.closed(), "malformed HTTP: 400 and close")
    c = srv.connect()
    c.send("POST /v1/review HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(req))
    st = c.response()[0]
    c.send(req)
    t.ok(st == 100 and c.response()[0] == 200, "Expect: 100-continue")


def test_stalled(srv):
    c = srv.connect()
    t0 = time.time()
    c.send("POST /v1/review HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"kind\"")
    st, h, body = c.response()
    took = time.time() - t0
    t.ok(st == 408 and c.closed() and took < 2, "a client stalled mid-request gets 408 after the timeout (%.2fs)" % took)
    c = srv.connect()
    t0 = time.time()
    got = None
    try:
        for ch in "POST /v1/review HTTP/1.1\r\nX: " + "a" * 40:
            c.send(ch)
            if select.select([c.s], [], [], 0.05)[0]:
                break
    except OSError:
        pass
    try:
        got = c.response()[0]
    except (EOFError, OSError):
        pass
    took = time.time() - t0
    t.ok(got == 408 and took < 1.5, "a client trickling bytes (slowloris) gets 408 within the timeout (%.2fs)" % took, got)
    c = srv.connect()
    t0 = time.time()
    closed = c.closed()
    t.ok(closed and time.time() - t0 < 2, "an idle connection is closed after the timeout")
    c = srv.connect()
    c.get("/v1/health")
    t.ok(c.response()[0] == 200, "the server still answers after stalled clients")


def test_concurrent(srv, n=64, each=20):
    errors = []
    barrier = threading.Barrier(n)

    def client(i):
        try:
            # connect after the barrier: an idle connection would meet the
            # server's client timeout while a loaded machine starts threads
            barrier.wait(10)
            c = srv.connect()
            for k in range(each):
                code, a = c.review(dict(EXEC, id="c%d-%d" % (i, k), argv=["git", "log", str(i), str(k)]))
                if code != 200 or a["id"] != "c%d-%d" % (i, k) or a["verdict"] != "allow":
                    errors.append((i, k, code, a))
            c.close()
        except Exception as e:  # noqa: BLE001 -- every failure is reported
            errors.append((i, repr(e)))

    th = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    t0 = time.time()
    for x in th:
        x.start()
    for x in th:
        x.join()
    t.ok(not errors, "%d concurrent clients x %d reviews, all answered in %.2fs" % (n, each, time.time() - t0),
         errors[:5])


PEER = r'''
import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(sys.argv[1])
s.sendall(b"GET /v1/health HTTP/1.1\r\n\r\n")
data = b""
while True:
    d = s.recv(4096)
    if not d: break
    data += d
print(data.split(b"\r\n")[0].decode())
'''


def test_peercred(srv):
    if os.geteuid() != 0:
        t.skip("an untrusted uid is refused", "needs root to connect as another uid")
        return
    # Open the file modes so that only the peer-credential check stands in the way.
    os.chmod(os.path.dirname(srv.sock), 0o755)
    os.chmod(srv.sock, 0o666)
    out = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                          sys.executable, "-c", PEER, srv.sock], capture_output=True, text=True, timeout=10)
    t.ok("403" in out.stdout, "uid nobody is refused with 403 by SO_PEERCRED", out.stdout + out.stderr)
    gid = pwd.getpwnam("sevorix").pw_gid
    out = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--groups=%d" % gid,
                          sys.executable, "-c", PEER, srv.sock], capture_output=True, text=True, timeout=10)
    t.ok("200" in out.stdout, "uid nobody in group sevorix is served", out.stdout + out.stderr)


def test_metrics(srv):
    c = srv.connect()
    c.get("/metrics")
    st, h, body = c.response()
    t.ok(st == 200 and h["content-type"].startswith("text/plain"), "GET /metrics")
    m = {}
    for line in body.splitlines():
        if line and not line.startswith("#"):
            k, v = line.rsplit(" ", 1)
            m[k] = float(v)
    t.ok(m.get('sevorix_jury_reviews_total{verdict="deny"}', 0) >= 1 and
         m.get('sevorix_jury_reviews_total{verdict="allow"}', 0) >= 64 * 20, "reviews by verdict")
    t.ok(m.get("sevorix_jury_cache_hits_total", 0) >= 1, "cache hits")
    t.ok(m.get('sevorix_jury_errors_total{status="400"}', 0) >= 3 and
         m.get('sevorix_jury_errors_total{status="413"}', 0) >= 1, "errors by status")
    t.ok(m.get('sevorix_jury_juror_latency_seconds_bucket{juror="allow-juror",le="+Inf"}', 0) >= 1 and
         'sevorix_jury_juror_latency_seconds_sum{juror="deny-juror"}' in m, "per-juror latency histograms")


def test_ask(srv, binary):
    lines = [json.dumps(dict(EXEC, id="a1")), "", "{oops", json.dumps(DENY), json.dumps({"kind": "x"}),
             json.dumps(dict(EXEC, id="a5"))]
    p = subprocess.run([binary, "jury", "ask", "--socket", srv.sock], input="\n".join(lines) + "\n",
                       capture_output=True, text=True, timeout=30)
    out = [json.loads(l) for l in p.stdout.splitlines()]
    t.ok(p.returncode == 0 and len(out) == 5, "jury ask --socket: one answer line per request line", p.stdout + p.stderr)
    t.ok(len(out) == 5 and out[0].get("id") == "a1" and "error" in out[1] and out[2].get("id") == "r2"
         and out[2].get("verdict") == "deny" and "unknown kind" in out[3].get("error", "")
         and out[4].get("id") == "a5", "... in order, errors in their place", out)
    p = subprocess.run([binary, "jury", "ask", "--socket", srv.sock + ".none"], input=lines[0] + "\n",
                       capture_output=True, text=True, timeout=30)
    t.ok(p.returncode == 1 and "no jury answers" in p.stderr, "jury ask to a socket nobody serves fails", p.stderr)


try:
    cfg = tmp.file("jury.yaml", juror_yaml([
        {"kind": "openai", "name": "allow-juror", "endpoint": model.url + "/allow"},
        {"kind": "llama-server", "name": "deny-juror", "endpoint": model.url + "/judge"}],
        # the verdicts are the fake models' answers, not a race against the
        # clock: a loaded machine (the sanitizer build, 64 clients) must not
        # turn a late answer into a deny vote here
        extra="deadline_ms: 5000\nserver: {client_timeout_ms: 500}"))
    for label, binary in binaries():
        t.prefix = label
        srv = Server(tmp, cfg, binary=binary, name="slm" + label.rstrip(": "))
        try:
            test_basics(srv)
            test_second(srv, binary, cfg)
            test_bad_input(srv)
            test_stalled(srv)
            test_concurrent(srv)
            test_peercred(srv)
            test_metrics(srv)
            test_ask(srv, binary)
        finally:
            rc = srv.stop()
        log = srv.logtext()
        t.ok(rc == 0 and not os.path.exists(srv.sock) and "ERROR" not in log,
             "SIGTERM: exit 0, the socket is removed, no sanitizer report", "exit %s\n%s" % (rc, log))
finally:
    model.stop()
    tmp.cleanup()
t.done()
