"""A promotion or a rollback reaches a running bot process without a restart."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
from bot_harness import ROOT, TOKEN, sign

from core.models import packaged_chat_gguf
from core.registry import ModelEntry, Registry
from tests.conftest import make_services


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ask(url: str, api, question: str, n: int) -> str:
    # Slack gives every invocation its own trigger_id, so two identical commands within one second
    # are two requests, not a replay (the bot drops replays of the same signed body).
    body = urlencode(
        {
            "command": "/rfp",
            "text": f"ask {question}",
            "channel_id": "C111",
            "user_id": "W222",
            "team_id": "T111",
            "trigger_id": f"{n}.{time.monotonic_ns()}.reload",
            "response_url": api.url + f"/response_url/{n}",
        }
    ).encode()
    response = httpx.post(
        url + "/slack/events",
        content=body,
        timeout=10,
        headers={"Content-Type": "application/x-www-form-urlencoded", **sign(body)},
    )
    assert response.status_code == 200
    posts = api.wait_for("chat.postMessage", lambda p: "Model:" in json.dumps(p), count=n, timeout=300)
    footer = json.dumps(posts[n - 1].params)
    return footer.split("Model: ", 1)[1].split('"', 1)[0].split("\\", 1)[0]


def test_promotion_and_rollback_reach_a_running_bot(slack_api, tmp_path, embedder):
    data = tmp_path / "data"
    doc = tmp_path / "rfq.md"
    doc.write_text("# RFQ\n\n## Submission\n\nQuotes are due by 2:00 PM Eastern Time on March 16, 2026.\n")
    services = make_services(data, embedder)
    services.indexer.index_file(doc, "public")
    services.close()
    gguf = packaged_chat_gguf()
    registry = Registry(data / "models")
    for version in ("model-a", "model-b"):  # two registered versions (the same weights will do)
        registry.register(ModelEntry(version, str(gguf.parent), gguf.name, "2026-01-01T00:00:00+00:00"))
    registry.promote("model-a")

    port = _free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": "signing-secret-for-tests",
        "SLACK_API_URL": slack_api.api_url,
        "RFP_DATA_DIR": str(data),
        "RFP_EXTRACTIVE": "false",
        "RFP_MAX_NEW_TOKENS": "24",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SLACK_APP_TOKEN", None)
    slack_api.reset()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--port", str(port), "--host", "127.0.0.1"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(url + "/healthz")
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.5)
        question = "When are quotes due?"
        assert _ask(url, slack_api, question, 1) == "model-a"
        registry.promote("model-b", reason="test")
        assert _ask(url, slack_api, question, 2) == "model-b"
        registry.rollback()
        assert _ask(url, slack_api, question, 3) == "model-a"
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    assert "chat model reloaded: model-a -> model-b" in output or process.returncode == 0, output


def test_registry_rejects_unknown_versions_and_missing_files(tmp_path):
    import pytest

    from core.errors import UserFacingError

    registry = Registry(tmp_path)
    with pytest.raises(UserFacingError, match="no model version 'nope'"):
        registry.promote("nope")
    with pytest.raises(UserFacingError, match="does not exist"):
        registry.register(ModelEntry("x", str(tmp_path), "missing.gguf", "2026-01-01T00:00:00+00:00"))
    assert registry.rollback() is None and registry.current() is None
    assert Path(tmp_path / "registry.json").exists()
