"""A data folder made by an older version opens with today's code, keeps its rows and is upgraded in place
(core/migrations.py): the manifest as commit 2bc1e47 wrote it, the bot's feedback file as d994284 wrote
it, the embedding cache of both earlier layouts; a file from a newer version is refused."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import time
from contextlib import closing

import numpy as np
import pytest

from bot.dedupe import Claims
from core import migrations
from core.embed_cache import EmbedCache, text_key
from core.errors import UserFacingError
from core.feedback import FeedbackStore
from core.manifest import FileRecord, Manifest
from core.migrations import Migration, statements

# core/manifest.py at 2bc1e47, verbatim: the first data folders were made with it.
MANIFEST_2BC1E47 = """
CREATE TABLE IF NOT EXISTS files (
    collection   TEXT NOT NULL,
    abs_path     TEXT NOT NULL,
    path         TEXT NOT NULL,
    doc_id       TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    version      TEXT NOT NULL,
    size         INTEGER NOT NULL,
    mtime        REAL NOT NULL,
    chunks       INTEGER NOT NULL,
    doc_kind     TEXT,
    title        TEXT,
    solicitation TEXT,
    ingested_at  TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    PRIMARY KEY (collection, abs_path)
);
"""
OLD_ROWS = [
    # collection, abs_path, path, doc_id, content_hash, version, size, mtime, chunks, doc_kind, title,
    # solicitation, ingested_at, seq: as 2bc1e47's Manifest.put wrote them (positionally)
    ("public", "/srv/rfp/far/FAR_part_42.md", "far/FAR_part_42.md", "d42", "h42", "v1", 91234, 1.7e9, 57,
     "regulation", "FAR Part 42", None, "2026-11-28T22:00:00+00:00", 1),
    ("public", "/srv/rfp/rfq/2026-0042.pdf", "rfq/2026-0042.pdf", "dq", "hq", "v1", 20480, 1.7e9, 12,
     "rfq", "RFQ 2026-0042", "2026-0042", "2026-11-28T22:01:00+00:00", 2),
]  # fmt: skip

# core/feedback.py at d994284, verbatim: the bot's file, with the Slack events in it.
FEEDBACK_D994284 = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    kind TEXT NOT NULL,                -- answer | draft
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    mode TEXT NOT NULL,                -- generated | extractive | declined | draft
    sources TEXT NOT NULL,             -- JSON list of SourceRecord
    history TEXT NOT NULL,             -- JSON list of [question, answer]
    collections TEXT NOT NULL,         -- JSON list of collection names searched
    model_version TEXT,
    user TEXT NOT NULL,
    channel TEXT NOT NULL,
    thread_ts TEXT,                    -- the thread the answer is in (its root message ts)
    message_ts TEXT                    -- the answer's own message
);
CREATE INDEX IF NOT EXISTS answers_thread ON answers(channel, thread_ts, created_at);
CREATE TABLE IF NOT EXISTS votes (
    answer_id TEXT NOT NULL REFERENCES answers(id),
    user TEXT NOT NULL,
    helpful INTEGER NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (answer_id, user)
);
CREATE INDEX IF NOT EXISTS votes_time ON votes(created_at);
CREATE TABLE IF NOT EXISTS suggestions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id TEXT NOT NULL REFERENCES answers(id),
    user TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS suggestions_time ON suggestions(created_at);
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY,
    created_at REAL NOT NULL
);
"""


def old_manifest(path):
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(MANIFEST_2BC1E47)
        db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", OLD_ROWS)


