"""Bolt listeners, one per file, wired by `register_listeners` (as in Slack's bolt starter template)."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import actions, commands, errors, events, views
from bot.tasks import Tasks


def register_listeners(app: App, tasks: Tasks, signing_secret: str | None) -> None:
    commands.register(app, tasks)
    events.register(app, tasks)
    actions.register(app, tasks)
    views.register(app, tasks)
    errors.register(app, signing_secret)
