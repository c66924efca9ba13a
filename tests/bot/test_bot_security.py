"""What is refused: unsigned, wrongly signed or stale requests, collections a channel may not search,
files and answers of conversations the asker is not in; and what is echoed back is escaped.
(Forged, unreadable, oversized and replayed requests: test_bot_forgery.py.)"""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.parse

from bot_harness import (
    CLEARED_USER,
    PUBLIC_CHANNEL,
    SECRET_CHANNEL,
    block_texts,
    click_payload,
    mention,
    sign,
    submission_payload,
)

from bot.blocks import HELPFUL, SUGGEST, suggestion_modal

QUESTION = "How does the government surveil contractor performance against acceptable quality levels?"


def form(text: str) -> bytes:
    return urllib.parse.urlencode(
        {
            "command": "/rfp",
            "text": text,
            "channel_id": PUBLIC_CHANNEL,
            "user_id": "W222",
            "team_id": "T111",
            "trigger_id": "1.2.x",
            "response_url": "http://127.0.0.1:9/unused",
        }
    ).encode()


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


# --- files and answers stay in their conversation ------------------------------------------------------------

SAID = ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url", "views.open")


def said(bot) -> str:
    """Everything the bot showed anyone, as one string."""
    return json.dumps([c.params for c in bot.api.calls if c.method in SAID])


def test_a_file_is_fetched_only_in_a_conversation_slack_shows_it_in(bot, services):
    text = "# Nightjar staffing plan\n\nThe incumbent staffs the Nightjar help desk with 14 analysts.\n"
    shared = bot.api.share_file(
        "nightjar-staffing.md", text.encode(), "text/markdown", channels=(SECRET_CHANNEL,)
    )
    link = f"<{bot.api.file_url(shared)}>"
    attached = [{"id": shared.id, "name": shared.name, "url_private_download": bot.api.file_url(shared)}]
    asks = [  # (the request, where its reply shows)
        (lambda: bot.command(f"ingest {link}"), "chat.postMessage"),  # another channel the bot serves
        (
            lambda: bot.command(f"ingest {shared.id}", channel="C777UNLISTED"),
            "chat.postMessage",
        ),  # not in access
        (
            lambda: bot.command(f"ingest {shared.id}", channel="D0OTHER"),
            "chat.postMessage",
        ),  # a direct message
        (lambda: bot.command(f"shred {link}"), "response_url"),
        (
            lambda: bot.event(mention("ingest", "1726136000.000100", files=attached)),
            "chat.update",
        ),  # attached
    ]
    for ask, reply in asks:
        bot.api.reset()
        assert ask().status_code == 200
        bot.api.wait_for(
            reply, lambda p: f"{shared.id} is not shared in this conversation" in p.get("text", "")
        )
        bot.idle()
        assert bot.api.calls_to("files.info")  # looked up ...
        assert not bot.api.calls_to("download") and not bot.api.calls_to("upload")  # ... never fetched
        assert "nightjar" not in said(bot).lower() and "14 analysts" not in said(bot)
    indexed = [r.path for r in services.indexer.manifest.files()]
    assert "nightjar-staffing.md" not in indexed and shared.id not in " ".join(indexed)


def ask_in(bot, channel: str, question: str) -> tuple[str, str]:
    """An answer given in `channel`: (its id, its message ts)."""
    bot.command(f"ask {question}", channel=channel)
    (post,) = bot.api.wait_for("chat.postMessage", lambda p: p.get("channel") == channel)
    bot.idle()
    actions = next(b for b in post.params["blocks"] if b["type"] == "actions")
    return actions["elements"][0]["value"], post.response["ts"]


def test_buttons_and_forms_carrying_another_conversations_answer_get_nothing_of_it(bot):
    answer_id, _ = ask_in(bot, SECRET_CHANNEL, "How is contractor performance surveilled?")
    record = bot.feedback.answer(answer_id)
    _, public_ts = ask_in(bot, PUBLIC_CHANNEL, "What is the period of performance?")
    bot.api.reset()
    since = dt.datetime.now(dt.UTC)

    # Suggest and Helpful clicked under a public-channel message, carrying the secret channel's answer id.
    for action in (SUGGEST, HELPFUL):
        assert bot.interaction(click_payload(action, answer_id, PUBLIC_CHANNEL, public_ts)).status_code == 200
    refusals = bot.api.wait_for("chat.postEphemeral", count=2)
    assert all(
        r.params["channel"] == PUBLIC_CHANNEL and "another conversation" in r.params["text"] for r in refusals
    )
    # A suggestion form whose answer is the secret channel's, sent from a modal opened in the public one.
    view = suggestion_modal(answer_id, "q", "a", PUBLIC_CHANNEL, public_ts)
    assert bot.interaction(submission_payload(view, "A better answer [1].")).status_code == 200
    bot.api.wait_for("chat.postEphemeral", count=3)
    bot.idle()

    assert not bot.api.calls_to("views.open")  # no modal with that question and answer
    shown = said(bot)
    assert record.question not in shown and record.answer[:60] not in shown
    assert bot.feedback.feedback_since(since) == []  # no vote, no suggestion stored


def test_text_echoed_back_is_escaped(bot):
    # Slack sends a typed "<!channel>" as "&lt;!channel&gt;"; the bot must not turn it into a ping.
    response = bot.command("shred &lt;!channel&gt; &lt;!here&gt;.pdf")
    assert "<!channel>" not in response.text
    bot.idle()
    (reply,) = [
        c for c in bot.api.calls_to("response_url") if "not a file or solicitation" in c.params["text"]
    ]
    shown = said(bot)
    assert "&lt;!channel&gt;" in reply.params["text"] or "&lt;!here&gt;" in reply.params["text"]
    assert "<!channel>" not in shown and "<!here>" not in shown
