#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A server the agent must not reach, for the agent tests: answers every
GET with the contents of BODY and appends "METHOD PATH" of each request
to LOG, so a test can tell whether a request arrived at all. Used as the
download server of `curl … | sh` and as the cloud metadata endpoint.

  hostile.py ADDR:PORT BODY LOG
"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    body = b""
    log = None

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self.log.write("%s %s\n" % (self.command, self.path))
        self.log.flush()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_POST = do_PUT = do_GET


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: hostile.py ADDR:PORT BODY LOG")
    addr, port = sys.argv[1].rsplit(":", 1)
    with open(sys.argv[2], "rb") as f:
        Handler.body = f.read()
    Handler.log = open(sys.argv[3], "a")
    server = ThreadingHTTPServer((addr, int(port)), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
