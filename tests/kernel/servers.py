#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Listeners for the network tests: TCP on ADDR:PORT and UNIX stream
sockets at PATH, each answering any request with a small HTTP response,
so that an allowed connect really completes. Runs until killed."""
import socket, sys, threading, os

def serve(sock):
    name = sock.getsockname()
    while True:
        c, _ = sock.accept()
        if isinstance(name, tuple):
            print("conn %s:%d" % (name[0], name[1]), flush=True)
        try:
            c.settimeout(2)
            try:
                c.recv(4096)
            except OSError:
                pass
            c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
        except OSError:
            pass  # the client went away first
        finally:
            c.close()

socks = []
for spec in sys.argv[1:]:
    if spec.startswith("/"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(spec)
        os.chmod(spec, 0o777)
    else:
        addr, port = spec.rsplit(":", 1)
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr.strip("[]"), int(port)))
    s.listen(64)
    socks.append(s)
for s in socks:
    threading.Thread(target=serve, args=(s,), daemon=True).start()
print("ready", flush=True)
threading.Event().wait()
