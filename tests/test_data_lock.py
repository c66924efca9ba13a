"""A data folder another process is using is refused at once, with the process named (issue 15, part 5).

In the embedded mode Qdrant runs inside the process and locks its files; before this, a second
`rfp ingest` worked for minutes and then died on "WAL WouldBlock", and `rfp search` beside the bot
gave "internal error". Real processes here, as people start them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from core.errors import UserFacingError
from core.settings import Settings
from core.store import open_store

ROOT = Path(__file__).resolve().parents[1]
ENV = {"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}


def rfp(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "rfp", *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=ENV
    )
    return result, time.monotonic() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ingest_and_search_beside_the_bot_are_refused_at_once_naming_it(tmp_path):
    from tests.bot.mock_slack_api import MockSlackAPI

    data, folder = tmp_path / "data", tmp_path / "inbox"
    folder.mkdir()
    (folder / "rfq.md").write_text("# RFQ\n\nQuotes are due by 2:00 PM on March 16, 2026.\n")
    first, _ = rfp("--data-dir", str(data), "ingest", str(folder), cwd=tmp_path)
    assert first.returncode == 0, first.stderr

    slack = MockSlackAPI(token="xoxb-lock-test").start()
    port = free_port()
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot", "--port", str(port), "--host", "127.0.0.1"],
        cwd=tmp_path,
        env={
            **ENV,
            "SLACK_BOT_TOKEN": "xoxb-lock-test",
            "SLACK_SIGNING_SECRET": "secret",
            "RFP_EXTRACTIVE": "true",
            "SLACK_API_URL": slack.api_url,
            "RFP_DATA_DIR": str(data),
            "RFP_EMBED_THREADS": "1",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz")
                break
            except httpx.TransportError:
                assert bot.poll() is None and time.monotonic() < deadline, (
                    bot.stdout.read() if bot.stdout else ""
                )
                time.sleep(0.5)
        holder = f"is in use by `python -m bot --port {port} --host 127.0.0.1` (pid {bot.pid}, started "
        for args in (["search", "When are quotes due?"], ["ingest", str(folder), "--force"]):
            refused, seconds = rfp("--data-dir", str(data), *args, cwd=tmp_path)
            print(f"rfp {args[0]} refused in {seconds:.1f} s")
            assert refused.returncode == 2, refused.stdout + refused.stderr
            assert f"error: the data folder {data} {holder}" in refused.stderr
            assert "stop it or use another --data-dir" in refused.stderr
            assert "internal error" not in refused.stderr and "Traceback" not in refused.stderr
    finally:
        bot.send_signal(signal.SIGKILL)  # no clean shutdown: the lock must still be released
        bot.wait(timeout=60)
        slack.stop()
    after, _ = rfp("--data-dir", str(data), "search", "When are quotes due?", "--json", cwd=tmp_path)
    assert after.returncode == 0, after.stderr
    assert "rfq.md" in after.stdout


@pytest.mark.parametrize("backend", ["edge", "local"])
def test_a_second_store_on_the_folder_is_refused_until_the_first_closes(tmp_path, backend):
    settings = Settings(data_dir=tmp_path / "data", store_backend=backend, _env_file=None)
    first = open_store(settings)
    holder = json.loads((tmp_path / "data" / "lock").read_text())
    assert holder["pid"] == os.getpid() and holder["command"] and holder["started"]
    with pytest.raises(UserFacingError, match=rf"is in use by `.+` \(pid {os.getpid()}, started "):
        open_store(settings)
    first.close()
    assert (tmp_path / "data" / "lock").read_text() == ""  # nothing stale to misread later
    second = open_store(settings)
    second.close()


def test_an_edge_store_used_after_close_takes_the_folder_again(tmp_path):
    """A Services object closed and used again (tests and the watcher do) holds the folder again."""
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    store = open_store(settings)
    store.ensure_collection("public")
    store.close()
    assert store.count("public") == 0  # reopens the collection
    with pytest.raises(UserFacingError, match="is in use by"):
        open_store(settings)
    store.close()


@pytest.mark.filterwarnings("ignore:Failed to obtain server version")
def test_a_qdrant_server_takes_no_folder_lock(tmp_path):
    """With QDRANT_URL the bot and the ingest watcher share one data folder (compose.yaml)."""
    settings = Settings(data_dir=tmp_path / "data", qdrant_url="http://127.0.0.1:9", _env_file=None)
    bot_store, watcher_store = open_store(settings), open_store(settings)
    assert not (tmp_path / "data" / "lock").exists()
    bot_store.close()
    watcher_store.close()
