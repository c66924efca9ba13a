"""Claims on Slack requests (bot/dedupe.py) live where earlier versions kept event ids, so a data
folder they made opens and keeps recognising the events it already answered."""

from __future__ import annotations

import sqlite3

from bot.dedupe import Claims
from core.feedback import FeedbackStore

# The feedback file as earlier versions left it: their tables, with an event already answered.
OLD_TABLES = """
CREATE TABLE answers (id TEXT PRIMARY KEY, created_at REAL NOT NULL, kind TEXT NOT NULL, question TEXT NOT NULL,
    answer TEXT NOT NULL, mode TEXT NOT NULL, sources TEXT NOT NULL, history TEXT NOT NULL,
    collections TEXT NOT NULL, model_version TEXT, user TEXT NOT NULL, channel TEXT NOT NULL, thread_ts TEXT,
    message_ts TEXT);
CREATE TABLE events (event_id TEXT PRIMARY KEY, created_at REAL NOT NULL);
INSERT INTO events VALUES ('Ev0ANSWERED', strftime('%s', 'now'));
"""


def test_an_old_data_folder_keeps_its_claims(tmp_path):
    path = tmp_path / "feedback.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_TABLES)
    store = FeedbackStore(path)  # opens and adds what it lacks
    claims = Claims(path)
    assert claims.claim("Ev0ANSWERED") is False  # answered before the upgrade: a retry is ignored
    assert claims.claim("Ev0NEW") is True and claims.claim("Ev0NEW") is False
    assert claims.claim(None) is True and claims.claim(None) is True  # no id: nothing to compare
    assert store.thread("C1", "1.2") == []
    store.close()


def test_claims_are_forgotten_after_their_memory(tmp_path):
    path = tmp_path / "feedback.sqlite"
    assert Claims(path).claim("request:a") is True
    assert Claims(path).claim("request:a") is False  # remembered across restarts
    forgetful = Claims(path, memory_s=-1)  # every claim is already past its memory
    assert forgetful.claim("request:b") is True  # a bot's first claim sweeps the old ones
    assert forgetful.claim("request:a") is True
