#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""`sevorix jury doctor --config FILE` and the language-model part of
`sevorix doctor`: whether libllama is there and of the pinned release, and,
for each model juror of the jury, whether it would work -- a gguf model
that loads through the real runtime, one that does not (truncated file), a
library of another llama.cpp version (refused), no library at all, a model
server that answers (fake_model.py, a real process on a UNIX socket) and one
that is not there or not ready (HTTP 500). The exit status says whether
every model juror would work."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jurytest import (LLAMA_LIB as LIB, MODELS, SEVORIX, FakeModel, Tap, TempDir, juror_yaml,
                      other_libllama)

TINY = os.path.join(MODELS, "tiny-llama.gguf")

def doctor(cfg):
    p = subprocess.run([SEVORIX, "jury", "doctor", "--config", cfg], capture_output=True,
                       text=True, timeout=120)
    rows = {}  # "  NAME (KIND)<pad to 26> yes|no TEXT", by NAME
    for line in p.stdout.splitlines():
        name, status, text = line[2:28].strip(), line[29:33].strip(), line[34:]
        if line.startswith("  ") and status in ("yes", "no"):
            rows.setdefault(name.split(" (")[0], []).append((status, text))
    return p, rows


t = Tap()
tmp = TempDir()
model = FakeModel(unix=os.path.join(tmp.path, "model.sock"))
web = FakeModel()
try:
    fake = other_libllama(t, tmp)

    cfg = tmp.file("servers.yaml", juror_yaml([
        {"kind": "rulebook"},
        {"kind": "llama-server", "name": "up",
         "endpoint": "unix://" + os.path.join(tmp.path, "model.sock")},
        {"kind": "ollama", "name": "down", "endpoint": "unix://" +
         os.path.join(tmp.path, "absent.sock")},
        {"kind": "openai", "name": "sick", "endpoint": web.url + "/http500"},
        {"kind": "gguf", "name": "nolib", "model": TINY, "library": "/nonexistent/libllama.so"},
        {"kind": "gguf", "name": "other", "model": TINY, "library": fake},
    ]))
    p, rows = doctor(cfg)
    t.ok(rows.get("up", [("", "")])[0][0] == "yes" and
         "GET /health: HTTP 200, ready" in rows["up"][0][1],
         "a model server that is ready: yes", p.stdout)
    t.ok(rows.get("sick", [("", "")])[0][0] == "no" and
         "GET /v1/models: HTTP 500" in rows["sick"][0][1],
         "a model server that answers but is not ready: no", p.stdout)
    t.ok(rows.get("down", [("", "")])[0][0] == "no" and "no answer" in rows["down"][0][1],
         "a model server that is not there: no", p.stdout)
    libs = rows.get("libllama", [])
    t.ok(len(libs) == 2 and libs[0][0] == "no" and "not available" in libs[0][1] and
         libs[1][0] == "no" and "refusing llama.cpp deadbee" in libs[1][1] and
         "built for 0ad4a86" in libs[1][1],
         "libllama: missing, and of another version (refused, both versions named)", p.stdout)
    t.ok(rows.get("nolib", [("", "")])[0][0] == "no" and
         rows.get("other", [("", "")])[0][0] == "no",
         "gguf jurors without a usable runtime: no", p.stdout)
    t.ok(p.returncode == 1 and "rulebook" not in rows,
         "exit 1 when a model juror would vote error; fast jurors are not listed",
         (p.returncode, p.stdout))

    if not (os.path.exists(LIB) and os.path.exists(TINY)):
        t.skip("gguf models through the runtime",
               "no llama.cpp runtime or test model (`make llama-deps llama-models`)")
    else:
        truncated = os.path.join(tmp.path, "truncated.gguf")
        with open(TINY, "rb") as f:
            data = f.read()
        with open(truncated, "wb") as f:
            f.write(data[: len(data) // 2])
        good = {"kind": "gguf", "name": "good", "model": TINY, "library": LIB}
        cfg = tmp.file("gguf.yaml", juror_yaml([
            good, {"kind": "gguf", "name": "broken", "model": truncated, "library": LIB}]))
        p, rows = doctor(cfg)
        libs = rows.get("libllama", [])
        t.ok(len(libs) == 1 and libs[0][0] == "yes" and "llama.cpp 0ad4a86" in libs[0][1],
             "libllama of the pinned release: yes, with its version", p.stdout)
        t.ok(rows.get("good", [("", "")])[0] == ("yes", TINY),
             "a gguf model that loads: yes", p.stdout)
        t.ok(rows.get("broken", [("", "")])[0][0] == "no" and
             "cannot load model" in rows["broken"][0][1] and p.returncode == 1,
             "a truncated gguf model: no, with llama.cpp's reason; exit 1", p.stdout)
        p, rows = doctor(tmp.file("good.yaml", juror_yaml([good, {"kind": "ngram"}])))
        t.ok(p.returncode == 0 and rows.get("good", [("", "")])[0][0] == "yes",
             "every model juror would work: exit 0", (p.returncode, p.stdout))

    p = subprocess.run([SEVORIX, "doctor"], capture_output=True, text=True, timeout=120)
    t.ok("Kernel layers:" in p.stdout and "Language-model jurors (jury: " in p.stdout and
         "  libllama " in p.stdout,
         "sevorix doctor reports the language-model jurors after the kernel layers", p.stdout)
finally:
    model.stop()
    web.stop()
    tmp.cleanup()
t.done()