def test_a_manifest_made_at_2bc1e47_opens_keeps_its_rows_and_upgrades(tmp_path):
    path = tmp_path / "data" / "manifest.sqlite"
    path.parent.mkdir()
    old_manifest(path)
    assert migrations.versions(path) == {}

    manifest = Manifest(path)
    try:
        records = manifest.files("public")
        assert [r.path for r in records] == ["far/FAR_part_42.md", "rfq/2026-0042.pdf"]
        far = manifest.get("public", "/srv/rfp/far/FAR_part_42.md")
        assert far is not None
        assert (far.doc_id, far.content_hash, far.size, far.chunks, far.title, far.seq) == (
            "d42", "h42", 91234, 57, "FAR Part 42", 1,
        )  # fmt: skip
        assert (far.family, far.recency, far.minhash) == (None, None, None)  # columns added since
        assert manifest.get("public", "/srv/rfp/rfq/2026-0042.pdf").solicitation == "2026-0042"

        # today's writes go into the upgraded file (2bc1e47's 14 columns would refuse 17 values)
        far.family, far.recency, far.minhash, far.seq = "d42", "2026-11-29", json.dumps([1, 2, 3]), 3
        manifest.put(far)
        manifest.remove("public", "/srv/rfp/rfq/2026-0042.pdf")
    finally:
        manifest.close()

    assert migrations.versions(path) == {"manifest": len(migrations.MANIFEST)}
    again = Manifest(path)  # opening an upgraded file changes nothing
    try:
        assert again.files() == [far]
    finally:
        again.close()


def test_processes_opening_an_old_file_at_once_upgrade_it_once(tmp_path):
    path = tmp_path / "manifest.sqlite"
    old_manifest(path)
    opened: list[Manifest] = []
    errors: list[BaseException] = []

    def open_it():
        try:
            opened.append(Manifest(path))
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(opened) == 4
    assert len(opened[0].files()) == 2
    for m in opened:
        m.close()
    with closing(sqlite3.connect(path)) as db:
        names = [row[1] for row in db.execute("PRAGMA table_info(files)")]
    assert names.count("family") == 1 and names[-3:] == ["family", "recency", "minhash"]


def test_a_manifest_with_todays_columns_but_no_version_is_taken_as_it_is(tmp_path):
    """A folder from between d9dad1b and versioning already has the later columns."""
    path = tmp_path / "manifest.sqlite"
    old_manifest(path)
    with closing(sqlite3.connect(path)) as db, db:
        for column in ("family", "recency", "minhash"):
            db.execute(f"ALTER TABLE files ADD COLUMN {column} TEXT")
        db.execute("UPDATE files SET family = 'fam'")
    manifest = Manifest(path)
    try:
        assert {r.family for r in manifest.files()} == {"fam"}
    finally:
        manifest.close()


def test_the_bot_file_made_at_d994284_opens_with_its_answers_feedback_and_claims(tmp_path):
    path = tmp_path / "feedback.sqlite"
    source = {"n": 1, "label": "far/FAR_part_42.md p.3 42.1503", "excerpt": "14 calendar days"}
    with closing(sqlite3.connect(path)) as db, db:
        db.executescript(FEEDBACK_D994284)
        db.execute(
            "INSERT INTO answers VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            ("a1", 1.7e9, "answer", "How long to comment on a CPARS evaluation?", "14 days [1]",
             "generated", json.dumps([source]), json.dumps([["Earlier?", "Yes [1]"]]), '["public"]',
             "v3", "U1", "C1", "1.2", "1.3"),
        )  # fmt: skip
        db.execute("INSERT INTO votes VALUES ('a1', 'U2', 1, ?)", (1.7e9 + 10,))
        db.execute(
            "INSERT INTO suggestions (answer_id, user, text, created_at) VALUES ('a1', 'U3', 'x', ?)",
            (1.7e9 + 20,),
        )
        db.execute("INSERT INTO events VALUES ('Ev0ANSWERED', strftime('%s', 'now'))")

    store = FeedbackStore(path)
    claims = Claims(path)
    try:
        [record] = store.thread("C1", "1.2")
        assert (record.id, record.mode, record.model_version, record.message_ts) == (
            "a1",
            "generated",
            "v3",
            "1.3",
        )
        assert record.sources[0].label == source["label"] and record.sources[0].page is None
        assert record.history == [("Earlier?", "Yes [1]")] and record.collections == ["public"]
        assert record.created_at == dt.datetime.fromtimestamp(1.7e9, dt.UTC)
        items = store.feedback_since(None)
        assert [(f.kind, f.user, f.helpful, f.text) for f in items] == [
            ("vote", "U2", True, None),
            ("suggestion", "U3", None, "x"),
        ]
        assert claims.claim("Ev0ANSWERED") is False  # acted on before the upgrade
        assert claims.claim("Ev0NEW") is True
    finally:
        store.close()
    assert migrations.versions(path) == {"feedback": 1, "slack_events": 1}


