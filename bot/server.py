"""Running the app: Socket Mode when SLACK_APP_TOKEN is set, else HTTP.

HTTP mode serves Slack's events, interactivity and slash commands on one endpoint, `/slack/events`,
through Bolt's WSGI adapter and waitress (a production WSGI server), plus `GET /healthz`. Only
readable requests signed by Slack, of at most `MAX_BODY_BYTES`, reach Bolt (`bot/guard.py`); waitress
itself refuses larger bodies before reading them. Socket Mode opens an outgoing WebSocket (no public
URL needed) and still serves `/healthz`.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.guard import MAX_BODY_BYTES, guarded
from core.errors import UserFacingError

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def wsgi_app(
    app: App | None,
    health: Callable[[], dict[str, Any]],
    signing_secret: str | None = None,
    max_bytes: int = MAX_BODY_BYTES,
) -> Callable:
    """`/healthz` (200 + JSON) in front of Bolt's handler, which only gets requests signed with
    `signing_secret` (app None: health only, for Socket Mode)."""
    slack = None
    if app is not None:
        if not signing_secret:
            raise ValueError("wsgi_app: the signing secret is needed to check requests before Bolt")
        slack = guarded(SlackRequestHandler(app, path=EVENTS_PATH), signing_secret, max_bytes)

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            body = json.dumps({"ok": True, **health()}).encode()
            start_response(
                "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            )
            return [body]
        if slack is None or environ.get("PATH_INFO") != EVENTS_PATH:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not Found"]
        return slack(environ, start_response)

    return application


class HttpServer:
    """waitress on host:port (port 0: any free port), run in the foreground or on a thread."""

    def __init__(
        self,
        application: Callable,
        host: str = "0.0.0.0",
        port: int = 3000,
        threads: int = 8,
        max_bytes: int = MAX_BODY_BYTES,
    ):
        from waitress.server import create_server

        try:  # waitress answers 413 itself to a body over max_bytes (announced or chunked), unread
            self._server = create_server(
                application,
                host=host,
                port=port,
                threads=threads,
                ident="rfp-bot",
                clear_untrusted_proxy_headers=True,
                max_request_body_size=max_bytes + 1,
            )
        except OSError as exc:
            raise UserFacingError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc} (try another --port)"
            ) from exc
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.effective_port)  # type: ignore[union-attr]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve_forever(self) -> None:
        self._server.run()

    def start(self) -> HttpServer:
        self._thread = threading.Thread(target=self.serve_forever, name="http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.close()
        self._server.task_dispatcher.shutdown()  # type: ignore[union-attr]
        if self._thread is not None:
            self._thread.join(timeout=5)


def socket_mode_handler(app: App, app_token: str, api_url: str):
    """Bolt's Socket Mode handler, opening its connection through `api_url` (apps.connections.open).
    `.start()` runs until stopped; `.connect()` / `.close()` for embedding."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk import WebClient

    return SocketModeHandler(app, app_token, web_client=WebClient(base_url=api_url))
