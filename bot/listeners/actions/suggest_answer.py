""" "Suggest a better answer": opens a modal with the question, the bot's answer and a text box, only
for an answer given in the conversation the click came from."""

from __future__ import annotations

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import SUGGEST, suggestion_modal
from bot.listeners.errors import reporting, where
from bot.tasks import Tasks


def register(app: App, tasks: Tasks) -> None:
    @app.action(SUGGEST)
    def suggest_answer(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        with reporting(client, body, "suggest button"):
            channel, user = where(body)
            record = tasks.answer_here(action["value"], channel, user)
            client.views_open(
                trigger_id=body["trigger_id"],
                view=suggestion_modal(
                    record.id, record.question, record.answer, record.channel, record.thread_ts
                ),
            )
