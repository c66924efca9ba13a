"""A reply in a thread the bot answered is a follow-up, answered with the thread's earlier turns.
A direct message to the bot is a question (or a command) too."""

from __future__ import annotations

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.conversation import Conversation
from bot.parsing import parse
from bot.tasks import Tasks

ANSWERED_SUBTYPES = (None, "file_share", "thread_broadcast")


def register(app: App, tasks: Tasks) -> None:
    @app.event("message")
    def message(event: dict, body: dict, client: WebClient, context: BoltContext) -> None:
        if event.get("subtype") not in ANSWERED_SUBTYPES or event.get("bot_id"):
            return  # edits, deletions, joins, other bots
        channel, text = event["channel"], event.get("text", "")
        direct = event.get("channel_type") == "im"
        if not direct and context.bot_user_id and f"<@{context.bot_user_id}>" in text:
            return  # a mention: the app_mention listener answers it
        thread = event.get("thread_ts")
        earlier = tasks.feedback.thread(channel, thread) if thread else []
        if not direct and not earlier:
            return  # ordinary conversation in a channel
        if not tasks.claims.claim(body.get("event_id")):
            return
        conv = Conversation(client, channel, event.get("user", ""), thread_ts=thread or event["ts"])
        request = parse(text, [f["id"] for f in event.get("files") or [] if f.get("id")])
        tasks.start_in_thread(request, conv, earlier[0].collections if earlier else None)
