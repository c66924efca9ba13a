"""How the bot is started: `python -m bot` in HTTP mode, and Socket Mode over a real WebSocket."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
import yaml
from bot_harness import ROOT, TOKEN, payload, sign

from bot.app import build_app
from bot.jobs import Jobs
from bot.server import socket_mode_handler
from core.feedback import FeedbackStore


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_python_m_bot_serves_http_with_healthz_and_stops_on_sigterm(slack_api, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": "signing-secret-for-tests",
        "SLACK_API_URL": slack_api.api_url,
        "RFP_DATA_DIR": str(tmp_path / "data"),
        "RFP_EXTRACTIVE": "true",
        "RFP_EMBED_THREADS": "1",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SLACK_APP_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--port", str(port), "--host", "127.0.0.1"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 120
        while True:
            try:
                health = httpx.get(url + "/healthz")
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, process.stdout.read()
                time.sleep(0.5)
        assert health.status_code == 200 and health.json()["mode"] == "http"
        body = b"command=%2Frfp&text=help&channel_id=C111&user_id=W222&team_id=T111"
        kind = {"Content-Type": "application/x-www-form-urlencoded"}
        assert httpx.post(url + "/slack/events", content=body, headers=kind).status_code == 401
        helped = httpx.post(url + "/slack/events", content=body, headers={**kind, **sign(body)})
        assert helped.status_code == 200 and "/rfp ask QUESTION" in helped.text
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert f"listening on http://127.0.0.1:{port}/slack/events" in output


def test_socket_mode_acks_over_the_websocket_and_answers(settings, services, slack_api, running):
    serve = pytest.importorskip("websockets.sync.server").serve
    running.idle()
    slack_api.reset()
    from_bot: queue.Queue = queue.Queue()
    command = {
        **payload("slash_commands/slash_command.parsed.json"),
        "command": "/rfp",
        "text": "ask What is the period of performance?",
        "response_url": f"{slack_api.url}/response_url/sm",
    }

    def slack_side(ws) -> None:  # what Slack's Socket Mode endpoint sends
        ws.send(json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A111"}}))
        ws.send(
            json.dumps(
                {
                    "envelope_id": "env-1",
                    "type": "slash_commands",
                    "accepts_response_payload": True,
                    "payload": command,
                }
            )
        )
        for message in ws:
            from_bot.put(json.loads(message))

    server = serve(slack_side, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    slack_api.socket_url = f"ws://127.0.0.1:{server.socket.getsockname()[1]}/"
    socket_settings = settings.model_copy(
        update={
            "slack_api_url": slack_api.api_url,
            "slack_signing_secret": None,
            "slack_app_token": slack_api.app_token,
        }
    )
    feedback, jobs = FeedbackStore(socket_settings.feedback_path), Jobs(1)
    handler = socket_mode_handler(
        build_app(socket_settings, services, feedback=feedback, jobs=jobs),
        slack_api.app_token,
        slack_api.api_url,
    )
    try:
        handler.connect()
        ack = from_bot.get(timeout=30)
        assert ack["envelope_id"] == "env-1" and "working on it" in ack["payload"]["text"]
        (answer,) = slack_api.wait_for("chat.postMessage")
        assert answer.params["channel"] == "C111" and "5.0 Period of Performance" in json.dumps(answer.params)
        assert jobs.wait_idle(60)
    finally:
        handler.close()
        server.shutdown()
        jobs.shutdown()
        feedback.close()


def test_the_manifest_declares_what_the_bot_uses():
    manifest = yaml.safe_load((ROOT / "slack_manifest.yaml").read_text())
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/rfp"
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {
        "commands",
        "chat:write",
        "app_mentions:read",
        "files:read",
        "files:write",
        "channels:history",
        "im:history",
    } <= scopes
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_mention", "message.channels", "message.groups", "message.im"} <= events
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True


def test_the_access_example_parses(settings):
    from bot.access import parse_rules

    rules = parse_rules(
        (ROOT / "access.example.yaml").read_text(), "access.example.yaml", settings.collection
    )
    assert rules.default and all(rules.channels.values()) and all(rules.users.values())
