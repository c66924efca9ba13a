"""qdrant-client: a Qdrant server (QDRANT_URL, production and compose) or qdrant-client's local mode
on a folder. Both go through the same `QdrantClient` calls, so tests that run this class in local
mode exercise the code path production uses against the server.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
from qdrant_client import QdrantClient, models

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


def _condition(c) -> models.FieldCondition | models.HasIdCondition:
    if isinstance(c, Match):
        return models.FieldCondition(key=c.key, match=models.MatchValue(value=c.value))
    if isinstance(c, MatchAny):
        return models.FieldCondition(key=c.key, match=models.MatchAny(any=list(c.values)))
    if isinstance(c, HasId):
        return models.HasIdCondition(has_id=list(c.ids))
    raise TypeError(c)


def to_filter(where: Where | None) -> models.Filter | None:
    if where is None or (not where.must and not where.must_not):
        return None
    return models.Filter(
        must=[_condition(c) for c in where.must] or None,
        must_not=[_condition(c) for c in where.must_not] or None,
    )


def write_filter(where: Where) -> models.Filter:
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


class QdrantStore:
    def __init__(
        self,
        url: str | None = None,
        path: Path | None = None,
        api_key: str | None = None,
        dim: int = 384,
        shards: int = 1,
        replicas: int = 1,
        client: QdrantClient | None = None,
        lock: DataFolderLock | None = None,
    ):
        """`lock` (local mode): the data folder's, held from now until close()."""
        self._folder_lock = lock
        if lock is not None:
            lock.acquire()
        if client is not None:
            self.client = client
            self.backend = "server" if url else "local"
        elif url:
            self.client = QdrantClient(url=url, api_key=api_key, timeout=60)
            self.backend = "server"
        else:
            assert path is not None, "local mode needs a folder"
            Path(path).mkdir(parents=True, exist_ok=True)
            try:
                self.client = QdrantClient(path=str(path))
            except BaseException:
                if lock is not None:
                    lock.release()
                raise
            self.backend = "local"
        self.dim, self.shards, self.replicas = dim, shards, replicas
        self._known: set[str] = set()

    def has_collection(self, name: str) -> bool:
        return name in self._known or self.client.collection_exists(name)

    def open(self, name: str) -> None:
        """Nothing to open: the server holds the collection."""

    def collections(self) -> list[str]:
        return sorted(c.name for c in self.client.get_collections().collections)

    def ensure_collection(self, name: str) -> None:
        if self.has_collection(name):
            self._known.add(name)
            return
        extra: dict[str, Any] = {}
        if self.backend == "server":
            extra = {"shard_number": self.shards, "replication_factor": self.replicas}
        self.client.create_collection(
            name,
            vectors_config={DENSE: models.VectorParams(size=self.dim, distance=models.Distance.COSINE)},
            sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
            **extra,
        )
        if self.backend == "server":  # local mode has no payload indexes (and warns about them)
            for field in KEYWORD_FIELDS:
                self.client.create_payload_index(name, field, models.PayloadSchemaType.KEYWORD)
            for field in INTEGER_FIELDS:
                self.client.create_payload_index(name, field, models.PayloadSchemaType.INTEGER)
        self._known.add(name)

    def _require(self, name: str) -> None:
        if not self.has_collection(name):
            from core.errors import UserFacingError

            raise UserFacingError(
                f"collection '{name}' does not exist yet: ingest documents into it first "
                f"(rfp ingest PATH --collection {name})"
            )

    def upsert(self, name: str, points: list[PointData]) -> None:
        self.ensure_collection(name)
        structs = []
        for p in points:
            vector: dict[str, Any] = {
                SPARSE: models.SparseVector(indices=p.sparse.indices, values=p.sparse.values)
            }
            if p.dense is not None:
                vector[DENSE] = np.asarray(p.dense, dtype=np.float32).tolist()
            structs.append(models.PointStruct(id=p.id, vector=vector, payload=p.payload))
        self.client.upsert(name, points=structs, wait=True)

    def set_payload(self, name: str, where: Where, payload: dict[str, Any]) -> None:
        self._require(name)
        self.client.set_payload(name, payload=payload, points=write_filter(where), wait=True)

    def delete(self, name: str, where: Where) -> None:
        if not self.has_collection(name):
            return
        self.client.delete(name, points_selector=models.FilterSelector(filter=write_filter(where)), wait=True)

    def search_dense(
        self, name: str, vector: np.ndarray, where: Where | None, limit: int, with_payload: bool = True
    ) -> list[StoredHit]:
        self._require(name)
        res = self.client.query_points(
            name,
            query=np.asarray(vector, dtype=np.float32).tolist(),
            using=DENSE,
            query_filter=to_filter(where),
            limit=limit,
            with_payload=with_payload,
        )
        return [_hit(p) for p in res.points]

    def search_sparse(
        self, name: str, vector: SparseVector, where: Where | None, limit: int, with_payload: bool = True
    ) -> list[StoredHit]:
        self._require(name)
        if not vector.indices:
            return []
        res = self.client.query_points(
            name,
            query=models.SparseVector(indices=vector.indices, values=vector.values),
            using=SPARSE,
            query_filter=to_filter(where),
            limit=limit,
            with_payload=with_payload,
        )
        return [_hit(p) for p in res.points]

    def retrieve(self, name: str, ids: list[str]) -> list[StoredHit]:
        self._require(name)
        if not ids:
            return []
        return [_hit(r) for r in self.client.retrieve(name, list(ids), with_payload=True, with_vectors=False)]

    def scroll(self, name: str, where: Where | None, limit: int = 256, offset: Any = None):
        self._require(name)
        records, next_offset = self.client.scroll(
            name, scroll_filter=to_filter(where), limit=limit, offset=offset, with_payload=True
        )
        return [_hit(r) for r in records], next_offset

    def count(self, name: str, where: Where | None = None) -> int:
        if not self.has_collection(name):
            return 0
        return self.client.count(name, count_filter=to_filter(where), exact=True).count

    def optimize(self, name: str) -> None:
        """The server optimizes in the background; local mode has nothing to build."""

    def flush(self, name: str) -> None:
        """Writes are acknowledged with wait=True; nothing to flush."""

    def drop_collection(self, name: str) -> None:
        self.client.delete_collection(name)
        self._known.discard(name)

    def close(self) -> None:
        self.client.close()
        if self._folder_lock is not None:
            self._folder_lock.release()
