"""Where a request came from and where its replies go.

A slash command starts a new message in the channel (its replies then go into that message's
thread); a mention or a thread reply is answered in its thread, replacing the "working on it"
placeholder. Private notes go to the asker only (response_url for slash commands, else an ephemeral
message). When the bot may not post in a channel, the answer still reaches the asker privately.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.access import is_direct_message

log = logging.getLogger(__name__)
CANNOT_POST = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}


@dataclass
class Conversation:
    client: WebClient
    channel: str
    user: str
    thread_ts: str | None = None  # the thread replies go into; None: the first reply starts one
    placeholder_ts: str | None = None  # a "working on it" message the first reply replaces
    respond: Callable[..., Any] | None = None  # slash commands: private replies through response_url

    @property
    def is_dm(self) -> bool:
        return is_direct_message(self.channel)

    def post(self, text: str, blocks: list[dict] | None = None) -> str | None:
        """Post a reply; returns its ts (None when it could only be shown privately)."""
        try:
            if self.placeholder_ts:
                ts = self.placeholder_ts
                self.client.chat_update(channel=self.channel, ts=ts, text=text, blocks=blocks or [])
                self.placeholder_ts = None
                return ts
            response = self.client.chat_postMessage(
                channel=self.channel,
                thread_ts=self.thread_ts,
                text=text,
                blocks=blocks,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            if exc.response.get("error") not in CANNOT_POST or self.respond is None:
                raise
            log.info("cannot post in %s (%s): answering privately", self.channel, exc.response.get("error"))
            note = (
                "I can't post in this channel, so only you see this. Invite me with "
                "`/invite @RFP Copilot` to share answers here."
            )
            self.respond(
                text=text,
                blocks=[*(blocks or []), _context(note)],
                response_type="ephemeral",
                replace_original=False,
            )
            return None
        ts = response["ts"]
        if self.thread_ts is None:
            self.thread_ts = ts
        return ts

    def tell(self, text: str) -> None:
        """A one-line note only the asker sees (in the thread when there is one)."""
        if self.respond is not None:
            self.respond(text=text, response_type="ephemeral", replace_original=False)
            return
        self.client.chat_postEphemeral(
            channel=self.channel, user=self.user, thread_ts=self.thread_ts, text=text
        )

    def fail(self, line: str) -> None:
        """Show a failure: in place of the placeholder when there is one, else privately."""
        if self.placeholder_ts:
            self.post(line)
        else:
            self.tell(line)


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}
