"""Schema versions and ordered migrations for the SQLite files the product writes in the data folder.

Every such file has a `schema_version` table with one row per part of the product that keeps tables
in it (one file can hold several: the bot's `feedback.sqlite` has the feedback tables and the Slack
request claims) and the number of the last migration applied to that part. Opening a file applies
the migrations it lacks, in order, in one write transaction (`BEGIN IMMEDIATE`), so two processes
opening an old file at once upgrade it once and a failed migration leaves the file as it was.

A file from before versioning counts as version 0. Each part's first migration is its schema as
first released, written with IF NOT EXISTS, so an unversioned file that already has those tables
keeps them and its rows; later migrations add what came after (`add_column` adds a column only where
it is missing, since an unversioned file may already have it). A file written by a newer release (a
version past the last migration known here) is refused with a message rather than read half-way.

Every part's migrations are listed at the end of this module, so the whole history of the data
folder's schemas reads in one place. Add a migration by appending to its part's list; never edit or
reorder one that has shipped.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from core.errors import UserFacingError

log = logging.getLogger(__name__)

VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    part       TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    applied_at REAL NOT NULL
)
"""


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


def statements(script: str) -> Callable[[sqlite3.Connection], None]:
    """A migration step running each `;`-separated statement of `script` (no `;` inside literals)."""

    def run(db: sqlite3.Connection) -> None:
        for statement in filter(str.strip, script.split(";")):
            db.execute(statement)

    return run


def columns(db: sqlite3.Connection, table: str) -> list[str]:
    cursor = db.cursor()
    cursor.row_factory = sqlite3.Row
    return [row["name"] for row in cursor.execute(f"PRAGMA table_info({table})")]


def add_column(table: str, name: str, declaration: str) -> Callable[[sqlite3.Connection], None]:
    """A migration step adding a column unless the table already has it."""

    def run(db: sqlite3.Connection) -> None:
        if name not in columns(db, table):
            db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {declaration}")

    return run


def version(db: sqlite3.Connection, part: str) -> int:
    """The part's schema version in this file (0: never versioned)."""
    db.execute(VERSION_TABLE)
    cursor = db.cursor()
    cursor.row_factory = sqlite3.Row
    row = cursor.execute("SELECT version FROM schema_version WHERE part = ?", (part,)).fetchone()
    return int(row["version"]) if row else 0


def _current(db: sqlite3.Connection, part: str) -> int | None:
    """The part's version read without writing anything (None: the file has no version table yet)."""
    cursor = db.cursor()
    cursor.row_factory = sqlite3.Row
    try:
        if not cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        ).fetchall():
            return None
        rows = cursor.execute("SELECT version FROM schema_version WHERE part = ?", (part,)).fetchall()
        return int(rows[0]["version"]) if rows else 0
    finally:
        cursor.close()


def migrate(db: sqlite3.Connection, part: str, migrations: Sequence[Migration], path: Path | str = "") -> int:
    """Bring `part`'s tables in this file up to the last of `migrations`; returns that version.

    Call it on a fresh connection, outside a transaction (after any `PRAGMA journal_mode`)."""
    latest = len(migrations)
    if [m.version for m in migrations] != list(range(1, latest + 1)):
        raise ValueError(f"{part}: migrations must be numbered 1..{latest} in order")
    if db.in_transaction:
        raise RuntimeError("migrate() needs a connection with no open transaction")
    if _current(db, part) == latest:  # the usual case: no write lock taken
        return latest
    isolation = db.isolation_level
    db.isolation_level = None  # transactions below are ours, not the module's implicit ones
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            current = version(db, part)
            if current > latest:
                raise UserFacingError(
                    f"{path or 'This data file'} was written by a newer version of RFP Copilot "
                    f"({part} schema {current}; this version knows up to {latest}). Upgrade to open it."
                )
            for migration in migrations[current:]:
                log.info("%s %s: migration %d, %s", path, part, migration.version, migration.description)
                migration.apply(db)
            if current != latest:
                db.execute(
                    "INSERT INTO schema_version (part, version, applied_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (part) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at",
                    (part, latest, time.time()),
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    finally:
        db.isolation_level = isolation
    return latest


def versions(path: Path) -> dict[str, int]:
    """Each part's schema version in a file (empty for a file never versioned), for tests and support."""
    with closing(sqlite3.connect(path)) as db:
        db.row_factory = sqlite3.Row
        if _current(db, "") is None:
            return {}
        return {row["part"]: row["version"] for row in db.execute("SELECT part, version FROM schema_version")}


# --- the parts and their histories ----------------------------------------------------------------------

# manifest.sqlite (core/manifest.py): which file is in which collection at which content hash.
MANIFEST = [
    Migration(
        1,
        "files, as first released (2bc1e47)",
        statements("""
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
        )
        """),
    ),
    Migration(
        2,
        "files.family: the first version of a document's family (d9dad1b)",
        add_column("files", "family", "TEXT"),
    ),
    Migration(
        3,
        "files.recency: which version of a family is the latest (d9dad1b)",
        add_column("files", "recency", "TEXT"),
    ),
    Migration(
        4, "files.minhash: near-duplicate fingerprint (d9dad1b)", add_column("files", "minhash", "TEXT")
    ),
]

# feedback.sqlite (core/feedback.py): answers the bot posted, votes, suggested answers.
FEEDBACK = [
    Migration(
        1,
        "answers, votes, suggestions, as first released (d994284)",
        statements("""
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
        CREATE INDEX IF NOT EXISTS suggestions_time ON suggestions(created_at)
        """),
    ),
]

# feedback.sqlite as well (bot/dedupe.py): Slack requests already acted on. The table kept its name
# from when it held event ids only (d994284).
SLACK_EVENTS = [
    Migration(
        1,
        "events, as first released (d994284)",
        statements("CREATE TABLE IF NOT EXISTS events (event_id TEXT PRIMARY KEY, created_at REAL NOT NULL)"),
    ),
]


def _embed_cache_layout_2(db: sqlite3.Connection) -> None:
    # Before the version table the cache marked its layout in PRAGMA user_version: 2 is the rowid table
    # kept below; anything else (the WITHOUT ROWID table of c505f60) is emptied, as it is a cache.
    # user_version stays 2 so a release from before this table does not empty the file either.
    cursor = db.cursor()
    cursor.row_factory = sqlite3.Row
    if cursor.execute("PRAGMA user_version").fetchone()["user_version"] != 2:
        db.execute("DROP TABLE IF EXISTS vectors")
        db.execute("PRAGMA user_version = 2")
    statements("""
    CREATE TABLE IF NOT EXISTS namespaces (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);
    CREATE TABLE IF NOT EXISTS vectors (
        id INTEGER PRIMARY KEY, ns INTEGER NOT NULL, key BLOB NOT NULL, vec BLOB NOT NULL, used INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX IF NOT EXISTS vectors_key ON vectors (ns, key);
    CREATE INDEX IF NOT EXISTS vectors_used ON vectors (used)
    """)(db)


# embed_cache.sqlite (core/embed_cache.py): vectors already computed. A rowid table with 16 kB pages:
# rows of 1.6 kB fill a page nine or ten at a time (a WITHOUT ROWID table with 4 kB pages took 4.7 kB
# a row, measured).
EMBED_CACHE = [
    Migration(1, "namespaces and vectors, layout 2 (5e65cc0)", _embed_cache_layout_2),
]