def test_embed_cache_layout_2_keeps_its_vectors_and_an_older_layout_is_emptied(tmp_path):
    key = text_key("The technical volume is limited to twenty pages.")
    kept = tmp_path / "kept.sqlite"
    cache = EmbedCache(kept, "m/b", dim=2)
    cache.put([key], np.array([[0.25, 0.5]], dtype=np.float32))
    cache.close()
    with closing(sqlite3.connect(kept)) as db, db:  # as 5e65cc0 left it: user_version 2, no version table
        db.execute("DROP TABLE schema_version")
    cache = EmbedCache(kept, "m/b", dim=2)
    try:
        assert cache.get([key])[key].tolist() == [0.25, 0.5]
    finally:
        cache.close()

    emptied = tmp_path / "emptied.sqlite"
    with closing(sqlite3.connect(emptied)) as db, db:  # c505f60's WITHOUT ROWID layout, user_version 0
        db.executescript("""
            CREATE TABLE namespaces (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);
            CREATE TABLE vectors (ns INTEGER NOT NULL, key BLOB NOT NULL, vec BLOB NOT NULL,
                used INTEGER NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID;
            INSERT INTO namespaces VALUES (1, 'm/b');
        """)
        db.execute("INSERT INTO vectors VALUES (1, ?, ?, 0)", (key, np.zeros(2, np.float32).tobytes()))
    cache = EmbedCache(emptied, "m/b", dim=2)
    try:
        assert len(cache) == 0 and cache.get([key]) == {}
        cache.put([key], np.ones((1, 2), dtype=np.float32))
        assert len(cache) == 1
    finally:
        cache.close()
    assert migrations.versions(emptied) == {"embed_cache": 1}


def test_a_file_from_a_newer_version_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "feedback.sqlite"
    FeedbackStore(path).close()
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE schema_version SET version = 99 WHERE part = 'feedback'")
    with pytest.raises(UserFacingError, match="newer version"):
        FeedbackStore(path)
    assert migrations.versions(path)["feedback"] == 99
    Claims(path)  # another part of the same file is not held back by it


def test_a_failed_migration_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "x.sqlite"
    steps = [
        Migration(1, "table a", statements("CREATE TABLE a (x INTEGER)")),
        Migration(
            2,
            "table b, then a mistake",
            statements("CREATE TABLE b (y INTEGER); SELECT nonsense FROM nowhere"),
        ),
    ]
    with closing(sqlite3.connect(path)) as db:
        assert migrations.migrate(db, "x", steps[:1]) == 1
        with pytest.raises(sqlite3.OperationalError):
            migrations.migrate(db, "x", steps)
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "b" not in tables and {"a", "schema_version"} <= tables
    assert migrations.versions(path) == {"x": 1}
    with pytest.raises(ValueError, match="numbered"):
        migrations.migrate(sqlite3.connect(":memory:"), "x", steps[1:])


def test_every_migration_list_is_numbered_in_order():
    for part in (migrations.MANIFEST, migrations.FEEDBACK, migrations.SLACK_EVENTS, migrations.EMBED_CACHE):
        assert [m.version for m in part] == list(range(1, len(part) + 1))
    assert [f for f in FileRecord.__dataclass_fields__][-3:] == ["family", "recency", "minhash"]


def test_an_up_to_date_file_opens_while_another_process_writes(tmp_path):
    path = tmp_path / "manifest.sqlite"
    Manifest(path).close()
    with closing(sqlite3.connect(path, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")  # an ingest in the middle of a write
        started = time.monotonic()
        manifest = Manifest(path)  # reads its version, takes no write lock
        assert time.monotonic() - started < 5
        assert manifest.files() == []
        manifest.close()
        writer.execute("ROLLBACK")
