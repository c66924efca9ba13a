"""Each Slack request is acted on once: Slack's retries of an event (same `event_id`) and replays of a
signed request (the same body under the same timestamp: a slash command re-sent within its 5
minutes) are recognised and ignored.

Claims are kept in the `events` table of the bot's SQLite file (`settings.feedback_path`), the table
earlier versions kept event ids in, so a data folder made by them keeps its claims; the table's schema
is `core.migrations.SLACK_EVENTS` (the file's feedback tables have their own history there). A
connection per claim: claims are rare (one per request) and this needs no closing.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from slack_bolt import BoltRequest

from core import migrations

MEMORY_S = 24 * 3600  # Slack retries within minutes and signatures expire after 5; older claims are forgotten


def request_key(request: BoltRequest) -> str:
    """The same for a request and its replays: its timestamp and its body (what the signature covers);
    in Socket Mode, the payload."""
    timestamp = (request.headers.get("x-slack-request-timestamp") or [""])[0]
    body = request.raw_body or json.dumps(request.body, sort_keys=True)
    return "request:" + hashlib.sha256(f"{timestamp}:{body}".encode()).hexdigest()


class Claims:
    def __init__(self, path: Path, memory_s: float = MEMORY_S):
        self.path = Path(path)
        self.memory_s = memory_s
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._count = 0
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            migrations.migrate(db, "slack_events", migrations.SLACK_EVENTS, self.path)

    def _db(self) -> closing[sqlite3.Connection]:
        return closing(sqlite3.connect(self.path, timeout=30))

    def claim(self, key: str | None) -> bool:
        """True the first time `key` is claimed; False for a retry or replay of it. No key: True."""
        if not key:
            return True
        now = time.time()
        self._count += 1
        with self._db() as db, db:
            if self._count % 500 == 1:
                db.execute("DELETE FROM events WHERE created_at < ?", (now - self.memory_s,))
            cursor = db.execute(
                "INSERT OR IGNORE INTO events (event_id, created_at) VALUES (?, ?)", (key, now)
            )
            return cursor.rowcount == 1
