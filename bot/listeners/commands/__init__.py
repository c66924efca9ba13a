from __future__ import annotations

from slack_bolt import App

from bot.listeners.commands import rfp
from bot.tasks import Tasks


def register(app: App, tasks: Tasks) -> None:
    rfp.register(app, tasks)
