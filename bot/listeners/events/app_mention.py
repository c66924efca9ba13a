"""@mention in a channel: answered in the mention's thread (with the thread's earlier turns when the
bot answered there before). Files attached with `ingest` are ingested."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from bot.conversation import Conversation
from bot.parsing import parse
from bot.tasks import Tasks


def register(app: App, tasks: Tasks) -> None:
    @app.event("app_mention")
    def app_mention(event: dict, body: dict, client: WebClient) -> None:
        if not tasks.claims.claim(body.get("event_id")):
            return  # Slack's retry of an event already being answered
        channel, thread = event["channel"], event.get("thread_ts") or event["ts"]
        earlier = tasks.feedback.thread(channel, thread) if event.get("thread_ts") else []
        conv = Conversation(client, channel, event.get("user", ""), thread_ts=thread)
        request = parse(event.get("text", ""), [f["id"] for f in event.get("files") or [] if f.get("id")])
        tasks.start_in_thread(request, conv, earlier[0].collections if earlier else None)
