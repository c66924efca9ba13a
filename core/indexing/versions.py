"""Versions of one document, and the amendments that change it.

A file whose MinHash fingerprint is close to a stored one's is another version of that document (a
draft and the final, an RFQ and its amendment, a table as XLSX and as CSV): they share a `family`,
and `version_rank` says which is the latest.

An amendment's stated changes (core/amendments.py) are stored on its passages (`amends`) and linked
to the passages of the documents it amends (`amended_by`), whichever of the two is ingested first:
a new amendment updates the stored passages it changes, a new solicitation document takes the links
of the amendments already stored before it is written.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Protocol

from core.amendments import AMENDING_KINDS, TARGET_KINDS, Change, DocRef, in_scope, link
from core.fingerprint import similarity
from core.indexing.results import Prepared
from core.manifest import FileRecord, Manifest
from core.store import HasId, Match, PointData, Store, Where, scroll_all

log = logging.getLogger(__name__)

SAME_DOCUMENT = 0.5  # MinHash similarity above which two files are versions of one document


def version_rank(path: str, doc_kind: str | None, fmt: str | None, seq: int) -> str:
    """A sortable key: which of several versions of a document is the latest. Amendments and
    modifications over the original, finals over drafts, then a date in the file name, then (for the
    same content in two formats) the plain-text one, whose passages quote the file verbatim, then the
    one ingested last."""
    name = path.lower()
    rank = 2 if doc_kind == "amendment" or re.search(r"modif|amend|revis", name) else 1
    if "draft" in name:
        rank = 0
    m = re.search(r"(20\d\d)[-_]?([01]\d)[-_]?([0-3]\d)", name)
    date = "".join(m.groups()) if m else "00000000"
    plain = 1 if fmt in ("csv", "markdown", "text", "html") else 0
    return f"{rank}|{date}|{plain}|{seq:020d}"


def family(
    manifest: Manifest, collection: str, abs_path: str, doc_id: str, fingerprint: list[int], recency: str
) -> tuple[str, str]:
    """(family, latest doc_id): the document this file is a version of, if any."""
    best, best_sim = None, SAME_DOCUMENT
    records = [r for r in manifest.files(collection) if r.abs_path != abs_path and r.minhash]
    for record in records:
        sim = similarity(fingerprint, json.loads(record.minhash or "[]"))
        if sim >= best_sim:
            best, best_sim = record, sim
    if best is None:
        return doc_id, doc_id
    family = best.family or best.doc_id
    members = [(r.recency or "", r.doc_id) for r in records if (r.family or r.doc_id) == family]
    members.append((recency, doc_id))
    return family, max(members)[1]


def ref(record: FileRecord) -> DocRef:
    return DocRef(
        record.doc_id,
        record.path,
        record.abs_path,
        record.title or "",
        record.doc_kind,
        record.solicitation,
        record.seq,
    )


def state_changes(changes: list[Change], refs: str, points: list[PointData]) -> None:
    """Store each change on the amendment's passage that states it (else its first passage)."""
    for change in changes:
        start = " ".join(change.statement.split())[:80]
        holder = next((p for p in points if start in " ".join(p.payload["text"].split())), points[0])
        holder.payload.setdefault("amends", []).append({**change.to_dict(), "refs": refs})


class StoreAndManifest(Protocol):
    store: Store
    manifest: Manifest


class AmendmentLinks:
    """Links between stored amendments and the passages they change, kept current as files come
    and go. One per Indexer, reading the Indexer's store and manifest as they are at each call; it
    caches what each stored amendment version states."""

    def __init__(self, owner: StoreAndManifest):
        self._owner = owner
        # (collection, doc_id, version) -> the changes a stored amendment states, with its references
        self._stated_cache: dict[tuple[str, str, str], list[tuple[str, Change]]] = {}

    @property
    def store(self) -> Store:
        return self._owner.store

    @property
    def manifest(self) -> Manifest:
        return self._owner.manifest

    def stated(self, collection: str, record: FileRecord) -> list[tuple[str, Change]]:
        """The changes a stored amendment states (read from its passages), each with its references."""
        key = (collection, record.doc_id, record.version)
        if key not in self._stated_cache:
            found: list[tuple[str, Change]] = []
            if self.store.has_collection(collection):
                where = Where.of(Match("doc_id", record.doc_id), Match("state", "live"))
                for hit in scroll_all(self.store, collection, where):
                    for stated in hit.chunk.amends:
                        found.append((stated.get("refs", ""), Change.from_dict(stated)))
            self._stated_cache[key] = found
        return self._stated_cache[key]

    def changes_to(self, p: Prepared) -> dict[int, list[dict]]:
        """chunk index -> what the amendments already stored change in this file's passages."""
        if p.doc_kind not in TARGET_KINDS:
            return {}
        target = DocRef(p.doc_id, p.display, p.abs_path, p.doc.title, p.doc_kind, p.solicitation, p.seq)
        out: dict[int, list[dict]] = {}
        for record in self.manifest.files(p.collection):
            if record.doc_kind not in AMENDING_KINDS or record.doc_id == p.doc_id:
                continue
            amendment = ref(record)
            for refs, change in self.stated(p.collection, record):
                if not in_scope(amendment, refs, target):
                    continue
                for point in p.points:
                    found = link(change, amendment, point.payload["text"], point.payload["section_path"])
                    if found is not None:
                        out.setdefault(point.payload["chunk_index"], []).append(found)
        return out

    def previous_statements(self, p: Prepared) -> list[tuple[str, Change]]:
        """What the version this file replaces stated, if it was an amendment (its links are redone)."""
        if p.previous is None or p.previous.doc_kind not in AMENDING_KINDS:
            return []
        return self.stated(p.collection, p.previous)

    def relink(
        self, collection: str, amendment: DocRef, changes: list[Change], refs: str, old_refs: list[str]
    ) -> int:
        """Link the amendment's changes to the stored passages they change, replacing its earlier
        links (those of a previous version, or all of them when `changes` is empty: it was removed).
        Returns the number of passages updated."""
        updated = 0
        for record in self.manifest.files(collection):
            target = ref(record)
            scoped = bool(changes) and in_scope(amendment, refs, target)
            if not scoped and not any(in_scope(amendment, old, target) for old in old_refs):
                continue
            where = Where.of(Match("doc_id", record.doc_id), Match("state", "live"))
            for hit in scroll_all(self.store, collection, where):
                chunk = hit.chunk
                links = [x for x in chunk.amended_by if x.get("doc_id") != amendment.doc_id]
                if scoped:
                    for change in changes:
                        found = link(change, amendment, chunk.text, chunk.section_path)
                        if found is not None:
                            links.append(found)
                if links != chunk.amended_by:
                    self.store.set_payload(collection, Where.of(HasId((hit.id,))), {"amended_by": links})
                    updated += 1
        if updated:
            log.info("%s: %d passages it changes are marked", amendment.path, updated)
        return updated
