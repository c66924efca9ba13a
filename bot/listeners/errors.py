"""Nothing fails silently: a `UserFacingError` is shown to the person as-is; anything else is logged
with its stack under an error id, and the person gets a one-line apology quoting it (privately).

`reporting(...)` wraps a listener's work after its ack (Bolt drops an ack when the listener raises
right after it, so errors there must not escape); `register` is the last line for everything else.
That last line also sees requests that failed before Bolt verified them, so it tells someone only
when the request came from Slack (Socket Mode, or signed): channel and user in a forged body are the
forger's choice, and the bot token must not post for them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from slack_bolt import App, BoltRequest
from slack_sdk import WebClient

from bot.blocks import escape
from bot.jobs import apology
from bot.verify import RequestCheck
from core.errors import UserFacingError, new_error_id

log = logging.getLogger(__name__)


def where(body: dict) -> tuple[str | None, str | None]:
    """(channel, user) of a command, event or interaction payload."""
    event = body.get("event") or {}
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id") or event.get("channel")
    user = body.get("user_id") or (body.get("user") or {}).get("id") or event.get("user")
    return channel, user


def line_for(error: BaseException, what: str) -> str:
    if isinstance(error, UserFacingError):
        return f":warning: {escape(str(error))}"
    error_id = new_error_id()
    log.error("%s failed: error %s", what, error_id, exc_info=error)
    return apology(error_id)


def tell(
    client: WebClient, channel: str | None, user: str | None, line: str, thread_ts: str | None = None
) -> None:
    """Privately: an ephemeral message where there is a channel, else a direct message."""
    try:
        if channel and user:
            client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, text=line)
        elif user:
            client.chat_postMessage(channel=user, text=line)
        else:
            log.warning("nobody to tell: %s", line)
    except Exception:
        log.exception("could not tell %s in %s: %s", user, channel, line)


@contextmanager
def reporting(client: WebClient, body: dict, what: str, channel: str | None = None) -> Iterator[None]:
    try:
        yield
    except Exception as error:
        found_channel, user = where(body)
        tell(client, channel or found_channel, user, line_for(error, what))


def from_slack(request: BoltRequest, check: RequestCheck | None) -> bool:
    """Socket Mode requests come over the app's own connection; HTTP ones must be signed."""
    if request.mode == "socket_mode":
        return True
    headers = {name: values[0] for name, values in request.headers.items() if values}
    return check is not None and check.problem(request.raw_body.encode(), headers) is None


def register(app: App, signing_secret: str | None) -> None:
    check = RequestCheck(signing_secret) if signing_secret else None

    @app.error
    def on_error(error: Exception, body: dict, client: WebClient, request: BoltRequest) -> None:
        line = line_for(error, "listener")
        if not from_slack(request, check):
            log.warning("not telling anyone about an error on a request Slack did not sign: %s", line)
            return
        channel, user = where(body)
        tell(client, channel, user, line)
