""" "Helpful" / "Not helpful" under an answer: stored (one vote per person, the latest counts), for an
answer given in the conversation the click came from."""

from __future__ import annotations

import re

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import HELPFUL, NOT_HELPFUL
from bot.listeners.errors import reporting, where
from bot.tasks import Tasks


def register(app: App, tasks: Tasks) -> None:
    @app.action(re.compile(f"^({HELPFUL}|{NOT_HELPFUL})$"))
    def feedback_vote(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        with reporting(client, body, "feedback vote"):
            user, helpful = body["user"]["id"], action["action_id"] == HELPFUL
            record = tasks.answer_here(action["value"], where(body)[0], user)
            tasks.feedback.vote(record.id, user, helpful)
            text = (
                "Thanks: noted that this answer helped."
                if helpful
                else "Thanks: noted that this answer "
                "did not help. *Suggest a better answer* teaches me the right one."
            )
            client.chat_postEphemeral(
                channel=record.channel, user=user, thread_ts=record.thread_ts, text=text
            )
