"""Ingest: putting files into a collection safely.

- indexer.py: `Indexer`: parse, chunk, embed and store a file, then swap versions (the order that
  keeps a crash from losing a document or showing two versions of it);
- claims.py: the commit protocol's safety net: claims on pending points on a shared server, and
  `recover()` after an interrupted run;
- versions.py: versions of one document (families, which is the latest) and the links between
  amendments and the passages they change;
- workers.py: the files a run reads (`walk`) and the worker processes that prepare them;
- results.py: what a file came to (`FileResult`, `FileStatus`) and a file on its way in (`Prepared`).
"""

from core.indexing.claims import (
    PENDING_GRACE_S,
    UPSERT_BATCH,
    abandoned,
    claim_fields,
    process_alive,
    this_host,
)
from core.indexing.indexer import (
    NAMESPACE,
    TITLE_COLUMN,
    Indexer,
    doc_id_for,
    file_hash,
    parse_tags,
    record_ids,
)
from core.indexing.results import FileResult, FileStatus, Prepared, unreadable
from core.indexing.versions import SAME_DOCUMENT, AmendmentLinks, version_rank
from core.indexing.workers import walk

__all__ = [
    "NAMESPACE",
    "PENDING_GRACE_S",
    "SAME_DOCUMENT",
    "TITLE_COLUMN",
    "UPSERT_BATCH",
    "AmendmentLinks",
    "FileResult",
    "FileStatus",
    "Indexer",
    "Prepared",
    "abandoned",
    "claim_fields",
    "doc_id_for",
    "file_hash",
    "parse_tags",
    "process_alive",
    "record_ids",
    "this_host",
    "unreadable",
    "version_rank",
    "walk",
]
