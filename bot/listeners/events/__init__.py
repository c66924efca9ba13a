from __future__ import annotations

from slack_bolt import App

from bot.listeners.events import app_mention, message
from bot.tasks import Tasks


def register(app: App, tasks: Tasks) -> None:
    app_mention.register(app, tasks)
    message.register(app, tasks)
