"""A local HTTP server that speaks the part of Slack's Web API the bot uses, and records every call.

Like bolt-python's tests/mock_web_api_server: real HTTP, the documented request and response shapes,
no patching. It also serves what Slack serves outside /api/: the upload URLs that
files.getUploadURLExternal hands out, private file downloads (url_private_download), and
response_url hooks. Used by tests/bot and bench/slack.py.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

JSON_FIELDS = ("blocks", "attachments", "view", "files", "metadata")


@dataclass
class Call:
    method: str  # "chat.postMessage", ... ; "upload" and "response_url" for the non-API URLs
    params: dict[str, Any]
    token: str | None
    response: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


@dataclass
class SharedFile:
    id: str
    name: str
    data: bytes
    mimetype: str = "application/octet-stream"
    public: tuple[str, ...] = ()  # public channels it is shared in
    private: tuple[str, ...] = ()  # private channels (C... or G...), direct messages (D...) and group DMs

    def info(self, url: str) -> dict[str, Any]:
        """files.info's `file` object, with where it is shared as Slack documents it: `channels` (public
        channels), `groups` (private channels and group DMs), `ims` (direct messages) and `shares`
        (`public` / `private`: channel id -> the messages that shared it)."""
        file: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "title": self.name,
            "size": len(self.data),
            "mimetype": self.mimetype,
            "url_private": url,
            "url_private_download": url + "?download=1",
            "channels": list(self.public),
            "groups": [c for c in self.private if not c.startswith("D")],
            "ims": [c for c in self.private if c.startswith("D")],
        }
        shares = {
            kind: {c: [{"ts": "1726130000.000100", "reply_count": 0}] for c in ids}
            for kind, ids in (("public", self.public), ("private", self.private))
            if ids
        }
        if shares:
            file["shares"] = shares
        return file


class MockSlackAPI:
    def __init__(
        self,
        token: str = "xoxb-test-token",
        bot_user: str = "W111",
        bot_id: str = "B111",
        team: str = "T111",
        app_token: str = "xapp-test-token",
    ):
        self.token, self.bot_user, self.bot_id, self.team = token, bot_user, bot_id, team
        self.app_token = app_token
        self.socket_url: str | None = None  # what apps.connections.open hands out
        self.calls: list[Call] = []
        self.files: dict[str, SharedFile] = {}
        self.uploads: dict[str, bytes] = {}
        self._failures: dict[str, list[str]] = {}
        self._rate_limits: dict[str, list[int]] = {}
        self._lock = threading.Condition()
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="mock-slack", daemon=True)

    # --- lifecycle -----------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def start(self) -> MockSlackAPI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- set-up and assertions ------------------------------------------------------------------------
    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._failures.clear()
            self._rate_limits.clear()

    def share_file(
        self,
        name: str,
        data: bytes,
        mimetype: str = "application/octet-stream",
        channels: tuple[str, ...] = ("C111",),
        private: tuple[str, ...] = (),
    ) -> SharedFile:
        """A file uploaded to Slack and shared in `channels` (public; default C111, the sample payloads'
        channel) and `private` (private channels, direct messages: D...)."""
        file = SharedFile(f"F{next(self._ids):09d}", name, data, mimetype, tuple(channels), tuple(private))
        self.files[file.id] = file
        return file

    def fail_next(self, method: str, error: str) -> None:
        """The next call of `method` answers {"ok": false, "error": error}."""
        with self._lock:
            self._failures.setdefault(method, []).append(error)

    def rate_limit_next(self, method: str, retry_after: int = 1) -> None:
        """The next call of `method` answers as Slack does when rate limited: HTTP 429 with a
        Retry-After header (seconds) and {"ok": false, "error": "ratelimited"}."""
        with self._lock:
            self._rate_limits.setdefault(method, []).append(retry_after)

    def _rate_limit(self, method: str) -> int | None:
        with self._lock:
            queue = self._rate_limits.get(method)
            return queue.pop(0) if queue else None

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self, method: str, where=lambda params: True, count: int = 1, timeout: float = 120
    ) -> list[Call]:
        """The first `count` calls of `method` matching `where`, waiting for them to arrive."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self.calls if c.method == method and where(c.params)]
                if len(found) >= count:
                    return found[:count]
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, str(c.params.get("text", ""))[:80]) for c in self.calls]
                    raise AssertionError(f"no {count} x {method} within {timeout}s; calls: {seen}")
                self._lock.wait(left)

    def file_url(self, file: SharedFile) -> str:
        return f"{self.url}/files-pri/{self.team}-{file.id}/{file.name}"

    # --- the API ------------------------------------------------------------------------------------------
    def _ts_now(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _record(
        self, method: str, params: dict[str, Any], token: str | None, response: dict[str, Any] | None = None
    ) -> None:
        with self._lock:
            self.calls.append(Call(method, params, token, response or {}))
            self._lock.notify_all()

    def _failure(self, method: str) -> str | None:
        with self._lock:
            queue = self._failures.get(method)
            return queue.pop(0) if queue else None

    def api(self, method: str, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        response = self._respond(method, params, token)
        self._record(method, params, token, response)
        return response

    def _respond(self, method: str, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if method == "apps.connections.open":  # the only method called with the app-level token
            if token != self.app_token or not self.socket_url:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": self.socket_url}
        if token != self.token:
            return {"ok": False, "error": "invalid_auth"}
        error = self._failure(method)
        if error:
            return {"ok": False, "error": error}
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://test.slack.com/",
                "team": "Test",
                "user": "rfp-copilot",
                "team_id": self.team,
                "user_id": self.bot_user,
                "bot_id": self.bot_id,
                "is_enterprise_install": False,
            }
        if method == "chat.postMessage":
            ts = self._ts_now()
            message = {"type": "message", "text": params.get("text"), "ts": ts, "bot_id": self.bot_id}
            if params.get("thread_ts"):
                message["thread_ts"] = params["thread_ts"]
            return {"ok": True, "channel": params.get("channel"), "ts": ts, "message": message}
        if method == "chat.update":
            return {
                "ok": True,
                "channel": params.get("channel"),
                "ts": params.get("ts"),
                "text": params.get("text"),
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._ts_now()}
        if method == "views.open":
            return {"ok": True, "view": {**(params.get("view") or {}), "id": f"V{next(self._ids):09d}"}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ids):09d}"
            return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = params.get("files") or []
            missing = [f["id"] for f in files if f["id"] not in self.uploads]
            if missing:
                return {"ok": False, "error": "file_upload_not_found"}
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        if method == "files.info":
            file = self.files.get(params.get("file", ""))
            if file is None:
                return {"ok": False, "error": "file_not_found"}
            return {"ok": True, "file": file.info(self.file_url(file))}
        return {"ok": True}

    def _handler(self):
        mock = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _send(
                self,
                status: int,
                body: bytes,
                content_type: str = "application/json",
                headers: dict[str, str] | None = None,
            ) -> None:
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _token(self) -> str | None:
                auth = self.headers.get("Authorization") or ""
                return auth[7:] if auth.startswith("Bearer ") else None

            def _params(self, raw: bytes) -> dict[str, Any]:
                parts = urlsplit(self.path)
                params: dict[str, Any] = dict(parse_qsl(parts.query))
                kind = self.headers.get("Content-Type", "")
                if raw and "json" in kind:
                    params.update(json.loads(raw))
                elif raw:
                    params.update(parse_qsl(raw.decode()))
                for key in JSON_FIELDS:
                    if isinstance(params.get(key), str) and params[key][:1] in "[{":
                        params[key] = json.loads(params[key])
                return params

            def do_GET(self):
                path = urlsplit(self.path).path
                if path.startswith("/files-pri/"):
                    file = mock.files.get(path.split("/")[2].split("-", 1)[-1])
                    mock._record("download", {"path": path}, self._token())
                    if self._token() != mock.token or file is None:  # Slack answers a sign-in page
                        return self._send(200, b"<html>Sign in to Slack</html>", "text/html")
                    return self._send(200, file.data, file.mimetype)
                if path.startswith("/api/"):
                    return self._api(path[5:], b"")
                self._send(404, b"{}")

            def do_POST(self):
                path = urlsplit(self.path).path
                raw = self._body()
                if path.startswith("/api/"):
                    return self._api(path[5:], raw)
                if path.startswith("/upload/"):
                    file_id = path.rsplit("/", 1)[-1]
                    mock.uploads[file_id] = raw
                    mock._record("upload", {"file_id": file_id, "size": len(raw)}, None)
                    return self._send(200, f"OK - {len(raw)}".encode(), "text/plain")
                if path.startswith("/response_url/"):
                    mock._record("response_url", json.loads(raw or b"{}"), None)
                    return self._send(200, b"ok", "text/plain")
                self._send(404, b"{}")

            def _api(self, method: str, raw: bytes) -> None:
                params = self._params(raw)
                token = self._token() or params.pop("token", None)
                retry_after = mock._rate_limit(method)
                if retry_after is not None:
                    limited = {"ok": False, "error": "ratelimited"}
                    mock._record(method, params, token, limited)
                    return self._send(
                        429, json.dumps(limited).encode(), headers={"Retry-After": str(retry_after)}
                    )
                self._send(200, json.dumps(mock.api(method, params, token)).encode())

        return Handler
