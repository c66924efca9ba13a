"""Embeddings already computed, kept in the data folder: a text is embedded once per model and backend.

A changed file re-embeds only its changed chunks, and the same text in several files (a table saved
as XLSX and as CSV, a clause repeated in many solicitations, a draft and its final) is embedded once.

One SQLite file (`embed_cache.sqlite`), a row per (namespace, sha256 of the exact text) holding the
float32 vector. The namespace is the embedder's `version`: the model's content fingerprint and the
backend (torch-bf16, onnx-int8, ...), so a vector never comes back for another model or another
backend. WAL mode: the bot reads while an ingest writes; writers wait for each other (busy timeout).
Rows carry the day they were last used; past `max_rows` the least recently used go first. It is a
cache: deleting the file loses nothing but time. The tables' schema and its history are
`core.migrations.EMBED_CACHE`; opening a file upgrades it.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from core import migrations

log = logging.getLogger(__name__)

ROW_BYTES = 1700  # a 384-float vector, its key and SQLite's overhead, for turning megabytes into rows
LOOKUP_BATCH = 500


def rows_for(megabytes: float) -> int:
    return max(1, int(megabytes * 2**20 // ROW_BYTES))


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def _today() -> int:
    return int(time.time() // 86400)


class EmbedCache:
    def __init__(self, path: Path, namespace: str, dim: int, max_rows: int = 1_000_000):
        self.path, self.dim, self.max_rows = Path(path), dim, max_rows
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            str(self.path), timeout=30.0, check_same_thread=False, isolation_level=None
        )
        self._db.execute("PRAGMA page_size=16384")  # takes effect on a new file only
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.row_factory = sqlite3.Row
        migrations.migrate(self._db, "embed_cache", migrations.EMBED_CACHE, self.path)
        self._db.execute("INSERT OR IGNORE INTO namespaces (name) VALUES (?)", (namespace,))
        self.namespace = namespace
        self._ns = self._db.execute("SELECT id FROM namespaces WHERE name = ?", (namespace,)).fetchone()["id"]

    def get(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """The vectors this cache holds for these keys (missing keys are absent)."""
        found: dict[bytes, np.ndarray] = {}
        size = self.dim * 4
        with self._lock:
            for start in range(0, len(keys), LOOKUP_BATCH):
                part = list(keys[start : start + LOOKUP_BATCH])
                marks = ",".join("?" * len(part))
                rows = self._db.execute(
                    f"SELECT key, vec FROM vectors WHERE ns = ? AND key IN ({marks})", (self._ns, *part)
                ).fetchall()
                for row in rows:
                    if len(row["vec"]) == size:  # a row of another width is not this model's: a miss
                        found[row["key"]] = np.frombuffer(row["vec"], dtype=np.float32)
            if found:
                today = _today()
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(
                    "UPDATE vectors SET used = ? WHERE ns = ? AND key = ? AND used < ?",
                    [(today, self._ns, k, today) for k in found],
                )
                self._db.execute("COMMIT")
        return found

    def put(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        today = _today()
        rows = [
            (self._ns, k, np.ascontiguousarray(v, dtype=np.float32).tobytes(), today)
            for k, v in zip(keys, vectors, strict=True)
        ]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT INTO vectors (ns, key, vec, used) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (ns, key) DO UPDATE SET vec = excluded.vec, used = excluded.used",
                    rows,
                )
                count = self._db.execute("SELECT count(*) AS n FROM vectors").fetchone()["n"]
                if count > self.max_rows:  # least recently used first, whatever their namespace
                    self._db.execute(
                        "DELETE FROM vectors WHERE id IN (SELECT id FROM vectors ORDER BY used LIMIT ?)",
                        (count - self.max_rows,),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) AS n FROM vectors WHERE ns = ?", (self._ns,)).fetchone()[
                "n"
            ]

    def close(self) -> None:
        with self._lock:
            self._db.close()


class CachedEmbedder:
    """An Embedder with the cache in front, for ingest: the same methods, the vectors it has seen come
    from the cache, the others from the model (each distinct text once) and then go into the cache."""

    def __init__(self, embedder, path: Path, max_rows: int = 1_000_000):
        self.embedder = embedder
        self.path, self.max_rows = Path(path), max_rows
        self._cache: EmbedCache | None = None
        self._lock = threading.Lock()

    # What the indexer and its worker processes use besides embed().
    @property
    def model_dir(self) -> Path:
        return self.embedder.model_dir

    @property
    def dim(self) -> int:
        return self.embedder.dim

    @property
    def version(self) -> str:
        return self.embedder.version

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.embedder.count_tokens(texts)

    def truncate(self, texts: Sequence[str], max_tokens: int) -> list[str]:
        return self.embedder.truncate(texts, max_tokens)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.embed_query(text)

    @property
    def cache(self) -> EmbedCache:
        with self._lock:
            if self._cache is None:
                self._cache = EmbedCache(self.path, self.embedder.version, self.embedder.dim, self.max_rows)
            return self._cache

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_counted(texts)[0]

    def embed_counted(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Vectors for texts in order, and per text whether it was reused (from the cache, or the
        same text earlier in this call) rather than embedded."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        reused = np.ones(len(texts), dtype=bool)
        if not texts:
            return out, reused
        keys = [text_key(t) for t in texts]
        found = self.cache.get(list(dict.fromkeys(keys)))
        first: dict[bytes, int] = {}  # each missing text's first position
        for i, key in enumerate(keys):
            if key not in found and key not in first:
                first[key] = i
                reused[i] = False
        if first:
            positions = list(first.values())
            vectors = self.embedder.embed([texts[i] for i in positions])
            self.cache.put(list(first), vectors)
            found.update(zip(first, vectors, strict=True))
        for i, key in enumerate(keys):
            out[i] = found[key]
        return out, reused

    def close(self) -> None:
        with self._lock:
            if self._cache is not None:
                self._cache.close()
                self._cache = None
