#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A person on the jury, on the real kernel: `sevorix run` holds a reviewed
exec and the jury's human juror waits for a person.

With --pty (the test is the user's terminal: a pseudo-terminal it opened)
the supervisor relays the agent's terminal through a pty of its own and
asks on the user's side: y lets the exec run, n refuses it (EPERM, 126),
a allows it for the rest of the run (the same command again runs without
a question). Without --pty, `sevorix pending` lists the held review with
its run and the agent's uid, and `sevorix approve ID` lets it run."""
import os
import pty
import select
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "jury"))
from jurytest import SEVORIX, Server, Tap, TempDir  # noqa: E402

t = Tap()
if os.geteuid() != 0:
    t.skip("human juror on the kernel", "needs root (CI runs as root)")
    t.done()
if subprocess.run([SEVORIX, "doctor"], capture_output=True).returncode != 0:
    t.skip("human juror on the kernel", "kernel lacks the cgroup eBPF layer")
    t.done()
if not os.path.exists("/usr/bin/curl"):
    t.skip("human juror on the kernel", "no /usr/bin/curl")
    t.done()

tmp = TempDir()
os.chmod(tmp.path, 0o755)
work = os.path.join(tmp.path, "w")
os.mkdir(work)
os.chmod(work, 0o777)
jury_cfg = tmp.file("jury.yaml", "consensus: unanimous\ndeadline_ms: 250\ncache: {size: 0}\n"
                    "jurors:\n  - {kind: human, name: person, human_deadline_ms: 20000}\n")
srv = Server(tmp, jury_cfg, name="human")
policy = tmp.file("p.yaml", "version: 1\nexec:\n  default: allow\n  rules:\n"
                  "    - {action: review, path: /usr/bin/curl}\n"
                  "jury: {local: \"unix://%s\"}\nreview: {deadline_ms: 30000}\n" % srv.sock)
URL = "http://localhost:9/"


def run_pty(script):
    """`sevorix run --pty` on a pseudo-terminal of the test's: (pid, master fd)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(work)
        os.execv(SEVORIX, [SEVORIX, "run", "--pty", "--policy", policy, "--user", "nobody",
                           "--events", "/dev/null", "--", "/bin/bash", "-c", script])
    return pid, fd


def read_until(fd, words, timeout=25):
    """What the terminal shows until words appear (or the time is out)."""
    out, end = b"", time.time() + timeout
    while words.encode() not in out and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    return out.decode(errors="replace")


def finish(pid, fd):
    rest = read_until(fd, "\x00", timeout=15)
    os.waitpid(pid, 0)
    os.close(fd)
    return rest


try:
    for key, want, name in ((b"y", "RC=7", "y: the exec runs (curl itself fails: nothing listens)"),
                            (b"n", "RC=126", "n: the exec is refused (EPERM: 126)")):
        pid, fd = run_pty("curl -s %s; echo RC=$?" % URL)
        shown = read_until(fd, "allow?")
        t.ok("[sevorix] the agent wants to run:" in shown and "/usr/bin/curl" in shown,
             "--pty: the question appears on the user's terminal with the action", shown)
        os.write(fd, key)
        rest = finish(pid, fd)
        t.ok(want in rest, "--pty, " + name, rest)

    pid, fd = run_pty("curl -s %s; echo RC1=$?; curl -s %s; echo RC2=$?" % (URL, URL))
    shown = read_until(fd, "allow?")
    os.write(fd, b"a")
    rest = finish(pid, fd)
    t.ok("RC1=7" in rest and "RC2=7" in rest and rest.count("allow?") == 0,
         "--pty, a: allowed for the rest of the run; the same command again is not asked",
         shown + rest)

    # without --pty: the CLI
    p = subprocess.Popen([SEVORIX, "run", "--policy", policy, "--user", "nobody", "--events",
                          "/dev/null", "--", "/bin/bash", "-c", "curl -s %s; echo RC=$?" % URL],
                         cwd=work, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    listing = ""
    for _ in range(200):
        listing = subprocess.run([SEVORIX, "pending", "--socket", srv.sock],
                                 capture_output=True, text=True).stdout
        if listing.startswith("h"):
            break
        time.sleep(0.1)
    t.ok(listing.startswith("h") and "uid 65534" in listing and "curl" in listing,
         "`sevorix pending` lists the held exec with its run and the agent's uid", listing)
    a = subprocess.run([SEVORIX, "approve", listing.split()[0] if listing else "x",
                        "--socket", srv.sock], capture_output=True, text=True)
    out, _ = p.communicate(timeout=30)
    t.ok(a.returncode == 0 and "RC=7" in out, "`sevorix approve ID` lets it run", (a.stdout, out))
finally:
    srv.stop()
    subprocess.run([SEVORIX, "cleanup"], capture_output=True)
    tmp.cleanup()
t.done()
