"""Buttons and the modal store feedback; the export makes the training lines finetune/ reads."""

from __future__ import annotations

import copy
import datetime as dt
import json

from bot_harness import PUBLIC_CHANNEL, click_payload, payload, submission_payload
from typer.testing import CliRunner

from bot.blocks import HELPFUL, NOT_HELPFUL, SUGGEST, SUGGEST_VIEW
from core.prompt import user_message
from finetune.feedback import export, prompt_messages


def ask(bot, question: str) -> tuple[str, dict]:
    """Ask with /rfp; returns the answer id (the buttons' value) and the posted message."""
    bot.command(f"ask {question}")
    (post,) = bot.api.wait_for("chat.postMessage")
    bot.idle()
    actions = next(b for b in post.params["blocks"] if b["type"] == "actions")
    return actions["elements"][0]["value"], post


def click(bot, action_id: str, answer_id: str, post, user: str = "W444") -> None:
    body = click_payload(action_id, answer_id, PUBLIC_CHANNEL, post.response["ts"], post.params["text"], user)
    assert bot.interaction(body).status_code == 200


def submit(bot, view: dict, text: str, user: str = "W444"):
    return bot.interaction(submission_payload(view, text, user))


def test_votes_and_a_suggested_answer_are_stored_and_exported(bot, settings, tmp_path):
    before = dt.datetime.now(dt.UTC)
    answer_id, post = ask(bot, "How long is the base period?")

    click(bot, HELPFUL, answer_id, post)
    (thanks,) = bot.api.wait_for("chat.postEphemeral")
    assert thanks.params["user"] == "W444" and thanks.params["thread_ts"] == post.response["ts"]
    click(bot, NOT_HELPFUL, answer_id, post)  # changed their mind: the latest vote counts
    click(bot, HELPFUL, answer_id, post, user="W555")
    bot.api.wait_for("chat.postEphemeral", count=3)

    click(bot, SUGGEST, answer_id, post)
    (opened,) = bot.api.wait_for("views.open")
    assert opened.params["trigger_id"] == "111.222.valid"
    view = opened.params["view"]
    assert view["callback_id"] == SUGGEST_VIEW and view["blocks"][-1]["element"]["type"] == "plain_text_input"

    assert submit(bot, view, "   ").json()["response_action"] == "errors"  # empty: the modal says so
    better = "The base period is one year, followed by two one-year option periods [1]."
    assert submit(bot, view, better).status_code == 200
    bot.api.wait_for("chat.postEphemeral", lambda p: "saved" in p.get("text", ""))

    items = bot.feedback.feedback_since(before)
    votes = {(f.user, f.helpful) for f in items if f.kind == "vote"}
    assert votes == {("W444", False), ("W555", True)}
    (suggestion,) = [f for f in items if f.kind == "suggestion"]
    record = suggestion.answer
    assert suggestion.text == better and suggestion.user == "W444"
    assert record.question == "How long is the base period?" and record.thread_ts == post.response["ts"]
    assert record.sources and record.sources[0].path == "RFQ.md" and record.channel == PUBLIC_CHANNEL
    assert not bot.feedback.feedback_since(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))

    # The export, through the CLI the way `rfp feedback export` runs it.
    from rfp.cli import app

    env = {"RFP_DATA_DIR": str(settings.data_dir)}
    lines = {}
    for fmt in ("kto", "dpo", "sft"):
        out = tmp_path / f"{fmt}.jsonl"
        result = CliRunner().invoke(
            app,
            [
                "feedback",
                "export",
                "--format",
                fmt,
                "--out",
                str(out),
                "--since",
                before.strftime("%Y-%m-%dT%H:%M:%S"),
            ],
            env=env,
        )
        assert result.exit_code == 0, result.output
        lines[fmt] = [json.loads(x) for x in out.read_text().splitlines()]
    prompt = user_message(record.question, record.sources)
    messages = prompt_messages(record)  # preference lines carry the whole prompt, system rules included
    assert messages[0]["role"] == "system" and messages[-1] == {"role": "user", "content": prompt}
    assert sorted((x["label"], x["completion"]) for x in lines["kto"]) == [
        (False, record.answer),
        (True, record.answer),
    ]
    assert all(x["prompt"] == messages for x in lines["kto"])
    assert lines["dpo"] == [{"prompt": messages, "chosen": better, "rejected": record.answer}]
    (sft,) = lines["sft"]
    assert [m["role"] for m in sft["messages"]] == ["system", "user", "assistant"]
    assert sft["messages"][1]["content"] == prompt and sft["messages"][2]["content"] == better
    assert "[1] RFQ.md, Terms and Conditions" in prompt and prompt.endswith("like [1].")


def test_the_exported_prompt_is_the_one_the_answerer_sends(services, settings, bot):
    answer = services.answerer.answer("How long is the base period?", ["public"], extractive=True)
    from core.feedback import AnswerRecord

    history = [("What is this RFQ for?", "cloud.gov support [1].")]
    record = AnswerRecord.from_answer(
        answer,
        user="U1",
        channel="C1",
        thread_ts=None,
        message_ts=None,
        history=history,
        collections=["public"],
    )
    expected = services.answerer.messages(answer.question, answer.sources, history)
    assert prompt_messages(record) == expected


def test_the_finetune_readers_accept_the_export(bot, tmp_path):
    from finetune.data import read_preferences, read_sft

    answer_id, post = ask(bot, "What is the period of performance?")
    click(bot, NOT_HELPFUL, answer_id, post)
    click(bot, SUGGEST, answer_id, post)
    (opened,) = bot.api.wait_for("views.open")
    submit(bot, opened.params["view"], "One base year and two option years [1].")
    bot.api.wait_for("chat.postEphemeral", lambda p: "saved" in p.get("text", ""))
    for fmt in ("kto", "dpo", "sft"):
        assert export(bot.feedback, fmt, tmp_path / f"{fmt}.jsonl") >= 1
    assert read_preferences(tmp_path / "kto.jsonl")[0] == "kto"
    assert read_preferences(tmp_path / "dpo.jsonl")[0] == "dpo"
    examples, _ = read_sft([tmp_path / "sft.jsonl"])
    assert examples[-1]["completion"][0]["content"] == "One base year and two option years [1]."


def test_feedback_on_an_answer_that_is_gone_says_so(bot):
    body = copy.deepcopy(payload("interactivity/block_actions_button.json"))
    body["actions"][0].update(action_id=HELPFUL, block_id="feedback", value="no-such-answer")
    assert bot.interaction(body).status_code == 200
    (note,) = bot.api.wait_for("chat.postEphemeral")
    assert note.params["user"] == "W111" and "can't find that answer" in note.params["text"]


def test_a_replayed_suggestion_is_stored_once(bot):
    import urllib.parse

    from bot_harness import sign

    before = dt.datetime.now(dt.UTC)
    answer_id, post = ask(bot, "How long is the base period?")
    click(bot, SUGGEST, answer_id, post)
    (opened,) = bot.api.wait_for("views.open")
    body = urllib.parse.urlencode(
        {"payload": json.dumps(submission_payload(opened.params["view"], "One year [1].", "W444"))}
    ).encode()
    headers = sign(body)
    form = "application/x-www-form-urlencoded"
    assert bot.post(body, form, headers).status_code == 200
    assert bot.post(body, form, headers).status_code == 200  # the same signed submission again
    bot.api.wait_for("chat.postEphemeral", lambda p: "saved" in p.get("text", ""))
    bot.idle()
    suggestions = [f for f in bot.feedback.feedback_since(before) if f.kind == "suggestion"]
    assert len(suggestions) == 1
