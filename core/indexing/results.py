"""What ingesting one file came to (FileResult, with a FileStatus), and a file on its way in:
parsed and chunked, its points built but not yet embedded or written (Prepared)."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from core.amendments import Change
from core.chunking import Chunk
from core.documents import ParsedDocument
from core.manifest import FileRecord
from core.store import PointData


class FileStatus(StrEnum):
    """A file's outcome. Members are strings: `FileStatus.NEW == "new"`, and printed or written
    as JSON they are the plain word."""

    NEW = "new"  # ingested for the first time
    CHANGED = "changed"  # a new version replaced the stored one
    UNCHANGED = "unchanged"  # same content and tags as stored: nothing written
    FAILED = "failed"  # could not be read or indexed (`reason` says why)
    SKIPPED = "skipped"  # deliberately left out (a text export of a file beside it)


@dataclass
class FileResult:
    path: str
    status: FileStatus
    chunks: int = 0
    reason: str = ""
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    doc_kind: str | None = None
    cached: int = 0  # chunks whose vectors came from the embedding cache (or an identical chunk)


def unreadable(path: Path, exc: Exception) -> str:
    """Why a file or folder cannot be opened, in words."""
    if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
        return "a symbolic link loop (the link leads back to itself)"
    if isinstance(exc, FileNotFoundError) and path.is_symlink():
        return f"a broken symbolic link (to {os.readlink(path)})"
    return f"cannot read: {getattr(exc, 'strerror', None) or exc}"


@dataclass
class Prepared:
    """A file parsed and chunked, its points built but not yet embedded or written."""

    collection: str
    display: str
    abs_path: str
    previous: FileRecord | None
    stat: os.stat_result
    content_hash: str
    version: str
    doc: ParsedDocument
    doc_kind: str
    solicitation: str | None
    chunks: list[Chunk]
    points: list[PointData]
    doc_id: str
    seq: int
    ingested_at: str
    fingerprint: list[int]
    seconds: float
    cached: int = 0
    changes: list[Change] = field(default_factory=list)  # what an amendment states it changes
    refs: str = ""  # an amendment's name and opening text, flattened: which solicitation it names
