"""`/rfp ...` through the real HTTP endpoint: acknowledged at once, then the reply in Slack."""

from __future__ import annotations

import io
import logging
import re
import time

import docx
from bot_harness import CODES_CHANNEL, DATA, PUBLIC_CHANNEL, block_texts

from bot.blocks import HELPFUL, NOT_HELPFUL, SUGGEST


def test_ask_is_acknowledged_at_once_then_answered_with_citations(bot):
    started = time.monotonic()
    response = bot.command("ask What is the period of performance?")
    ack_s = time.monotonic() - started
    assert response.status_code == 200 and ack_s < 3
    assert "working on it" in response.text.lower()

    (post,) = bot.api.wait_for("chat.postMessage", lambda p: p.get("channel") == PUBLIC_CHANNEL)
    blocks = post.params["blocks"]
    text = block_texts(blocks)
    assert "<@W222> asked: What is the period of performance?" in text
    assert re.search(r"\[1\]", text) and "one (1) year" in text
    assert "*Sources*" in text and "*RFQ.md*" in text and "5.0 Period of Performance" in text
    buttons = next(b for b in blocks if b["type"] == "actions")["elements"]
    assert [b["action_id"] for b in buttons] == [HELPFUL, NOT_HELPFUL, SUGGEST]
    assert [b["text"]["text"] for b in buttons] == ["Helpful", "Not helpful", "Suggest a better answer"]

    # Stored for feedback and follow-ups: the answer's own message starts its thread.
    bot.idle()
    (record,) = bot.feedback.thread(PUBLIC_CHANNEL, post.response["ts"])
    assert record.id == buttons[0]["value"]
    assert record.question == "What is the period of performance?" and record.user == "W222"
    assert record.sources[0].path == "RFQ.md" and record.collections == ["public"]
    assert record.mode == "extractive" and re.search(r"\[\d\]", record.answer)


def test_help_is_the_whole_reply(bot):
    response = bot.command("help")
    text = response.text
    assert "/rfp ask QUESTION" in text and "/rfp draft SECTION" in text and "`public`" in text
    bot.idle()
    assert not bot.api.calls_to("chat.postMessage")


def test_question_the_documents_do_not_cover_says_so_visibly(bot):
    bot.command("What is the capital of Mongolia?")
    (post,) = bot.api.wait_for("chat.postMessage")
    text = block_texts(post.params["blocks"])
    assert "Not covered by the documents" in text
    assert ":warning: *No source supports an answer to this.*" in text
    assert "*Closest passages*" in text


def test_short_draft_is_one_message(bot):
    bot.command("draft Period of performance")
    (post,) = bot.api.wait_for("chat.postMessage")
    text = block_texts(post.params["blocks"])
    assert "Draft requested by <@W222>" in text and "Period of performance" in text
    assert "[1]" in text and "*Sources*" in text and "RFQ.md" in text
    bot.idle()
    assert not bot.api.calls_to("files.getUploadURLExternal")


def test_long_draft_goes_into_the_thread_as_docx_with_a_summary(bot):
    bot.command(
        "draft Contract terms: period of performance; place of performance; key personnel; "
        "invoice submission; travel for RFQ1349024"
    )
    (summary,) = bot.api.wait_for("chat.postMessage")
    assert "longer than one Slack message" in block_texts(summary.params["blocks"])
    (complete,) = bot.api.wait_for("files.completeUploadExternal")
    summary_ts = summary.response["ts"]
    assert complete.params["channel_id"] == PUBLIC_CHANNEL and complete.params["thread_ts"] == summary_ts
    file_id = complete.params["files"][0]["id"]
    (url,) = bot.api.calls_to("files.getUploadURLExternal")
    assert url.params["filename"].endswith(".docx")
    document = docx.Document(io.BytesIO(bot.api.uploads[file_id]))
    body = "\n".join(p.text for p in document.paragraphs)
    assert body.startswith("Contract terms") and "Solicitation: RFQ1349024" in body
    assert "Sources" in body and "RFQ.md" in body and "[1]" in body


def test_ingest_a_slack_file_then_look_up_codes(bot):
    # The first 20 rows of a real GSA CALC price list, shared in Slack.
    rows = (DATA / "codes" / "gsa_calc_hourly_prices_sample.csv").read_text().splitlines()[:21]
    shared = bot.api.share_file(
        "gsa_calc_prices.csv", ("\n".join(rows) + "\n").encode(), "text/csv", channels=(CODES_CHANNEL,)
    )
    response = bot.command(f"ingest <{bot.api.file_url(shared)}>", channel=CODES_CHANNEL)
    assert "into `codes`" in response.text
    (done,) = bot.api.wait_for("chat.postMessage", lambda p: p.get("channel") == CODES_CHANNEL)
    assert ":white_check_mark: *gsa_calc_prices.csv*: 20 passages indexed into `codes`" in done.params["text"]
    (download,) = bot.api.calls_to("download")
    assert download.token == bot.api.token

    bot.api.reset()
    bot.command("codes Linguist", channel=CODES_CHANNEL)
    (post,) = bot.api.wait_for("chat.postMessage")
    text = block_texts(post.params["blocks"])
    assert "*gsa_calc_prices.csv*" in text and "*Labor Category:* Linguist" in text


def test_ingest_failure_names_the_file_and_why(bot):
    response = bot.command("ingest https://files.slack.com/files-pri/T111-F0NOSUCHFILE/x.pdf")
    assert response.status_code == 200
    (post,) = bot.api.wait_for("chat.postMessage")
    assert ":x: *F0NOSUCHFILE*" in post.params["text"] and "file_not_found" in post.params["text"]


def test_unexpected_failure_apologizes_with_an_error_id_that_is_in_the_log(bot, caplog):
    caplog.set_level(logging.ERROR, logger="bot")
    bot.api.fail_next("chat.postMessage", "invalid_blocks")
    bot.command("ask What is the period of performance?")
    (reply,) = bot.api.wait_for("response_url", lambda p: "error id" in p.get("text", ""))
    error_id = re.search(r"error id `([0-9a-f]{8})`", reply.params["text"]).group(1)
    assert reply.params["response_type"] == "ephemeral" and "\n" not in reply.params["text"]
    bot.idle()
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None and "invalid_blocks" in str(logged[0].exc_info[1])
