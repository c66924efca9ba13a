"""`/rfp shred` in Slack: the real Bolt app behind HTTP, driven with signed slash commands, talking to
the local Slack Web API of the bot's own tests (tests/bot/mock_slack_api.py)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bot"))  # the bot tests' harness

from bot_harness import SECRET, TOKEN, start_bot, stop_bot
from mock_slack_api import MockSlackAPI

from core.services import Services
from core.settings import Settings

ADS = "rfp/gsa-18f-agile-delivery-services-bpa-2015/ADS_RFQ_Final_2015-06-16.pdf"
ADS_MOD = "rfp/gsa-18f-agile-delivery-services-bpa-2015/ADS_RFQ_Final_Modification_5_2015-06-30.pdf"


@pytest.fixture(scope="module")
def bot(tmp_path_factory, embedder, data_root):
    data_dir = tmp_path_factory.mktemp("shred-bot")
    api = MockSlackAPI(token=TOKEN).start()
    settings = Settings(
        data_dir=data_dir,
        extractive=True,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_app_token=None,
        slack_api_url=api.api_url,
        _env_file=None,
    )
    services = Services(settings, embedder=embedder)
    result = services.indexer.index_file(data_root / ADS, "public", display=Path(ADS).name)
    assert result.status == "new", result
    running, server = start_bot(settings, services, api)
    yield running
    stop_bot(running, server)
    services.close()
    api.stop()


def uploaded_matrix(bot):
    from openpyxl import load_workbook

    (complete,) = bot.api.wait_for("files.completeUploadExternal")
    (url,) = bot.api.calls_to("files.getUploadURLExternal")
    assert url.params["filename"].startswith("matrix-") and url.params["filename"].endswith(".xlsx")
    book = load_workbook(io.BytesIO(bot.api.uploads[complete.params["files"][0]["id"]]))
    return complete, book["Compliance Matrix"]


def test_shred_a_shared_rfp_and_its_modification(bot, data_root):
    bot.api.reset()
    rfp = bot.api.share_file(Path(ADS).name, (data_root / ADS).read_bytes(), "application/pdf")
    mod = bot.api.share_file(Path(ADS_MOD).name, (data_root / ADS_MOD).read_bytes(), "application/pdf")
    response = bot.command(f"shred <{bot.api.file_url(rfp)}> <{bot.api.file_url(mod)}>")
    assert "Shredding 2 shared file(s)" in response.text
    (summary,) = bot.api.wait_for("chat.postMessage", lambda p: "Compliance matrix" in (p.get("text") or ""))
    assert "1500 words" in summary.params["text"] and "Questions due" in summary.params["text"]
    complete, sheet = uploaded_matrix(bot)
    assert complete.params["thread_ts"] == summary.response["ts"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    added = [r for r in rows if r["Requirement"] and "1500 words" in r["Requirement"]]
    assert added and added[0]["Amendment"] == Path(ADS_MOD).name and added[0]["Change"] == "added"
    bot.idle()


def test_shred_a_file_already_ingested_by_name(bot):
    bot.api.reset()
    bot.command(f"shred {Path(ADS).name}")
    _, sheet = uploaded_matrix(bot)
    assert sheet.max_row > 100
    bot.idle()


def test_shred_names_what_it_cannot_find(bot):
    bot.api.reset()
    bot.command("shred nosuch_rfp.pdf")
    bot.idle()
    said = " ".join(
        str(c.params.get("text", ""))
        for c in bot.api.calls
        if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url")
    )
    assert "nosuch_rfp.pdf" in said and "not a file or solicitation ingested" in said, said
    assert not bot.api.calls_to("files.completeUploadExternal")


def test_help_lists_shred(bot):
    response = bot.command("help")
    assert "shred" in response.text
