"""The ingest manifest: which file is in which collection at which content hash.

SQLite in the data folder. A row is written only after a file's new chunks are live and its old
ones deleted, so a crash mid-file leaves the previous row (and the previous chunks) in place, and the
next run redoes that file.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
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
    family       TEXT,
    recency      TEXT,
    minhash      TEXT,
    PRIMARY KEY (collection, abs_path)
);
"""


@dataclass
class FileRecord:
    collection: str
    abs_path: str
    path: str
    doc_id: str
    content_hash: str
    version: str
    size: int
    mtime: float
    chunks: int
    doc_kind: str | None
    title: str | None
    solicitation: str | None
    ingested_at: str
    seq: int
    family: str | None = None  # doc_id of the first version of this document ingested
    recency: str | None = None  # sortable: which version of a family is the latest
    minhash: str | None = None  # JSON list of ints (core.fingerprint)


class Manifest:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    def get(self, collection: str, abs_path: str) -> FileRecord | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM files WHERE collection=? AND abs_path=?", (collection, abs_path)
            ).fetchone()
        return FileRecord(*row) if row else None

    def put(self, record: FileRecord) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    record.collection,
                    record.abs_path,
                    record.path,
                    record.doc_id,
                    record.content_hash,
                    record.version,
                    record.size,
                    record.mtime,
                    record.chunks,
                    record.doc_kind,
                    record.title,
                    record.solicitation,
                    record.ingested_at,
                    record.seq,
                    record.family,
                    record.recency,
                    record.minhash,
                ),
            )

    def remove(self, collection: str, abs_path: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM files WHERE collection=? AND abs_path=?", (collection, abs_path))

    def files(self, collection: str | None = None) -> list[FileRecord]:
        with self._lock:
            if collection is None:
                rows = self._db.execute("SELECT * FROM files ORDER BY collection, path").fetchall()
            else:
                rows = self._db.execute(
                    "SELECT * FROM files WHERE collection=? ORDER BY path", (collection,)
                ).fetchall()
        return [FileRecord(*r) for r in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()
