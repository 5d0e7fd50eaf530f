#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""A listening socket as a channel out, for tests/escape/listen.t: binds
(or only listens), says where, then serves one connection with a secret.

usage: listen.py tcp|udp|listen-only|bind-only ADDR PORT
Prints "listening PORT" once it listens, or the errno name (EPERM) when
bind or listen is refused; "served" after it answered a connection.
bind-only binds, prints "bound" and exits."""
import errno
import socket
import sys

mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM if mode == "udp" else socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    if mode != "listen-only":
        s.bind((addr, port))
    if mode == "bind-only":
        print("bound", flush=True)
        sys.exit(0)
    if mode != "udp":
        s.listen(4)
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e.errno)), flush=True)
    sys.exit(1)
print("listening", s.getsockname()[1], flush=True)
s.settimeout(5)
try:
    if mode == "udp":
        _, peer = s.recvfrom(64)
        s.sendto(b"secret", peer)
    else:
        c, _ = s.accept()
        c.sendall(b"secret")
        c.close()
    print("served", flush=True)
except OSError:
    print("nobody came", flush=True)
