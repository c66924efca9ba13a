"""The one exception type whose message is meant for people.

Anything else that escapes is a bug: the edges (CLI commands, Slack listeners) log it with its
stack and show a short apology with an error id.
"""

from __future__ import annotations

import uuid


class UserFacingError(Exception):
    """An error whose message is shown to the person as-is (it names the file or field at fault)."""


class DocumentError(UserFacingError):
    """A file could not be read into text: corrupt, encrypted, empty, image-only, unsupported..."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def new_error_id() -> str:
    """A short id to quote to the person and to find the stack in the log."""
    return uuid.uuid4().hex[:8]
