"""Qdrant's own engine in-process (qdrant-edge-py): one shard directory per collection, on disk.

This is the embedded default. Unlike qdrant-client's local mode (brute force in Python), it has the
HNSW index and the sparse inverted index of the server, so queries stay fast at 100k chunks
(`bench/query.py` measures both).
"""

from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path
from typing import Any

import numpy as np
import qdrant_edge as qe

from core.datalock import DataFolderLock
from core.sparse import SparseVector
from core.store.base import (
    DENSE,
    INTEGER_FIELDS,
    KEYWORD_FIELDS,
    SPARSE,
    HasId,
    Match,
    MatchAny,
    PointData,
    StoredHit,
    Where,
)

log = logging.getLogger(__name__)


def _condition(c) -> qe.FieldCondition | qe.HasIdCondition:
    if isinstance(c, Match):
        return qe.FieldCondition(key=c.key, match=qe.MatchValue(c.value))
    if isinstance(c, MatchAny):
        return qe.FieldCondition(key=c.key, match=qe.MatchAny(list(c.values)))
    if isinstance(c, HasId):
        return qe.HasIdCondition(set(c.ids))
    raise TypeError(c)


def to_filter(where: Where | None) -> qe.Filter | None:
    if where is None or (not where.must and not where.must_not):
        return None
    return qe.Filter(
        must=[_condition(c) for c in where.must] or None,
        must_not=[_condition(c) for c in where.must_not] or None,
    )


def write_filter(where: Where) -> qe.Filter:
    """The filter of a payload update or a delete, which must select something: an empty one would
    touch every point (before this check each backend refused it with its own error)."""
    selected = to_filter(where)
    if selected is None:
        raise ValueError("a payload update or delete needs a condition")
    return selected


def _hit(p) -> StoredHit:
    return StoredHit(
        id=str(p.id), score=float(getattr(p, "score", 0.0) or 0.0), payload=dict(p.payload or {})
    )


class EdgeStore:
    backend = "edge"

    def __init__(self, root: Path, dim: int = 384, lock: DataFolderLock | None = None):
        """`lock`: the data folder's, held from now until close() (and again if used after close)."""
        self.root = Path(root) / "edge"
        self.dim = dim
        self._shards: dict[str, qe.EdgeShard] = {}
        self._lock = threading.RLock()
        self._folder_lock = lock
        if lock is not None:
            lock.acquire()

    def _config(self) -> qe.EdgeConfig:
        return qe.EdgeConfig(
            vectors={DENSE: qe.EdgeVectorParams(size=self.dim, distance=qe.Distance.Cosine)},
            sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
        )

    def _path(self, name: str) -> Path:
        return self.root / name

    def has_collection(self, name: str) -> bool:
        return (
            name in self._shards
            or (self._path(name) / "edge_config.json").exists()
            or any(self._path(name).glob("segments*"))
        )

    def open(self, name: str) -> None:
        if self.has_collection(name):
            self._shard(name)  # loading a shard leaves the GIL: 0.2-0.3 s of a cold command

    def collections(self) -> list[str]:
        if not self.root.exists():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and self.has_collection(p.name))

    def _shard(self, name: str, create: bool = False) -> qe.EdgeShard:
        with self._lock:
            shard = self._shards.get(name)
            if shard is not None:
                return shard
            if self._folder_lock is not None:
                self._folder_lock.acquire()
            path = self._path(name)
            if self.has_collection(name):
                shard = qe.EdgeShard.load(str(path))
            elif create:
                if path.exists():
                    shutil.rmtree(path)
                path.mkdir(parents=True)
                shard = qe.EdgeShard.create(str(path), self._config())
                # Payload indexes memory-mapped: a shard with them in memory took 0.6-1.1 s to open
                # (36,714 chunks of ../shared/data), on disk 0.2-0.4 s; that is most of a cold command.
                for field in KEYWORD_FIELDS:
                    shard.update(
                        qe.UpdateOperation.create_field_index(field, qe.KeywordIndexParams(on_disk=True))
                    )
                for field in INTEGER_FIELDS:
                    params = qe.IntegerIndexParams(lookup=True, range=True, on_disk=True)
                    shard.update(qe.UpdateOperation.create_field_index(field, params))
            else:
                from core.errors import UserFacingError

                raise UserFacingError(
                    f"collection '{name}' does not exist yet: ingest documents into it first "
                    f"(rfp ingest PATH --collection {name})"
                )
            self._shards[name] = shard
            return shard

    def ensure_collection(self, name: str) -> None:
        self._shard(name, create=True)

    def upsert(self, name: str, points: list[PointData]) -> None:
        shard = self._shard(name, create=True)
        batch = []
        for p in points:
            vector: dict[str, Any] = {SPARSE: qe.SparseVector(p.sparse.indices, p.sparse.values)}
            if p.dense is not None:
                vector[DENSE] = np.asarray(p.dense, dtype=np.float32).tolist()
            batch.append(qe.Point(p.id, vector, p.payload))
        shard.update(qe.UpdateOperation.upsert_points(batch))

    def set_payload(self, name: str, where: Where, payload: dict[str, Any]) -> None:
        self._shard(name).update(qe.UpdateOperation.set_payload_by_filter(write_filter(where), payload))

    def delete(self, name: str, where: Where) -> None:
        if not self.has_collection(name):
            return
        self._shard(name).update(qe.UpdateOperation.delete_points_by_filter(write_filter(where)))

    def search_dense(
        self, name: str, vector: np.ndarray, where: Where | None, limit: int, with_payload: bool = True
    ) -> list[StoredHit]:
        q = qe.QueryRequest(
            limit=limit,
            query=qe.Query.Nearest(np.asarray(vector, dtype=np.float32).tolist(), using=DENSE),
            filter=to_filter(where),
            with_payload=with_payload,
        )
        return [_hit(p) for p in self._shard(name).query(q)]

    def search_sparse(
        self, name: str, vector: SparseVector, where: Where | None, limit: int, with_payload: bool = True
    ) -> list[StoredHit]:
        if not vector.indices:
            return []
        q = qe.QueryRequest(
            limit=limit,
            query=qe.Query.Nearest(qe.SparseVector(vector.indices, vector.values), using=SPARSE),
            filter=to_filter(where),
            with_payload=with_payload,
        )
        return [_hit(p) for p in self._shard(name).query(q)]

    def retrieve(self, name: str, ids: list[str]) -> list[StoredHit]:
        if not ids:
            return []
        return [_hit(r) for r in self._shard(name).retrieve(list(ids), with_payload=True, with_vector=False)]

    def scroll(self, name: str, where: Where | None, limit: int = 256, offset: Any = None):
        records, next_offset = self._shard(name).scroll(
            qe.ScrollRequest(offset=offset, limit=limit, filter=to_filter(where), with_payload=True)
        )
        return [_hit(r) for r in records], next_offset

    def count(self, name: str, where: Where | None = None) -> int:
        if not self.has_collection(name):
            return 0
        return self._shard(name).count(qe.CountRequest(exact=True, filter=to_filter(where)))

    def optimize(self, name: str) -> None:
        shard = self._shard(name)
        shard.flush()
        shard.optimize()

    def flush(self, name: str) -> None:
        self._shard(name).flush()

    def drop_collection(self, name: str) -> None:
        with self._lock:
            shard = self._shards.pop(name, None)
            if shard is not None:
                shard.close()
            shutil.rmtree(self._path(name), ignore_errors=True)

    def close(self) -> None:
        with self._lock:
            for shard in self._shards.values():
                shard.flush()
                shard.close()
            self._shards.clear()
            if self._folder_lock is not None:
                self._folder_lock.release()
