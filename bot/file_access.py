"""Slack's own answer to "may this conversation have this file?": files.info lists where a file is
shared, in `channels` (public channels), `groups` (private channels, group DMs), `ims` (direct
messages) and `shares` (`public` / `private`: channel id -> the messages that shared it). The bot
fetches a file for a conversation only when that conversation is listed; the bot's token can see
more than the asker, so "the bot can read it" is not enough."""

from __future__ import annotations

from typing import Any

LIST_KEYS = ("channels", "groups", "ims")
SHARE_KINDS = ("public", "private")


def shared_in(info: dict[str, Any], conversation: str) -> bool:
    """Whether files.info's `file` object lists `conversation` as a place the file is shared."""
    places: set[str] = set()
    for key in LIST_KEYS:
        value = info.get(key)
        if isinstance(value, list):
            places.update(c for c in value if isinstance(c, str))
    shares = info.get("shares")
    if isinstance(shares, dict):
        for kind in SHARE_KINDS:
            value = shares.get(kind)
            if isinstance(value, dict):
                places.update(c for c in value if isinstance(c, str))
    return bool(conversation) and conversation in places
