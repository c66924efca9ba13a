"""The ingest manifest: which file is in which collection at which content hash.

SQLite in the data folder. A row is written only after a file's new chunks are live and its old
ones deleted, so a crash mid-file leaves the previous row (and the previous chunks) in place, and the
next run redoes that file.

The table's schema and its history are `core.migrations.MANIFEST`; opening a file upgrades it.
Rows are read and written by column name.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from core import migrations


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


COLUMNS = tuple(f.name for f in fields(FileRecord))
_INSERT = (
    f"INSERT OR REPLACE INTO files ({', '.join(COLUMNS)}) VALUES ({', '.join(':' + c for c in COLUMNS)})"
)


def _record(row: sqlite3.Row) -> FileRecord:
    return FileRecord(**{name: row[name] for name in COLUMNS})


class Manifest:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        migrations.migrate(self._db, "manifest", migrations.MANIFEST, path)

    def get(self, collection: str, abs_path: str) -> FileRecord | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM files WHERE collection=? AND abs_path=?", (collection, abs_path)
            ).fetchone()
        return _record(row) if row else None

    def put(self, record: FileRecord) -> None:
        with self._lock:
            self._db.execute(_INSERT, asdict(record))

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
        return [_record(r) for r in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()
