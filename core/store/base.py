"""The store's contract, independent of which Qdrant runs behind it.

Every backend keeps one dense vector ("dense", cosine) and one sparse vector ("sparse", with
Qdrant's IDF modifier) per point, plus a JSON payload. Filters are small value objects translated by
each backend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from core.sparse import SparseVector
from core.store.payload import ChunkPayload

DENSE = "dense"
SPARSE = "sparse"

# Payload fields that get a keyword (or bool/integer) index on backends that support indexes.
KEYWORD_FIELDS = (
    "doc_id",
    "version",
    "state",
    "path",
    "doc_kind",
    "solicitation",
    "ids",
    "defines",
    "kind",
    "tag_list",
    "family",
)
INTEGER_FIELDS = ("seq",)


@dataclass(frozen=True)
class Match:
    key: str
    value: str | int | bool


@dataclass(frozen=True)
class MatchAny:
    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class HasId:
    ids: tuple[str, ...]


Condition = Match | MatchAny | HasId


@dataclass(frozen=True)
class Where:
    must: tuple[Condition, ...] = ()
    must_not: tuple[Condition, ...] = ()

    def and_(self, other: Where | None) -> Where:
        if other is None:
            return self
        return Where(self.must + other.must, self.must_not + other.must_not)

    @staticmethod
    def of(*must: Condition, must_not: tuple[Condition, ...] = ()) -> Where:
        return Where(tuple(must), tuple(must_not))


@dataclass
class PointData:
    id: str
    dense: np.ndarray | None
    sparse: SparseVector
    payload: dict[str, Any]


@dataclass
class StoredHit:
    id: str
    score: float
    payload: dict[str, Any] = field(default_factory=dict)  # the stored JSON ({} when not fetched)

    @property
    def chunk(self) -> ChunkPayload:
        """The payload, typed."""
        return ChunkPayload.from_dict(self.payload)


class Store(Protocol):
    """What ingest, retrieval and training need from Qdrant."""

    backend: str

    def ensure_collection(self, name: str) -> None: ...

    def has_collection(self, name: str) -> bool: ...

    def open(self, name: str) -> None:
        """Open the collection now, if it exists (a command opens it while the model loads)."""
        ...

    def collections(self) -> list[str]: ...

    def upsert(self, name: str, points: list[PointData]) -> None: ...

    def set_payload(self, name: str, where: Where, payload: dict[str, Any]) -> None: ...

    def delete(self, name: str, where: Where) -> None: ...

    def search_dense(
        self, name: str, vector: np.ndarray, where: Where | None, limit: int, with_payload: bool = True
    ) -> list[StoredHit]: ...

    def search_sparse(
        self, name: str, vector: SparseVector, where: Where | None, limit: int, with_payload: bool = True
    ) -> list[StoredHit]: ...

    def retrieve(self, name: str, ids: list[str]) -> list[StoredHit]:
        """Points by id, with payloads (in no particular order)."""
        ...

    def scroll(
        self, name: str, where: Where | None, limit: int = 256, offset: Any = None
    ) -> tuple[list[StoredHit], Any]: ...

    def count(self, name: str, where: Where | None = None) -> int: ...

    def optimize(self, name: str) -> None: ...

    def close(self) -> None: ...


def scroll_all(store: Store, name: str, where: Where | None, batch: int = 512):
    """Every point matching `where`, page by page."""
    offset = None
    while True:
        hits, offset = store.scroll(name, where, limit=batch, offset=offset)
        yield from hits
        if offset is None:
            break
