"""What is refused: unsigned, wrongly signed or stale requests, and collections a channel may not search."""

from __future__ import annotations

import time
import urllib.parse

from bot_harness import CLEARED_USER, PUBLIC_CHANNEL, SECRET_CHANNEL, block_texts, sign

QUESTION = "How does the government surveil contractor performance against acceptable quality levels?"


def form(text: str) -> bytes:
    return urllib.parse.urlencode({"command": "/rfp", "text": text, "channel_id": PUBLIC_CHANNEL,
                                   "user_id": "W222", "team_id": "T111", "trigger_id": "1.2.x",
                                   "response_url": "http://127.0.0.1:9/unused"}).encode()


def test_bad_missing_and_stale_signatures_are_rejected_and_nothing_runs(bot):
    body = form("ask What is the period of performance?")
    kind = "application/x-www-form-urlencoded"
    bad = sign(body, secret="not-the-secret")
    stale = sign(body, timestamp=int(time.time()) - 6 * 60)  # correctly signed, 6 minutes old
    tampered = {**sign(body), "X-Slack-Signature": sign(body)["X-Slack-Signature"][:-4] + "0000"}
    before = bot.jobs.stats()
    for headers in (bad, {}, stale, tampered):
        response = bot.post(body, kind, headers)
        assert response.status_code == 401, headers
    bot.idle()
    assert bot.jobs.stats() == before  # nothing queued
    assert bot.api.calls == []


def test_a_channel_asking_for_a_forbidden_collection_is_refused(bot):
    response = bot.command(f"ask in:secret {QUESTION}")
    assert "may not search `secret`" in response.text and "`public`" in response.text
    bot.idle()
    assert bot.api.calls == []  # nothing retrieved, nothing posted


def test_a_channel_never_retrieves_from_a_collection_it_may_not_search(bot):
    bot.command(QUESTION)  # the QASP (secret) answers this best
    (post,) = bot.api.wait_for("chat.postMessage")
    assert "QASP" not in block_texts(post.params["blocks"])
    bot.idle()
    (public,) = bot.feedback.thread(PUBLIC_CHANNEL, post.response["ts"])
    assert public.collections == ["public"]
    assert {s.collection for s in public.sources} <= {"public"}  # 0 chunks from `secret`

    # The same question where `secret` is allowed: a channel listing it, a cleared person's DM.
    for channel, user in ((SECRET_CHANNEL, "W222"), ("D0CLEARED", CLEARED_USER)):
        bot.api.reset()
        bot.command(QUESTION, channel=channel, user=user)
        (post,) = bot.api.wait_for("chat.postMessage")
        assert "*Attachment-C-QASP.pdf*" in block_texts(post.params["blocks"])
    # Another person's DM gets the default collections only.
    bot.api.reset()
    bot.command(f"ask in:secret {QUESTION}", channel="D0OTHER", user="W222")
    bot.idle()
    assert not bot.api.calls_to("chat.postMessage")


def test_healthz_answers_json(bot):
    response = bot.http.get(bot.url + "/healthz")
    assert response.status_code == 200 and response.json()["ok"] is True
    assert response.json()["jobs"]["workers"] == 2
