from __future__ import annotations

from slack_bolt import App

from bot.listeners.views import suggestion_submitted
from bot.tasks import Tasks


def register(app: App, tasks: Tasks) -> None:
    suggestion_submitted.register(app, tasks)
