"""Local servers that speak the documented HTTP protocols of services this machine cannot reach.

`OllamaServer` answers Ollama's `/api/chat` (NDJSON streaming, https://github.com/ollama/ollama/
blob/main/docs/api.md), `/api/tags` and `/api/version`, generating with a real in-process model, so
the same behavioural tests run against the llama.cpp and the Ollama backends.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class OllamaServer:
    def __init__(self, model, name: str = "rfp-copilot"):
        self.model = model
        self.name = name
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/api/version":
                    self._json(200, {"version": "0.12.0"})
                elif self.path == "/api/tags":
                    self._json(
                        200, {"models": [{"name": f"{outer.name}:latest", "model": f"{outer.name}:latest"}]}
                    )
                else:
                    self._json(404, {"error": "not found"})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                outer.requests.append({"path": self.path, "body": body})
                if self.path != "/api/chat":
                    self._json(404, {"error": "not found"})
                    return
                if body.get("model", "").split(":")[0] != outer.name:
                    self._json(404, {"error": f"model '{body.get('model')}' not found"})
                    return
                options = body.get("options") or {}
                kwargs = {
                    "max_tokens": options.get("num_predict", 128),
                    "temperature": options.get("temperature", 0.8),
                    "stop": options.get("stop"),
                }
                started = time.perf_counter_ns()
                if not body.get("stream", True):
                    text = "".join(outer.model.stream(body["messages"], **kwargs))
                    self._json(
                        200,
                        {
                            "model": body["model"],
                            "created_at": _now(),
                            "done": True,
                            "message": {"role": "assistant", "content": text},
                            "done_reason": "stop",
                        },
                    )
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.end_headers()
                count = 0
                for piece in outer.model.stream(body["messages"], **kwargs):
                    count += 1
                    line = {
                        "model": body["model"],
                        "created_at": _now(),
                        "message": {"role": "assistant", "content": piece},
                        "done": False,
                    }
                    self.wfile.write((json.dumps(line) + "\n").encode())
                    self.wfile.flush()
                final = {
                    "model": body["model"],
                    "created_at": _now(),
                    "message": {"role": "assistant", "content": ""},
                    "done": True,
                    "done_reason": "stop",
                    "total_duration": time.perf_counter_ns() - started,
                    "prompt_eval_count": 0,
                    "eval_count": count,
                }
                self.wfile.write((json.dumps(final) + "\n").encode())
                self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()
