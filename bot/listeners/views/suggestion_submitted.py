"""The "suggest a better answer" modal sent: the suggestion is stored with the answer it improves, if
that answer was given in the conversation the modal was opened from; a replay of the same signed
submission is acknowledged and not stored again."""

from __future__ import annotations

import json

from slack_bolt import Ack, App, BoltRequest
from slack_sdk import WebClient

from bot.blocks import SUGGEST_BLOCK, SUGGEST_INPUT, SUGGEST_VIEW
from bot.dedupe import request_key
from bot.listeners.errors import reporting
from bot.tasks import Tasks


def register(app: App, tasks: Tasks) -> None:
    @app.view(SUGGEST_VIEW)
    def suggestion_submitted(
        ack: Ack, body: dict, view: dict, client: WebClient, request: BoltRequest
    ) -> None:
        value = view["state"]["values"].get(SUGGEST_BLOCK, {}).get(SUGGEST_INPUT, {}).get("value") or ""
        if not value.strip():
            ack(response_action="errors", errors={SUGGEST_BLOCK: "Write the better answer first."})
            return
        ack()
        if not tasks.claims.claim(request_key(request)):  # a replay of the same signed submission
            return
        meta = json.loads(view.get("private_metadata") or "{}")
        with reporting(client, body, "suggested answer", channel=meta.get("channel")):
            user = body["user"]["id"]
            record = tasks.answer_here(meta["answer_id"], meta.get("channel"), user)
            tasks.feedback.suggest(record.id, user, value)
            client.chat_postEphemeral(
                channel=meta["channel"],
                user=user,
                thread_ts=meta.get("thread_ts"),
                text="Thanks: your answer is saved and will be used to improve mine.",
            )
