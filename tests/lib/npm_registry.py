#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A stand-in for the npm registry, for the everyday-work test and bench:
serves one small package, built at start, the way registry.npmjs.org
serves any (the packument at /NAME, the tarball at /NAME/-/NAME-VER.tgz,
with its sha512 integrity and sha1 shasum), so `npm install NAME
--registry URL` does a real install: resolve, fetch, verify, unpack.

  npm_registry.py ADDR:PORT
"""
import base64
import hashlib
import io
import json
import sys
import tarfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NAME, VERSION = "sevorix-hello", "1.0.0"


def tarball():
    files = {
        "package/package.json": json.dumps({"name": NAME, "version": VERSION,
                                            "main": "index.js"}).encode(),
        "package/index.js": b"module.exports = () => 'hello from npm';\n",
    }
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


class Handler(BaseHTTPRequestHandler):
    tgz = b""
    packument = b""

    def log_message(self, fmt, *args):
        pass

    def send(self, body, ctype):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/" + NAME:
            self.send(self.packument, "application/json")
        elif self.path == "/%s/-/%s-%s.tgz" % (NAME, NAME, VERSION):
            self.send(self.tgz, "application/octet-stream")
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: npm_registry.py ADDR:PORT")
    addr, port = sys.argv[1].rsplit(":", 1)
    tgz = tarball()
    url = "http://%s/%s/-/%s-%s.tgz" % (sys.argv[1], NAME, NAME, VERSION)
    dist = {"tarball": url, "shasum": hashlib.sha1(tgz).hexdigest(),
            "integrity": "sha512-" + base64.b64encode(hashlib.sha512(tgz).digest()).decode()}
    Handler.tgz = tgz
    Handler.packument = json.dumps({
        "name": NAME, "dist-tags": {"latest": VERSION},
        "versions": {VERSION: {"name": NAME, "version": VERSION, "main": "index.js",
                               "dist": dist}}}).encode()
    server = ThreadingHTTPServer((addr, int(port)), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
