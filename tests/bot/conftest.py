"""One real corpus for the bot's tests (real embeddings, real Qdrant files), one local Slack Web API,
and the real Bolt app behind a real HTTP server (waitress), driven with signed requests shaped like
Slack's own payloads (shared/data/slack-payloads). Helpers are in bot_harness.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from bot_harness import (
    CLEARED_USER,
    CLOUDGOV,
    CODES_CHANNEL,
    SECRET,
    SECRET_CHANNEL,
    TOKEN,
    start_bot,
    stop_bot,
)
from mock_slack_api import MockSlackAPI

from core.services import Services
from core.settings import Settings


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bot-data")


@pytest.fixture(scope="session")
def access_file(data_dir) -> Path:
    path = data_dir / "access.yaml"
    path.write_text(
        "default: [public]\n"
        f"channels:\n  {SECRET_CHANNEL}: [secret, public]\n  {CODES_CHANNEL}: [codes, public]\n"
        f"users:\n  {CLEARED_USER}: [public, secret, dropbox]\n"
    )
    return path


@pytest.fixture(scope="session")
def settings(data_dir, access_file) -> Settings:
    return Settings(
        data_dir=data_dir,
        extractive=True,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_app_token=None,
        slack_api_url="http://127.0.0.1:9/api/",
        access_file=access_file,
        n_threads=2,
        _env_file=None,
    )


@pytest.fixture(scope="session")
def services(settings, embedder):
    """The corpus: the cloud.gov RFQ in `public`, its QASP in `secret`; ingested once per session
    (with the session's one embedder, tests/conftest.py)."""
    services = Services(settings, embedder=embedder)
    for path, collection in ((CLOUDGOV / "RFQ.md", "public"), (CLOUDGOV / "Attachment-C-QASP.pdf", "secret")):
        result = services.indexer.index_file(path, collection, display=path.name)
        assert result.status == "new", result
    yield services
    services.close()


@pytest.fixture(scope="session")
def slack_api():
    api = MockSlackAPI(token=TOKEN).start()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def running(settings, services, slack_api):
    bot_settings = settings.model_copy(update={"slack_api_url": slack_api.api_url})
    bot, server = start_bot(bot_settings, services, slack_api, draft_chars=1200)
    yield bot
    stop_bot(bot, server)


@pytest.fixture
def bot(running):
    """The session's bot with a clean call record; waits for its jobs before and after each test."""
    running.idle()
    running.api.reset()
    yield running
    running.idle()
