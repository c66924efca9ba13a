from __future__ import annotations

from slack_bolt import App

from bot.listeners.actions import feedback_vote, suggest_answer
from bot.tasks import Tasks


def register(app: App, tasks: Tasks) -> None:
    feedback_vote.register(app, tasks)
    suggest_answer.register(app, tasks)
