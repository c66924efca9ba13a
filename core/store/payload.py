"""What one stored chunk carries: the typed form of a point's JSON payload.

Ingest writes these keys (`core.indexing`); retrieval, answers, drafting, the bot, the CLI, proposal
work and training read them through `ChunkPayload`, never by key. The stored JSON is unchanged, so
data folders written before this type read as they are: a missing key takes its default, and keys
this type does not know are kept in `extra` and written back.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

ChunkKind = Literal["text", "table", "record"]
ChunkState = Literal["pending", "live"]


@dataclass
class ChunkPayload:
    text: str = ""  # verbatim from the document: what is cited and quoted
    path: str = ""  # the file as shown (relative to what was ingested, or --display)
    abs_path: str = ""
    folder: str = ""
    title: str = ""
    format: str = ""
    page: int | None = None
    section: str = ""  # "Section L > L.1 Submission"
    section_path: list[str] = field(default_factory=list)
    kind: ChunkKind = "text"
    fields: dict[str, str] | None = None  # a table row or record: column -> value
    doc_kind: str | None = None
    solicitation: str | None = None
    ids: list[str] = field(default_factory=list)  # identifiers named in the chunk
    defines: list[str] = field(default_factory=list)  # identifiers the chunk itself is (a clause, a row)
    content_hash: str = ""
    version: str = ""
    doc_id: str = ""
    chunk_index: int = 0
    tags: dict[str, str] = field(default_factory=dict)
    tag_list: list[str] = field(default_factory=list)  # "key=value"
    ingested_at: str = ""
    seq: int = 0
    state: ChunkState = "pending"
    end_page: int | None = None  # the last page of a chunk that runs over a page break
    family: str | None = None  # the document family (versions of one document), set when made live
    family_latest: str | None = None  # the family's latest doc_id
    # Who wrote the point while it was pending, so that `Indexer.recover` on a shared Qdrant server
    # removes only what a dead or long-gone writer left: unix seconds, host (with its pid namespace), pid.
    claimed_at: float | None = None
    claim_host: str | None = None
    claim_pid: int | None = None
    # Amendments (core/amendments.py): the changes a passage of an amendment states, and on a passage
    # an amendment changes, each change with the amendment, what the passage said and what holds now.
    amends: list[dict[str, Any]] = field(default_factory=list)
    amended_by: list[dict[str, Any]] = field(default_factory=list)
    ocr: bool = False  # read by OCR from a page with no text layer
    extra: dict[str, Any] = field(default_factory=dict)  # stored keys this type does not name

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChunkPayload:
        known = {k: v for k, v in data.items() if k in _FIELDS}
        # A stored null where a list or dict is expected reads as empty.
        for key in _COLLECTIONS:
            if key in known and known[key] is None:
                del known[key]
        return cls(**known, extra={k: v for k, v in data.items() if k not in _FIELDS})

    def to_dict(self) -> dict[str, Any]:
        """The JSON stored for the point: the keys ingest writes, the optional ones when set, and
        whatever else was read."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "extra"}
        for key in _OPTIONAL:
            if out[key] is None:
                del out[key]
        for key in _OMITTED_EMPTY:
            if not out[key]:
                del out[key]
        out.update(self.extra)
        return out


_FIELDS = frozenset(f.name for f in dataclasses.fields(ChunkPayload)) - {"extra"}
_COLLECTIONS = ("section_path", "ids", "defines", "tags", "tag_list", "amends", "amended_by")
_OPTIONAL = ("end_page", "family", "family_latest", "claimed_at", "claim_host", "claim_pid")
_OMITTED_EMPTY = ("amends", "amended_by", "ocr")  # most passages have none: not stored
