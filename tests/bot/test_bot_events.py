"""Mentions and thread replies (Events API), as Slack sends them."""

from __future__ import annotations

import re
import time

from bot_harness import CLEARED_USER, CLOUDGOV, PUBLIC_CHANNEL, block_texts, mention, payload, thread_reply


def test_mention_is_answered_in_its_thread_and_a_reply_there_is_a_follow_up(bot):
    mention_ts = "1726133698.626339"  # the thread the real thread-reply payload replies in
    started = time.monotonic()
    response = bot.event(mention("What is the period of performance?", mention_ts))
    assert response.status_code == 200 and time.monotonic() - started < 3

    (placeholder,) = bot.api.wait_for("chat.postMessage")
    assert placeholder.params["thread_ts"] == mention_ts and placeholder.params["channel"] == PUBLIC_CHANNEL
    assert "working on it" in placeholder.params["text"]
    (update,) = bot.api.wait_for("chat.update")
    assert update.params["ts"] == placeholder.response["ts"]  # the placeholder becomes the answer
    first = block_texts(update.params["blocks"])
    assert "5.0 Period of Performance" in first and "[1]" in first
    bot.idle()

    # "And the options?" alone is vague; with the thread's first question it is about the POP.
    bot.api.reset()
    bot.event(thread_reply("And how many option periods are there?", "1726133700.887259", mention_ts))
    (placeholder,) = bot.api.wait_for("chat.postMessage")
    assert placeholder.params["thread_ts"] == mention_ts
    (update,) = bot.api.wait_for("chat.update")
    second = block_texts(update.params["blocks"])
    assert "two (2) one-year Option Periods" in second
    bot.idle()
    turns = bot.feedback.thread(PUBLIC_CHANNEL, mention_ts)
    assert [t.question for t in turns] == [
        "What is the period of performance?",
        "And how many option periods are there?",
    ]
    assert turns[1].history == [(turns[0].question, turns[0].answer)]


def test_slack_retries_of_an_event_are_not_answered_twice(bot):
    body = mention("Where will the work be performed?", "1726133800.000100", event_id="EvRETRY1")
    bot.event(body)
    bot.event(body)  # Slack retries when it thinks the first delivery failed
    bot.api.wait_for("chat.update")
    bot.idle()
    assert len(bot.api.calls_to("chat.postMessage")) == 1


def test_ordinary_channel_messages_are_left_alone(bot):
    bot.event(thread_reply("lunch?", "1726133900.000200", thread_ts="1726133899.000100"))
    bot.idle()
    time.sleep(0.3)
    assert not [c for c in bot.api.calls if c.method.startswith("chat.")]


def test_a_failure_replaces_the_placeholder_with_an_apology(bot):
    bot.api.fail_next("chat.update", "invalid_blocks")  # Slack rejects the answer's message
    bot.event(mention("What type of contract is this?", "1726134100.000300"))
    (placeholder,) = bot.api.wait_for("chat.postMessage")
    _, apology = bot.api.wait_for("chat.update", count=2)
    assert apology.params["ts"] == placeholder.response["ts"]
    assert re.search(r"error id `[0-9a-f]{8}`", apology.params["text"])


def test_a_file_shared_in_a_direct_message_is_ingested_then_cited_with_its_page(bot):
    pdf = bot.api.share_file(
        "Attachment-A-PWS.pdf",
        (CLOUDGOV / "Attachment-A-PWS.pdf").read_bytes(),
        "application/pdf",
        channels=(),
        private=("D0CLEARED",),
    )
    body = payload("events_api/message_channel_rich_text.json")
    body["event"].update(
        channel="D0CLEARED",
        channel_type="im",
        user=CLEARED_USER,
        subtype="file_share",
        text="ingest in:dropbox",
        ts="1726134200.000100",
        event_ts="1726134200.000100",
        files=[
            {
                "id": pdf.id,
                "name": pdf.name,
                "mimetype": pdf.mimetype,
                "url_private_download": bot.api.file_url(pdf),
            }
        ],
    )
    body.pop("blocks", None)
    body["event_id"] = "EvDMFILE1"
    bot.event(body)
    (placeholder,) = bot.api.wait_for("chat.postMessage")
    assert (
        placeholder.params["thread_ts"] == "1726134200.000100"
        and "into `dropbox`" in placeholder.params["text"]
    )
    (done,) = bot.api.wait_for("chat.update")
    assert re.search(
        r":white_check_mark: \*Attachment-A-PWS.pdf\*: \d+ passages indexed into `dropbox`",
        done.params["text"],
    )
    bot.idle()

    bot.api.reset()
    bot.command("ask in:dropbox Who operates cloud.gov?", channel="D0CLEARED", user=CLEARED_USER)
    (post,) = bot.api.wait_for("chat.postMessage")
    text = block_texts(post.params["blocks"])
    assert re.search(r"\*Attachment-A-PWS.pdf\* · page \d+", text) and "Searched: dropbox" in text
