#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A stand-in for the model APIs of the agent CLIs, for the agent tests.

Serves, on one address, the three wire formats the CLIs speak:

  POST /v1/messages                      Anthropic Messages (Claude Code)
  POST .../responses                     OpenAI Responses (Codex)
  POST .../chat/completions              OpenAI chat completions
  POST /v1beta/models/M:generateContent  Gemini API (Gemini CLI), also
       /v1beta/models/M:streamGenerateContent?alt=sse

and answers each model request with the next step of a scripted
conversation, streamed as server-sent events where the request asks for a
stream. The script is a JSON list of steps:

  {"shell": "cat ~/.ssh/id_rsa"}         the CLI's own shell tool
  {"read": "/abs/path"}                  its file-read tool
  {"write": "/abs/path", "content": "x"} its file-write tool
  {"tool": "NAME", "input": {...}}       any tool, by its exact name
  {"text": "done"}                       a final answer

The step to answer with is the number of tool results the request
carries, so the server keeps no state between requests and a CLI's side
requests (titles, token counts, requests without tools) do not move the
conversation: a request without tools gets a plain text answer. Every
request is appended to the log (JSON lines): the dialect, the path, the
tool names the CLI offered, the step answered and the text of the latest
tool result, which is how a test sees what a tool call really returned.

  model_api.py ADDR:PORT SCRIPT LOG   serve
  model_api.py --result LOG N         print what step N's tool call
                                      returned, as the CLI reported it
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The generic steps, by dialect: (tool name, argument names).
TOOLS = {
    "anthropic": {"shell": ("Bash", "command"), "read": ("Read", "file_path"),
                  "write": ("Write", "file_path", "content")},
    "gemini": {"shell": ("run_shell_command", "command"),
               "read": ("read_file", "file_path"),
               "write": ("write_file", "file_path", "content")},
}


