#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The cloud judge and its circuit breaker. The cloud is a second real
`sevorix jury serve --listen 127.0.0.1:PORT` whose jurors deny; the local
jurors allow, so every answer shows which judge decided. The test stops the
cloud (SIGSTOP: it accepts but never answers), resumes it, and kills it:
  up -> cloud decides;  stalled -> local decides after the cloud deadline;
  N failures -> breaker open, reviews skip the cloud and cost no wait;
  cool-down -> a half-open probe closes the breaker once the cloud is back;
  killed -> refused at once, local decides."""
import json
import os
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jurytest import EXEC, FakeModel, Server, Tap, TempDir, binaries, juror_yaml

t = Tap()
tmp = TempDir()
model = FakeModel()
n = 0


def review(c):
    global n
    n += 1
    t0 = time.time()
    code, a = c.review(dict(EXEC, id="q%d" % n, argv=["git", "show", str(n)]))
    return a, (time.time() - t0) * 1000


def breaker(c):
    c.get("/v1/health")
    return json.loads(c.response()[2]).get("cloud_breaker")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


try:
    cloud_cfg = tmp.file("cloud.yaml", juror_yaml(
        [{"kind": "openai", "name": "cloud-model", "endpoint": model.url + "/deny"}]))
    port = free_port()
    local_cfg = tmp.file("local.yaml", juror_yaml(
        [{"kind": "openai", "name": "local-model", "endpoint": model.url + "/allow"}],
        extra="cache: {size: 0}\ncloud: {url: \"http://127.0.0.1:%d\", deadline_ms: 150, "
              "failures: 2, cooldown_ms: 700}" % port))
    for label, binary in binaries():
        t.prefix = label
        cloud = Server(tmp, cloud_cfg, listen="127.0.0.1:%d" % port, sock=False, binary=binary,
                       name="cloud" + label.rstrip(": "))
        local = Server(tmp, local_cfg, binary=binary, name="local" + label.rstrip(": "))
        c = local.connect()
        try:
            a, ms = review(c)
            t.ok(a["judge"] == "cloud" and a["verdict"] == "deny" and a.get("cloud") == "ok",
                 "cloud up: the cloud decides", a)
            cloud.proc.send_signal(signal.SIGSTOP)
            a, ms = review(c)
            t.ok(a["judge"] == "local" and a["verdict"] == "allow" and a.get("cloud") == "timeout"
                 and 140 <= ms < 1000,
                 "cloud stalled: local jurors decide after the cloud deadline (%.0f ms)" % ms, a)
            a, ms = review(c)
            t.ok(a["judge"] == "local" and a.get("cloud") == "timeout", "second failure", a)
            a, ms = review(c)
            t.ok(a["judge"] == "local" and a.get("cloud") == "open" and ms < 100,
                 "breaker open: the cloud is skipped, no wait (%.1f ms)" % ms, a)
            t.ok(breaker(c) == "open", "GET /v1/health shows the breaker open")
            time.sleep(0.8)
            a, ms = review(c)
            t.ok(a["judge"] == "local" and a.get("cloud") == "timeout",
                 "after the cool-down one probe goes to the still-stalled cloud", a)
            a, ms = review(c)
            t.ok(a.get("cloud") == "open" and ms < 100, "the failed probe reopens the breaker", a)
            cloud.proc.send_signal(signal.SIGCONT)
            time.sleep(0.8)
            a, ms = review(c)
            t.ok(a["judge"] == "cloud" and a.get("cloud") == "ok", "cloud back: the probe succeeds", a)
            a, ms = review(c)
            t.ok(a["judge"] == "cloud" and breaker(c) == "closed", "and the breaker stays closed", a)
            cloud.stop(signal.SIGKILL)
            a, ms = review(c)
            t.ok(a["judge"] == "local" and a.get("cloud") == "error" and ms < 100,
                 "cloud killed: refused at once, local decides (%.1f ms)" % ms, a)
        finally:
            c.close()
            cloud.stop()
            rc = local.stop()
        t.ok(rc == 0 and "ERROR" not in local.logtext(), "the local jury stops cleanly",
             "exit %s\n%s" % (rc, local.logtext()))
finally:
    model.stop()
    tmp.cleanup()
t.done()
