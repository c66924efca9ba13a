"""`/rfp ...`: acknowledged at once with "working on it" (only the asker sees it); the reply is then
posted in the channel, and its thread takes follow-ups."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.conversation import Conversation
from bot.listeners.errors import reporting
from bot.parsing import parse
from bot.tasks import Tasks


def register(app: App, tasks: Tasks) -> None:
    @app.command(tasks.command)
    def rfp_command(ack: Ack, command: dict, client: WebClient, respond: Respond) -> None:
        conv = Conversation(client, command["channel_id"], command["user_id"], respond=respond)
        plan = tasks.plan(parse(command.get("text", "")), conv, show_asker=True)
        ack(text=plan.reply)
        if plan.work is not None:
            with reporting(client, command, "/rfp"):
                tasks.submit(plan, conv)
