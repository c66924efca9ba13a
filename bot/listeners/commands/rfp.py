"""`/rfp ...`: acknowledged at once with "working on it" (only the asker sees it); the reply is then
posted in the channel, and its thread takes follow-ups. A replay of the same signed command (within
its 5 minutes) is acknowledged with nothing and not acted on."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltRequest, Respond
from slack_sdk import WebClient

from bot.conversation import Conversation
from bot.dedupe import request_key
from bot.listeners.errors import reporting
from bot.parsing import parse
from bot.tasks import Tasks

log = logging.getLogger(__name__)


def register(app: App, tasks: Tasks) -> None:
    @app.command(tasks.command)
    def rfp_command(
        ack: Ack, command: dict, client: WebClient, respond: Respond, request: BoltRequest
    ) -> None:
        if not tasks.claims.claim(request_key(request)):
            log.warning(
                "ignored a replay of %s from %s in %s",
                tasks.command,
                command.get("user_id"),
                command.get("channel_id"),
            )
            ack()
            return
        conv = Conversation(client, command["channel_id"], command["user_id"], respond=respond)
        plan = tasks.plan(parse(command.get("text", "")), conv, show_asker=True)
        ack(text=plan.reply)
        if plan.work is not None:
            with reporting(client, command, "/rfp"):
                tasks.submit(plan, conv)
