#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A DNS client for the tests, written apart from the code under test.

usage: dnsq.py [--tcp] [--count N] [--timeout S] [--check FILE TEXT] HOST:PORT NAME [A|AAAA|TXT]
       dnsq.py --raw HEX HOST:PORT

Prints one line per answer: the rcode name and the A/AAAA addresses of
the answer section ("NOERROR 127.0.0.1"), or TIMEOUT. --count sends N
queries at once (over TCP: pipelined on one connection) and prints their
answers in id order. --check prints, after the first answer, "learnt" or
"not-learnt": whether FILE held TEXT at the moment the answer arrived.
--raw sends the bytes as a UDP datagram and prints the reply in hex, or
"no reply".
"""
import random
import socket
import struct
import sys

RCODES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"]
TYPES = {"A": 1, "AAAA": 28, "TXT": 16, "ANY": 255, "AXFR": 252}


def query(qid, name, qtype):
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\0" + struct.pack(">HH", qtype, 1)


def skip_name(msg, off):
    while True:
        n = msg[off]
        if n >= 0xC0:
            return off + 2
        off += 1 + n
        if n == 0:
            return off


def answer(msg):
    qid, flags, qd, an = struct.unpack(">HHHH", msg[:8])
    off = 12
    for _ in range(qd):
        off = skip_name(msg, off) + 4
    addrs = []
    for _ in range(an):
        off = skip_name(msg, off)
        rtype, _, _, rdlen = struct.unpack(">HHIH", msg[off:off + 10])
        off += 10
        if rtype == 1:
            addrs.append(socket.inet_ntop(socket.AF_INET, msg[off:off + 4]))
        elif rtype == 28:
            addrs.append(socket.inet_ntop(socket.AF_INET6, msg[off:off + 16]))
        off += rdlen
    rc = flags & 0xF
    return qid, " ".join([RCODES[rc] if rc < len(RCODES) else str(rc)] + addrs)


def endpoint(text):
    host, port = text.rsplit(":", 1)
    host = host.strip("[]")
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    return fam, (host, int(port))


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def ask(fam, addr, msgs, tcp, timeout):
    s = socket.socket(fam, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
    s.settimeout(timeout)
    replies = []
    try:
        if tcp:
            s.connect(addr)
            s.sendall(b"".join(struct.pack(">H", len(m)) + m for m in msgs))
            for _ in msgs:
                (n,) = struct.unpack(">H", recv_exact(s, 2))
                replies.append(recv_exact(s, n))
        else:
            for m in msgs:
                s.sendto(m, addr)
            for _ in msgs:
                replies.append(s.recvfrom(65535)[0])
    except (socket.timeout, ConnectionError):
        pass
    finally:
        s.close()
    return replies


def main(argv):
    tcp, count, timeout, check, raw = False, 1, 3.0, None, None
    while argv and argv[0].startswith("--"):
        opt = argv.pop(0)
        if opt == "--tcp":
            tcp = True
        elif opt == "--count":
            count = int(argv.pop(0))
        elif opt == "--timeout":
            timeout = float(argv.pop(0))
        elif opt == "--check":
            check = (argv.pop(0), argv.pop(0))
        elif opt == "--raw":
            raw = bytes.fromhex(argv.pop(0))
    fam, addr = endpoint(argv[0])
    if raw is not None:
        got = ask(fam, addr, [raw], False, timeout)
        print(got[0].hex() if got else "no reply")
        return 0
    qtype = TYPES[argv[2]] if len(argv) > 2 else 1
    base = random.randrange(0, 60000)
    replies = ask(fam, addr, [query(base + i, argv[1], qtype) for i in range(count)], tcp, timeout)
    if check and replies:
        with open(check[0]) as f:
            seen = check[1] in f.read()
    for _, line in sorted(answer(r) for r in replies):
        print(line)
    if len(replies) < count:
        print("TIMEOUT")
    if check:
        print("learnt" if replies and seen else "not-learnt")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