def text_of(content):
    """The text inside a tool result, whatever its nesting."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(text_of(c) for c in content)
    if isinstance(content, dict):
        for key in ("text", "output", "content", "response", "stdout"):
            if key in content:
                return text_of(content[key])
        return json.dumps(content)
    return "" if content is None else str(content)


class Conversation:
    def __init__(self, script_path, log_path):
        with open(script_path) as f:
            self.steps = json.load(f)
        self.log = open(log_path, "a")
        self.lock = threading.Lock()
        self.serial = 0

    def step(self, n):
        return self.steps[n] if n < len(self.steps) else {"text": "done"}

    def record(self, entry):
        with self.lock:
            self.serial += 1
            self.log.write(json.dumps(entry) + "\n")
            self.log.flush()
            return self.serial


def tool_call(dialect, step, offered):
    """(name, arguments) of a step for a dialect, or None for text."""
    if "tool" in step:
        return step["tool"], step.get("input", {})
    for kind in ("shell", "read", "write"):
        if kind not in step:
            continue
        if dialect == "openai":
            return openai_call(kind, step, offered)
        spec = TOOLS[dialect][kind]
        args = {spec[1]: step[kind]}
        if kind == "write":
            args[spec[2]] = step["content"]
        if kind == "shell" and dialect == "anthropic":
            args["description"] = "scripted step"
        return spec[0], args
    return None


def openai_call(kind, step, offered):
    """Codex offers one shell tool (its name and arguments vary by
    version) and writes files with apply_patch."""
    if kind == "write":
        lines = "".join("+" + l + "\n" for l in step["content"].split("\n"))
        patch = "*** Begin Patch\n*** Add File: %s\n%s*** End Patch\n" % (step["write"], lines)
        return "apply_patch", patch
    cmd = step["shell"] if kind == "shell" else "cat " + step["read"]
    if "exec_command" in offered:
        return "exec_command", {"cmd": cmd}
    if "shell_command" in offered:
        return "shell_command", {"command": cmd}
    return "shell", {"command": ["bash", "-lc", cmd]}


def sse(events):
    return "".join("event: %s\ndata: %s\n\n" % (e, json.dumps(d)) for e, d in events)


def anthropic(req, call, text, n):
    model = req.get("model", "stand-in")
    usage = {"input_tokens": 10, "output_tokens": 5, "cache_read_input_tokens": 0,
             "cache_creation_input_tokens": 0}
    if call:
        block = {"type": "tool_use", "id": "toolu_%04d" % n, "name": call[0], "input": call[1]}
        stop = "tool_use"
    else:
        block = {"type": "text", "text": text}
        stop = "end_turn"
    msg = {"id": "msg_%04d" % n, "type": "message", "role": "assistant", "model": model,
           "content": [block], "stop_reason": stop, "stop_sequence": None, "usage": usage}
    if not req.get("stream"):
        return "application/json", json.dumps(msg)
    start = dict(msg, content=[], stop_reason=None)
    if call:
        first = dict(block, input={})
        delta = {"type": "input_json_delta", "partial_json": json.dumps(call[1])}
    else:
        first = dict(block, text="")
        delta = {"type": "text_delta", "text": text}
    return "text/event-stream", sse([
        ("message_start", {"type": "message_start", "message": start}),
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": first}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop,
                                                            "stop_sequence": None},
                           "usage": {"output_tokens": 5}}),
        ("message_stop", {"type": "message_stop"}),
    ])


def responses(req, call, text, n):
    rid = "resp_%04d" % n
    if call and isinstance(call[1], str):
        item = {"type": "custom_tool_call", "id": "ctc_%04d" % n, "call_id": "call_%04d" % n,
                "name": call[0], "input": call[1], "status": "completed"}
    elif call:
        item = {"type": "function_call", "id": "fc_%04d" % n, "call_id": "call_%04d" % n,
                "name": call[0], "arguments": json.dumps(call[1]), "status": "completed"}
    else:
        item = {"type": "message", "id": "msg_%04d" % n, "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": text, "annotations": []}]}
    usage = {"input_tokens": 10, "input_tokens_details": {"cached_tokens": 0},
             "output_tokens": 5, "output_tokens_details": {"reasoning_tokens": 0},
             "total_tokens": 15}
    resp = {"id": rid, "object": "response", "status": "completed", "model": req.get("model"),
            "output": [item], "usage": usage}
    events = [("response.created", {"type": "response.created",
                                    "response": dict(resp, status="in_progress", output=[])}),
              ("response.output_item.added", {"type": "response.output_item.added",
                                              "output_index": 0, "item": item})]
    if not call:
        events.append(("response.output_text.delta", {"type": "response.output_text.delta",
                                                      "item_id": item["id"], "output_index": 0,
                                                      "content_index": 0, "delta": text}))
    events += [("response.output_item.done", {"type": "response.output_item.done",
                                              "output_index": 0, "item": item}),
               ("response.completed", {"type": "response.completed", "response": resp})]
    if not req.get("stream", True):
        return "application/json", json.dumps(resp)
    return "text/event-stream", sse(events)


def chat(req, call, text, n):
    if call:
        msg = {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_%04d" % n, "type": "function", "function": {
                "name": call[0], "arguments": json.dumps(call[1])}}]}
        finish = "tool_calls"
    else:
        msg = {"role": "assistant", "content": text}
        finish = "stop"
    body = {"id": "chatcmpl-%04d" % n, "object": "chat.completion", "model": req.get("model"),
            "choices": [{"index": 0, "message": msg, "finish_reason": finish}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}
    if not req.get("stream"):
        return "application/json", json.dumps(body)
    if call:
        msg["tool_calls"][0]["index"] = 0
    chunk = dict(body, object="chat.completion.chunk",
                 choices=[{"index": 0, "delta": msg, "finish_reason": finish}])
    return "text/event-stream", "data: %s\n\ndata: [DONE]\n\n" % json.dumps(chunk)


def instance(schema):
    """A small value that fits a JSON schema (the Gemini API's upper-case
    types too), for the CLIs' side requests that ask for JSON."""
    schema = schema or {}
    kind = str(schema.get("type", "object")).lower()
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        props = schema.get("properties") or {}
        return {k: instance(v) for k, v in props.items()}
    if kind == "array":
        return []
    if kind in ("number", "integer"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    return "ok"


def gemini(req, call, text, n, stream):
    conf = req.get("generationConfig") or {}
    if not call and conf.get("responseMimeType") == "application/json":
        text = json.dumps(instance(conf.get("responseJsonSchema") or conf.get("responseSchema")))
    part = {"functionCall": {"name": call[0], "args": call[1]}} if call else {"text": text}
    body = {"candidates": [{"content": {"role": "model", "parts": [part]},
                            "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 5,
                              "totalTokenCount": 15},
            "modelVersion": "stand-in", "responseId": "r%04d" % n}
    if stream:
        return "text/event-stream", "data: %s\r\n\r\n" % json.dumps(body)
    return "application/json", json.dumps(body)


def dialect_of(path):
    if path.startswith("/v1/messages"):
        return "anthropic"
    if path.endswith("/responses"):
        return "openai"
    if path.endswith("/chat/completions"):
        return "chat"
    if ":generateContent" in path or ":streamGenerateContent" in path:
        return "gemini"
    return None


def offered_tools(dialect, req):
    names = []
    for t in req.get("tools") or []:
        if dialect == "gemini":
            names += [d.get("name") for d in t.get("functionDeclarations") or []]
        elif dialect == "chat":
            names.append((t.get("function") or {}).get("name"))
        else:
            names.append(t.get("name") or (t.get("function") or {}).get("name"))
    return [n for n in names if n]


def tool_results(dialect, req):
    """The tool results in the conversation so far, oldest first."""
    out = []
    if dialect == "anthropic":
        for m in req.get("messages", []):
            if isinstance(m.get("content"), list):
                out += [text_of(c.get("content")) for c in m["content"]
                        if c.get("type") == "tool_result"]
    elif dialect == "openai":
        out = [text_of(i.get("output")) for i in req.get("input", [])
               if isinstance(i, dict) and i.get("type") in
               ("function_call_output", "custom_tool_call_output")]
    elif dialect == "chat":
        out = [text_of(m.get("content")) for m in req.get("messages", []) if m.get("role") == "tool"]
    elif dialect == "gemini":
        for c in req.get("contents", []):
            out += [text_of(p["functionResponse"].get("response")) for p in c.get("parts", [])
                    if "functionResponse" in p]
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    conv = None

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, ctype, body):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.conv.record({"method": "GET", "path": self.path})
        self.reply(404, "application/json", '{"error": {"message": "not served"}}')

    def do_HEAD(self):
        self.conv.record({"method": "HEAD", "path": self.path})
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            req = json.loads(raw or b"{}")
        except ValueError:
            req = {}
        path = self.path.split("?")[0]
        dialect = dialect_of(path)
        entry = {"method": "POST", "path": self.path, "dialect": dialect}
        if path.endswith("/count_tokens") or path.endswith(":countTokens"):
            self.conv.record(entry)
            return self.reply(200, "application/json",
                              '{"input_tokens": 10, "totalTokens": 10}')
        if dialect is None:
            self.conv.record(entry)
            return self.reply(404, "application/json", '{"error": {"message": "not served"}}')
        offered = offered_tools(dialect, req)
        results = tool_results(dialect, req)
        n = len(results)
        step = self.conv.step(n) if offered else {"text": "ok"}
        call = tool_call(dialect, step, offered) if offered else None
        text = step.get("text", "done")
        entry.update(model=req.get("model"), tools=offered, step=n,
                     result=results[-1] if results else None, answer=step)
        serial = self.conv.record(entry)
        if dialect == "anthropic":
            ctype, body = anthropic(req, call, text, serial)
        elif dialect == "openai":
            ctype, body = responses(req, call, text, serial)
        elif dialect == "chat":
            ctype, body = chat(req, call, text, serial)
        else:
            ctype, body = gemini(req, call, text, serial, "streamGenerateContent" in path)
        self.reply(200, ctype, body)


def print_result(log_path, n):
    """The tool result of step N travels in the request for step N+1;
    prints nothing when the CLI never sent one (the step did not run)."""
    with open(log_path) as f:
        for line in f:
            entry = json.loads(line)
            if entry.get("step") == n + 1 and entry.get("result") is not None:
                print(entry["result"])
                return


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--result":
        return print_result(sys.argv[2], int(sys.argv[3]))
    if len(sys.argv) != 4:
        sys.exit("usage: model_api.py ADDR:PORT SCRIPT LOG | --result LOG N")
    addr, port = sys.argv[1].rsplit(":", 1)
    Handler.conv = Conversation(sys.argv[2], sys.argv[3])
    server = ThreadingHTTPServer((addr, int(port)), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
