"""The last line of defence for listener errors: nothing fails silently.

A `UserFacingError` is shown to the person as-is; anything else is logged with its stack under an
error id, and the person gets a one-line apology quoting it (privately where possible)."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

from bot.jobs import apology
from core.errors import UserFacingError, new_error_id

log = logging.getLogger(__name__)


def where(body: dict) -> tuple[str | None, str | None]:
    """(channel, user) of a command, event or interaction payload."""
    event = body.get("event") or {}
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id") or event.get("channel")
    user = body.get("user_id") or (body.get("user") or {}).get("id") or event.get("user")
    return channel, user


def register(app: App) -> None:
    @app.error
    def on_error(error: Exception, body: dict, client: WebClient) -> None:
        if isinstance(error, UserFacingError):
            line = f":warning: {error}"
        else:
            error_id = new_error_id()
            log.error("listener failed: error %s", error_id, exc_info=error)
            line = apology(error_id)
        channel, user = where(body)
        try:
            if channel and user:
                client.chat_postEphemeral(channel=channel, user=user, text=line)
            elif user:
                client.chat_postMessage(channel=user, text=line)
        except Exception:
            log.exception("could not tell %s in %s: %s", user, channel, line)
