#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A DNS server over UDP that answers wrongly on purpose, for the tests.

usage: bad_upstream.py HOST PORT

What it sends depends on the first label of the name asked:
  garbage    random bytes
  loop       a well-formed header and question, then a record whose name
             is a compression pointer to itself
  forward    a record whose name points past the end of the message
  cut        a good answer cut in the middle of its record
  wrongid    a good answer with another id
  wrongname  a good answer to another question
  many       70 A records (more than the resolver learns from one answer)
  silent     nothing at all
  ok         a good answer: 127.0.0.20, and 127.0.0.21 for another owner
Prints "ready" once bound; runs until killed.
"""
import os
import socket
import struct
import sys


def qname_end(msg):
    off = 12
    while msg[off]:
        off += 1 + msg[off]
    return off + 1


def a_record(name_ptr, addr, ttl=60):
    return name_ptr + struct.pack(">HHIH", 1, 1, ttl, 4) + socket.inet_aton(addr)


def reply(msg, answers, qid=None, question=None):
    qid = struct.unpack(">H", msg[:2])[0] if qid is None else qid
    q = question if question is not None else msg[12:qname_end(msg) + 4]
    return struct.pack(">HHHHHH", qid, 0x8180, 1, len(answers), 0, 0) + q + b"".join(answers)


def respond(msg):
    end = qname_end(msg)
    label = msg[13:13 + msg[12]].decode(errors="replace").lower()
    qptr = b"\xc0\x0c"
    if label == "silent":
        return None
    if label == "garbage":
        return os.urandom(48)
    if label == "loop":
        at = end + 4  # the record's own offset
        return reply(msg, [a_record(struct.pack(">H", 0xC000 | at), "127.0.0.20")])
    if label == "forward":
        return reply(msg, [a_record(b"\xc0\xff", "127.0.0.20")])
    if label == "cut":
        return reply(msg, [a_record(qptr, "127.0.0.20")])[:-3]
    if label == "wrongid":
        return reply(msg, [a_record(qptr, "127.0.0.20")], qid=(struct.unpack(">H", msg[:2])[0] + 1) & 0xFFFF)
    if label == "wrongname":
        other = b"\x05other\x04test\x00" + msg[end:end + 4]
        return reply(msg, [a_record(qptr, "127.0.0.20")], question=other)
    if label == "many":
        return reply(msg, [a_record(qptr, "127.0.1.%d" % i) for i in range(70)])
    other = b"\x04evil\x04test\x00"
    return reply(msg, [a_record(qptr, "127.0.0.20"), a_record(other, "127.0.0.21")])


def main():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((sys.argv[1], int(sys.argv[2])))
    print("ready", flush=True)
    while True:
        msg, peer = s.recvfrom(65535)
        try:
            out = respond(msg)
        except (IndexError, UnicodeDecodeError):
            out = None
        if out is not None:
            s.sendto(out, peer)


if __name__ == "__main__":
    main()
