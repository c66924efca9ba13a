"""The Qdrant store behind one facade: in-process (qdrant-edge-py, or qdrant-client local mode) by
default, a Qdrant server when QDRANT_URL is set."""

from __future__ import annotations

from core.datalock import DataFolderLock
from core.settings import Settings
from core.store.base import HasId, Match, MatchAny, PointData, Store, StoredHit, Where, scroll_all
from core.store.payload import ChunkPayload

__all__ = [
    "ChunkPayload",
    "HasId",
    "Match",
    "MatchAny",
    "PointData",
    "Store",
    "StoredHit",
    "Where",
    "open_store",
    "scroll_all",
]


def open_store(settings: Settings, dim: int = 384) -> Store:
    backend = settings.resolved_store_backend
    if backend == "server":
        from core.store.qdrant import QdrantStore

        return QdrantStore(
            url=settings.qdrant_url,
            api_key=settings.qdrant_api_key,
            dim=dim,
            shards=settings.qdrant_shards,
            replicas=settings.qdrant_replicas,
        )
    # In-process: this process holds the data folder until the store is closed (core/datalock.py).
    lock = DataFolderLock(settings.data_dir)
    if backend == "local":
        from core.store.qdrant import QdrantStore

        return QdrantStore(path=settings.qdrant_path / "local", dim=dim, lock=lock)
    from core.store.edge import EdgeStore

    return EdgeStore(settings.qdrant_path, dim=dim, lock=lock)
