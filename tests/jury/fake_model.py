#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A model server for the jury's adapter tests, speaking the three dialects.

It answers POST /completion (llama.cpp server), /api/generate (Ollama) and
/v1/chat/completions (OpenAI-compatible), and checks that each request has
the shape its dialect needs (one token under a grammar of " allow" and
" deny" with the candidates' probabilities for llama-server, a format for
Ollama, messages for OpenAI); a request without it gets HTTP 400. A
llama-server verdict with confidence C is the candidates " allow" and
" deny" with probabilities C and 1 - C.

The behaviour is the first path segment, so one server serves many jurors
(endpoint http://127.0.0.1:PORT/deny-0.9 -> POST /deny-0.9/completion):
  allow[-C] deny[-C]  a verdict with confidence C (default 0.9)
  judge               deny when the question mentions ".aws/", else allow
  slow-MS-VERDICT     answer VERDICT after MS milliseconds
  http500             HTTP 500
  garbage             a reply that is not JSON
  prose               a verdict wrapped in prose (off-grammar)
  maybe               verdict "maybe" (off-grammar)
  truncated           the answer was cut off at the token limit
  offlist             llama-server's unconstrained candidates (the sampled
                      token fit the grammar): 16 tokens that are no answer,
                      the sampled " deny" below them
  ambiguous           every other answer names no verdict (the sampled token
                      is " ", which starts both), the next one is deny-0.9
GET of the readiness paths (/health, /api/version, /v1/models) answers 200
unless the behaviour is http500.
On a UNIX socket (--unix PATH) there is no prefix: --mode gives it.
Prints "READY <port>" when it accepts connections.
"""
import argparse
import json
import os
import socket
import socketserver
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

DIALECTS = {"/completion": "llama", "/api/generate": "ollama", "/v1/chat/completions": "openai"}


def shape_ok(dialect, req):
    if dialect == "llama":
        return (isinstance(req.get("prompt"), str) and req["prompt"].endswith("Verdict:") and
                '" allow"' in req.get("grammar", "") and '" deny"' in req.get("grammar", "") and
                req.get("n_predict") == 1 and req.get("n_probs", 0) >= 2 and
                req.get("post_sampling_probs") is True)
    if dialect == "ollama":
        return req.get("stream") is False and isinstance(req.get("format"), dict) and "prompt" in req
    msgs = req.get("messages")
    return isinstance(msgs, list) and len(msgs) == 2 and msgs[1].get("role") == "user"


ASKED = {}


def llama_reply(mode, verdict, conf):
    """llama-server's answer to one token under the grammar: its candidates."""
    if mode == "truncated":
        return {"content": "", "stop": True, "stop_type": "limit"}
    ASKED[mode] = ASKED.get(mode, 0) + 1
    if mode == "offlist" or (mode == "ambiguous" and ASKED[mode] % 2):
        top = [{"id": i, "token": "w%d" % i, "prob": 0.05 - i * 0.002} for i in range(16)]
        tok = " deny" if mode == "offlist" else " "
        return {"content": tok, "stop": True, "stop_type": "limit",
                "completion_probabilities": [{"id": 99, "token": tok, "prob": 0.01,
                                              "top_probs": top}]}
    if mode == "ambiguous":
        verdict, conf = "deny", 0.9
    tokens = {"allow": [(" allow", conf), (" deny", 1 - conf)],
              "deny": [(" deny", conf), (" allow", 1 - conf)]}.get(verdict)
    if mode == "prose" or tokens is None:
        tokens = [(" Sure", 0.6), (" " + verdict, 0.4)]
    top = [{"id": i, "token": t, "prob": p} for i, (t, p) in enumerate(tokens)]
    return {"content": tokens[0][0], "stop": True, "stop_type": "limit",
            "completion_probabilities": [dict(top[0], top_probs=top)]}


def reply(dialect, text, truncated=False):
    if dialect == "ollama":
        return {"model": "m", "response": text, "done": True,
                "done_reason": "length" if truncated else "stop"}
    return {"choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": "length" if truncated else "stop"}]}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    mode = "allow"

    def log_message(self, *a):
        pass

    def send(self, code, body, ctype="application/json"):
        data = body.encode() if isinstance(body, str) else body
        try:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the juror gave up waiting (its deadline): expected in the slow cases

    def do_GET(self):
        path, mode = self.path, self.mode
        for p in ("/health", "/api/version", "/v1/models"):
            if path.endswith(p) and path != p:
                mode, path = path[1:-len(p)], p
        if path not in ("/health", "/api/version", "/v1/models"):
            return self.send(404, '{"error":"no such path"}')
        if mode == "http500":
            return self.send(500, '{"error":"model crashed"}')
        self.send(200, '{"status":"ok"}')

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        path, mode = self.path, self.mode
        for p in DIALECTS:
            if path.endswith(p) and path != p:
                mode, path = path[1:-len(p)], p
        dialect = DIALECTS.get(path)
        if not dialect:
            return self.send(404, '{"error":"no such path"}')
        try:
            req = json.loads(raw)
        except ValueError:
            return self.send(400, '{"error":"bad json"}')
        if not shape_ok(dialect, req):
            return self.send(400, '{"error":"request does not match the dialect"}')
        if mode.startswith("slow-"):
            _, ms, mode = mode.split("-", 2)
            time.sleep(int(ms) / 1000)
        if mode == "judge":
            mode = "deny" if ".aws/" in raw.decode() else "allow"
        if mode == "http500":
            return self.send(500, '{"error":"model crashed"}')
        if mode == "garbage":
            return self.send(200, "\x00\x01 not json at all", "text/plain")
        verdict, _, conf = mode.partition("-")
        conf = float(conf) if conf else 0.9
        if dialect == "llama":
            return self.send(200, json.dumps(llama_reply(mode, verdict, conf)))
        text = json.dumps({"verdict": verdict, "confidence": conf, "reason": "model says " + verdict})
        if mode == "prose":
            text = 'Sure! {"verdict": "allow", "confidence": 0.9, "reason": "x"} Hope that helps.'
        if mode == "truncated":
            text = '{"verdict": "allow", "confid'
        self.send(200, json.dumps(reply(dialect, text, truncated=(mode == "truncated"))))


class UnixHTTPServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    request_queue_size = 256

    def get_request(self):
        conn, _ = self.socket.accept()
        return conn, ("unix", 0)


class TCPServer(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    request_queue_size = 256


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--unix")
    ap.add_argument("--mode", default="allow")
    a = ap.parse_args()
    Handler.mode = a.mode
    if a.unix:
        srv = UnixHTTPServer(a.unix, Handler)
        os.chmod(a.unix, 0o666)
        port = 0
    else:
        srv = TCPServer(("127.0.0.1", 0), Handler)
        port = srv.server_address[1]
    print("READY %d" % port, flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
