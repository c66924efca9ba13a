"""Which collections a conversation may search: the access file (YAML), re-read when it changes.

    default: [public]            # any channel or person not listed below
    channels:
      C0123ABCD: [proposals, public]   # the first one listed is where `/rfp ingest` writes
    users:                             # direct messages with the bot
      U0123ABCD: [public, proposals, pricing]

Channels are named by id (Slack sends ids, and names change). Without a file, everything may search
only the default collection (settings.collection). A direct message (channel id starting with D) uses
the asking person's entry; every other place uses the channel's entry, whoever asks.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from core.errors import UserFacingError

log = logging.getLogger(__name__)
KEYS = ("default", "channels", "users")


@dataclass(frozen=True)
class Rules:
    default: tuple[str, ...]
    channels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    users: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _names(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise UserFacingError(f"{where}: expected a list of collection names")
    return tuple(dict.fromkeys(v.strip() for v in value))


def parse_rules(text: str, source: str, default_collection: str) -> Rules:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise UserFacingError(f"{source}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise UserFacingError(f"{source}: expected a mapping with {', '.join(KEYS)}")
    unknown = set(data) - set(KEYS)
    if unknown:
        raise UserFacingError(
            f"{source}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; expected {', '.join(KEYS)}"
        )
    default = _names(data["default"], f"{source}: default") if "default" in data else (default_collection,)
    tables: dict[str, dict[str, tuple[str, ...]]] = {}
    for key in ("channels", "users"):
        table = data.get(key) or {}
        if not isinstance(table, dict):
            raise UserFacingError(f"{source}: {key}: expected a mapping of ids to collection lists")
        tables[key] = {str(k): _names(v, f"{source}: {key}: {k}") for k, v in table.items()}
    return Rules(default, tables["channels"], tables["users"])


def is_direct_message(channel: str) -> bool:
    return channel.startswith("D")


class Access:
    def __init__(self, path: Path | None, default_collection: str):
        self.path = Path(path) if path else None
        self.default_collection = default_collection
        self._lock = threading.Lock()
        self._mtime: float | None = None
        self._rules = Rules((default_collection,))
        if self.path is not None:
            if not self.path.is_file():
                raise UserFacingError(f"access file {self.path}: no such file (see access.example.yaml)")
            self._reload()

    def _reload(self) -> None:
        assert self.path is not None
        mtime = self.path.stat().st_mtime
        if mtime == self._mtime:
            return
        rules = parse_rules(self.path.read_text(encoding="utf-8"), str(self.path), self.default_collection)
        self._rules, self._mtime = rules, mtime
        log.info(
            "access rules from %s: %d channels, %d users", self.path, len(rules.channels), len(rules.users)
        )

    def rules(self) -> Rules:
        """The current rules; an edited file is picked up, a broken edit keeps the last good rules."""
        if self.path is not None:
            with self._lock:
                try:
                    self._reload()
                except (OSError, UserFacingError):
                    log.exception(
                        "access file %s could not be re-read; keeping the previous rules", self.path
                    )
        return self._rules

    def collections(self, channel: str, user: str) -> list[str]:
        """The collections a question asked here may search, in the file's order."""
        rules = self.rules()
        if is_direct_message(channel):
            return list(rules.users.get(user, rules.default))
        return list(rules.channels.get(channel, rules.default))
