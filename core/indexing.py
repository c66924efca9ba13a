"""Putting one file into a collection safely: parse, chunk, embed, store, then swap versions.

The swap is ordered so a crash never loses a document and never shows two versions of it:
1. the new version's points are written with state "pending" (invisible to retrieval);
2. one payload update flips them to "live";
3. the previous version's points are deleted;
4. the manifest row is written.
A crash before 2 leaves the old version live and the pending points are swept at the next run; a
crash between 2 and 3 is resolved by `recover()` (newest live version wins) at the next run, and
retrieval meanwhile keeps only the newest version of a document among its hits.

Pending points are another writer's work in flight when a Qdrant server is shared (QDRANT_URL):
there each carries a claim (when it was written, by which host and process), and `recover()` sweeps
only those whose writer is gone (a dead process on this host) or that are older than a grace period.
An embedded store is held by one process (core/datalock.py), so every pending point in it is left over.

An amendment's stated changes (core/amendments.py) are stored on its passages (`amends`) and linked
to the passages of the documents it amends (`amended_by`), whichever of the two is ingested first:
a new amendment updates the stored passages it changes, a new solicitation document takes the links
of the amendments already stored before it is written.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import logging
import os
import re
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from stat import S_ISREG
from typing import cast

from core.amendments import (
    AMENDING_KINDS,
    TARGET_KINDS,
    Change,
    DocRef,
    document_changes,
    in_scope,
    link,
    references,
)
from core.chunking import Chunk, Chunker
from core.documents import ParsedDocument, ReadOptions, parse
from core.documents.classify import DOC_KINDS, guess_kind, guess_solicitation
from core.embedding import TextEmbedder
from core.errors import DocumentError, UserFacingError
from core.fingerprint import minhash, similarity
from core.identifiers import find_ids, title_key
from core.manifest import FileRecord, Manifest
from core.parser_pool import ParserPool
from core.sparse import SparseEncoder
from core.store import ChunkPayload, HasId, Match, PointData, Store, Where, scroll_all
from core.store.payload import ChunkKind

log = logging.getLogger(__name__)

NAMESPACE = uuid.UUID("6f1c3a52-8d0e-4a8f-9a51-2f3c9b7e1d10")
UPSERT_BATCH = 256
SAME_DOCUMENT = 0.5  # MinHash similarity above which two files are versions of one document
PENDING_GRACE_S = 3600.0  # on a shared server, a pending point younger than this may be in flight


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


TITLE_COLUMN = re.compile(r"title|labor categor|lcat|job|occupation|occt|service proposed|position", re.I)


def unreadable(path: Path, exc: Exception) -> str:
    """Why a file or folder cannot be opened, in words."""
    if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
        return "a symbolic link loop (the link leads back to itself)"
    if isinstance(exc, FileNotFoundError) and path.is_symlink():
        return f"a broken symbolic link (to {os.readlink(path)})"
    return f"cannot read: {getattr(exc, 'strerror', None) or exc}"


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def doc_id_for(collection: str, abs_path: str) -> str:
    return hashlib.sha1(f"{collection}\0{abs_path}".encode()).hexdigest()[:20]


def parse_tags(pairs: list[str] | None) -> dict[str, str]:
    tags: dict[str, str] = {}
    for pair in pairs or []:
        if "=" not in pair or not pair.split("=", 1)[0].strip():
            raise UserFacingError(f"--tag '{pair}': expected key=value")
        key, value = pair.split("=", 1)
        tags[key.strip()] = value.strip()
    kind = tags.get("kind")
    if kind is not None and kind not in DOC_KINDS:
        raise UserFacingError(f"--tag kind={kind}: kind must be one of {', '.join(DOC_KINDS)}")
    return tags


@dataclass
class FileResult:
    path: str
    status: str  # new | changed | unchanged | failed | skipped
    chunks: int = 0
    reason: str = ""
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    doc_kind: str | None = None
    cached: int = 0  # chunks whose vectors came from the embedding cache (or an identical chunk)


def record_ids(chunk: Chunk, doc_kind: str) -> list[str]:
    keys = find_ids(chunk.text)
    if chunk.fields:
        for name, value in chunk.fields.items():
            if re.fullmatch(r"\d{4}", value) or re.match(r"\d{4}-[A-Z]", value):
                keys.append(f"opm:{value[:4]}")
            if doc_kind == "codes" or TITLE_COLUMN.search(name):
                title = re.sub(r"^[\d\-.]+\s*-?\s*", "", value).strip()
                if title and re.search(r"[A-Za-z]", title) and len(title) <= 80 and len(title.split()) <= 10:
                    keys.append(title_key(title))
    return list(dict.fromkeys(keys))


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


def _ref(record: FileRecord) -> DocRef:
    return DocRef(
        record.doc_id,
        record.path,
        record.abs_path,
        record.title or "",
        record.doc_kind,
        record.solicitation,
        record.seq,
    )


class Indexer:
    """Ingests files into a collection. One instance per process; not thread-safe per collection."""

    def __init__(
        self,
        store: Store,
        embedder: TextEmbedder,
        manifest: Manifest,
        sparse: SparseEncoder | None = None,
        chunk_tokens: int = 200,
        workers: int = 0,
        read: ReadOptions | None = None,
        pending_grace_s: float = PENDING_GRACE_S,
    ):
        """`read`: how files may be read (size, expansion, OCR); the defaults without it."""
        self.store = store
        self.embedder = embedder
        self.manifest = manifest
        self.sparse = sparse or SparseEncoder()
        self.chunker = Chunker(embedder.count_tokens, chunk_tokens, embedder.truncate)
        self.timings: dict[str, float] = {
            "prepare": 0.0,
            "embed": 0.0,
            "commit": 0.0,
        }  # seconds, for benchmarks
        self.read = read or ReadOptions()
        self.chunk_tokens = chunk_tokens
        cores = os.cpu_count() or 1  # -1: none on 2 cores, where a parser process slowed ingest (README)
        self.workers = (0 if cores <= 2 else min(4, cores - 1)) if workers < 0 else workers
        self.pending_grace_s = pending_grace_s
        # (collection, doc_id, version) -> the changes a stored amendment states, with its references
        self._stated_cache: dict[tuple[str, str, str], list[tuple[str, Change]]] = {}

    @property
    def shared(self) -> bool:
        """Whether other processes may write to the store at the same time (a Qdrant server). An
        embedded store is opened by one process only (the data folder's lock, and Qdrant's own)."""
        return getattr(self.store, "backend", "") == "server"

    # --- recovery ---------------------------------------------------------------------------------
    def recover(self, collection: str, grace_s: float | None = None) -> int:
        """Remove what an interrupted run left: pending points, and live points of a document whose
        newer version is also live. Returns the number of documents repaired.

        On a shared server only pending points whose writer is gone are removed (see `abandoned`);
        another process's file in flight is left alone."""
        if not self.store.has_collection(collection):
            return 0
        pending = Where.of(Match("state", "pending"))
        if not self.shared:
            self.store.delete(collection, pending)
        else:
            grace = self.pending_grace_s if grace_s is None else grace_s
            now = time.time()
            left = [
                h.id for h in scroll_all(self.store, collection, pending) if abandoned(h.chunk, now, grace)
            ]
            for start in range(0, len(left), UPSERT_BATCH):
                self.store.delete(collection, Where.of(HasId(tuple(left[start : start + UPSERT_BATCH]))))
            if left:
                log.warning("removed %d pending points left by a writer that is gone", len(left))
        newest: dict[str, tuple[int, str]] = {}
        stale: set[tuple[str, str]] = set()
        for hit in scroll_all(self.store, collection, Where.of(Match("state", "live"))):
            chunk = hit.chunk
            doc, seq, version = chunk.doc_id, chunk.seq, chunk.version
            best = newest.get(doc)
            if best is None or seq > best[0]:
                if best is not None and best[1] != version:
                    stale.add((doc, best[1]))
                newest[doc] = (seq, version)
            elif version != best[1]:
                stale.add((doc, version))
        for doc, version in stale:
            self.store.delete(collection, Where.of(Match("doc_id", doc), Match("version", version)))
        if stale:
            log.warning("recovered %d documents left with two versions by an interrupted run", len(stale))
        return len(stale)

    # --- one file ----------------------------------------------------------------------------------
    def index_file(
        self,
        path: Path,
        collection: str,
        display: str | None = None,
        tags: dict[str, str] | None = None,
        force: bool = False,
    ) -> FileResult:
        """Parse, chunk, embed and store one file (see the module docstring for the order)."""
        prepared = self.prepare(path, collection, display, tags, force)
        if isinstance(prepared, FileResult):
            return prepared
        self.embed([prepared])
        return self.commit(prepared)

    def index_files(
        self,
        files: list[tuple[Path, str]],
        collection: str,
        tags: dict[str, str] | None = None,
        force: bool = False,
        batch_chunks: int = 2048,
        on_result=None,
    ) -> list[FileResult]:
        """Several files, their chunks embedded together (fewer, fuller, length-sorted batches), each
        file still committed on its own: one file's failure or crash never touches another's.

        With `workers`, other processes parse and chunk the next files while this one embeds and
        writes (processes, not threads: a parsing thread holds the GIL that torch's operator dispatch
        needs, and slowed the whole run down when measured)."""
        results: list[FileResult] = []
        pending: list[Prepared | FileResult] = []
        size = 0

        def flush() -> None:
            ready = [p for p in pending if isinstance(p, Prepared)]
            if ready:
                self.embed(ready)
            for item in pending:
                started = time.perf_counter()
                result = self.commit(item) if isinstance(item, Prepared) else item
                self.timings["commit"] += time.perf_counter() - started
                results.append(result)
                if on_result is not None:
                    on_result(result)
            pending.clear()

        for prepared in self._prepared(files, collection, tags, force):
            pending.append(prepared)
            if isinstance(prepared, Prepared):
                size += len(prepared.chunks)
            if size >= batch_chunks or size == 0:  # nothing to embed before it: report it now
                flush()
                size = 0
        flush()
        return results

    def _prepared(
        self, files: list[tuple[Path, str]], collection: str, tags: dict[str, str] | None, force: bool
    ) -> Iterator[Prepared | FileResult]:
        """prepare() for each file, in order; in worker processes when there are several files. A
        worker process that dies fails only the file it was reading (core/parser_pool.py)."""
        if self.workers < 1 or len(files) < 4:
            for path, display in files:
                started = time.perf_counter()
                prepared = self.prepare(path, collection, display, tags, force)
                self.timings["prepare"] += time.perf_counter() - started
                yield prepared
            return
        setup = (
            self.manifest.path,
            self.embedder.model_dir,
            self.sparse,
            self.chunk_tokens,
            self.read,
        )
        pool = ParserPool(
            self.workers, _start_worker, setup, ahead=8 * self.workers + 8
        )  # not a folder in memory
        work = partial(_prepare_in_worker, collection=collection, tags=tags, force=force)
        results = pool.map(work, files, lambda item, reason: FileResult(item[1], "failed", reason=reason))
        while True:
            started = time.perf_counter()
            item = next(results, None)
            self.timings["prepare"] += time.perf_counter() - started
            if item is None:
                return
            yield item

    def prepare(
        self,
        path: Path,
        collection: str,
        display: str | None = None,
        tags: dict[str, str] | None = None,
        force: bool = False,
    ) -> Prepared | FileResult:
        """Everything but the dense vectors and the writes; a FileResult when there is nothing to do
        (unchanged) or the file cannot be read."""
        started = time.perf_counter()
        path = Path(path)
        display = display or str(path)
        try:
            stat = path.stat()
            abs_path = str(path.resolve())
        except (OSError, RuntimeError) as exc:  # RuntimeError: Python 3.11's symlink loop
            return FileResult(display, "failed", reason=unreadable(path, exc))
        if not S_ISREG(stat.st_mode):  # a named pipe would block the run forever on open()
            return FileResult(display, "failed", reason="not a regular file (a pipe, socket or device)")
        tags = dict(tags or {})
        previous = self.manifest.get(collection, abs_path)
        tags_hash = hashlib.sha1(repr(sorted(tags.items())).encode()).hexdigest()[:8]
        try:
            if (
                previous is not None
                and not force
                and previous.size == stat.st_size
                and previous.mtime == stat.st_mtime
            ):
                content_hash = previous.content_hash  # same size and time: not read again
            else:
                content_hash = file_hash(path)
        except OSError as exc:
            return FileResult(display, "failed", reason=unreadable(path, exc))
        version = hashlib.sha1(f"{content_hash}:{tags_hash}".encode()).hexdigest()[:16]
        if previous is not None and previous.version == version and not force:
            if previous.path != display:
                previous.path = display
                self.manifest.put(previous)
            return FileResult(
                display, "unchanged", chunks=previous.chunks, seconds=time.perf_counter() - started
            )

        try:
            doc = parse(
                path,
                display,
                max_bytes=self.read.max_bytes,
                max_expanded=self.read.max_expanded,
                ocr=self.read.ocr,
            )
            doc_kind = tags.get("kind") or guess_kind(doc, path.name)
            solicitation = tags.get("solicitation") or guess_solicitation(doc, path.stem, doc_kind)
            chunks = self.chunker.chunk(doc)
            if not chunks:
                raise DocumentError(display, "no text to index")
            doc_id = doc_id_for(collection, abs_path)
            seq = time.time_ns()
            ingested_at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
            points = self._points(
                doc,
                chunks,
                doc_id,
                version,
                content_hash,
                seq,
                ingested_at,
                doc_kind,
                solicitation,
                tags,
                display,
                abs_path,
            )
            changes = document_changes(doc) if doc_kind in AMENDING_KINDS else []
            refs = ""
            if changes:
                me = DocRef(doc_id, display, abs_path, doc.title, doc_kind, solicitation, seq)
                refs = references(me, doc.head_text(2000))
                _state_changes(changes, refs, points)
        except DocumentError as exc:
            return FileResult(display, "failed", reason=exc.reason, seconds=time.perf_counter() - started)
        except MemoryError:
            return FileResult(
                display,
                "failed",
                reason="ran out of memory indexing it",
                seconds=time.perf_counter() - started,
            )
        except Exception as exc:  # a bug in chunking this file: logged with its stack; the run goes on
            log.exception("%s: could not be indexed", display)
            return FileResult(
                display,
                "failed",
                reason=f"could not be indexed ({type(exc).__name__}: {exc}); see the log",
                seconds=time.perf_counter() - started,
            )
        return Prepared(
            collection,
            display,
            abs_path,
            previous,
            stat,
            content_hash,
            version,
            doc,
            doc_kind,
            solicitation,
            chunks,
            points,
            doc_id,
            seq,
            ingested_at,
            minhash([c.text for c in chunks]),
            time.perf_counter() - started,
            changes=changes,
            refs=refs,
        )

    def embed(self, prepared: list[Prepared]) -> None:
        texts = [c.embed_text for p in prepared for c in p.chunks]
        started = time.perf_counter()
        vectors, reused = self.embedder.embed_counted(texts)
        self.timings["embed"] += time.perf_counter() - started
        share = (time.perf_counter() - started) / max(1, len(texts))
        i = 0
        for p in prepared:
            p.cached = int(reused[i : i + len(p.points)].sum())
            for point in p.points:
                point.dense = vectors[i]
                i += 1
            p.seconds += share * len(p.points)

    def commit(self, p: Prepared) -> FileResult:
        """Write the new version invisible, flip it live, delete the old one, then the manifest."""
        started = time.perf_counter()
        collection, doc_id, version = p.collection, p.doc_id, p.version
        recency = version_rank(p.display, p.doc_kind, p.doc.format, p.seq)
        family, latest = self._family(collection, p.abs_path, doc_id, p.fingerprint, recency)
        claim = claim_fields() if self.shared else {}
        changed_by = self._changes_to(p)
        previous = self._previous_statements(p)
        for point in p.points:
            point.payload["family"] = family
            point.payload["family_latest"] = latest
            point.payload.update(claim)
            if changed_by.get(point.payload["chunk_index"]):
                point.payload["amended_by"] = changed_by[point.payload["chunk_index"]]
        self.store.ensure_collection(collection)
        for start in range(0, len(p.points), UPSERT_BATCH):
            self.store.upsert(collection, p.points[start : start + UPSERT_BATCH])
        mine = Where.of(Match("doc_id", doc_id), Match("version", version))
        self.store.set_payload(collection, mine, {"state": "live"})
        self.store.delete(
            collection, Where.of(Match("doc_id", doc_id), must_not=(Match("version", version),))
        )
        if family != doc_id or latest != doc_id:  # tell the family's other versions which one is latest
            self.store.set_payload(collection, Where.of(Match("family", family)), {"family_latest": latest})
        if p.changes or previous:
            me = DocRef(doc_id, p.display, p.abs_path, p.doc.title, p.doc_kind, p.solicitation, p.seq)
            self._relink(collection, me, p.changes, p.refs, [refs for refs, _ in previous])
        self.manifest.put(
            FileRecord(
                collection,
                p.abs_path,
                p.display,
                doc_id,
                p.content_hash,
                version,
                p.stat.st_size,
                p.stat.st_mtime,
                len(p.chunks),
                p.doc_kind,
                p.doc.title,
                p.solicitation,
                p.ingested_at,
                p.seq,
                family,
                recency,
                json.dumps(p.fingerprint),
            )
        )
        return FileResult(
            p.display,
            "changed" if p.previous is not None else "new",
            chunks=len(p.chunks),
            seconds=p.seconds + time.perf_counter() - started,
            warnings=p.doc.warnings,
            doc_kind=p.doc_kind,
            cached=p.cached,
        )

    def _points(
        self,
        doc: ParsedDocument,
        chunks: list[Chunk],
        doc_id: str,
        version: str,
        content_hash: str,
        seq: int,
        ingested_at: str,
        doc_kind: str,
        solicitation: str | None,
        tags: dict[str, str],
        display: str,
        abs_path: str,
    ) -> list[PointData]:
        tag_list = [f"{k}={v}" for k, v in sorted(tags.items())]
        folder = Path(abs_path).parent.name
        points = []
        for chunk in chunks:
            ids = record_ids(chunk, doc_kind)
            payload = ChunkPayload(
                text=chunk.text,
                path=display,
                abs_path=abs_path,
                folder=folder,
                title=doc.title,
                format=doc.format,
                page=chunk.page,
                section=" > ".join(chunk.section),
                section_path=list(chunk.section),
                kind=cast(ChunkKind, chunk.kind),
                ocr=chunk.page in doc.ocr_pages,
                fields=chunk.fields,
                doc_kind=doc_kind,
                solicitation=solicitation,
                ids=ids,
                # What the chunk is *about*: the identifier in its heading (the clause itself, not a
                # reference to it), or a code-table row's own codes.
                defines=find_ids(chunk.section[-1])
                if chunk.section and chunk.kind == "text"
                else ids
                if chunk.kind == "record"
                else [],
                content_hash=content_hash,
                version=version,
                doc_id=doc_id,
                chunk_index=chunk.index,
                tags=tags,
                tag_list=tag_list,
                ingested_at=ingested_at,
                seq=seq,
                state="pending",
            ).to_dict()
            # The sparse vector sees the context too, so "FAR part 15" or a folder's name match.
            sparse = self.sparse.encode_document(chunk.embed_text)
            pid = str(uuid.uuid5(NAMESPACE, f"{doc_id}:{version}:{chunk.index}"))
            points.append(PointData(pid, None, sparse, payload))
        return points

    def _family(
        self, collection: str, abs_path: str, doc_id: str, fingerprint: list[int], recency: str
    ) -> tuple[str, str]:
        """(family, latest doc_id): the document this file is a version of, if any."""
        best, best_sim = None, SAME_DOCUMENT
        records = [r for r in self.manifest.files(collection) if r.abs_path != abs_path and r.minhash]
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

    # --- amendments ------------------------------------------------------------------------------
    def _stated(self, collection: str, record: FileRecord) -> list[tuple[str, Change]]:
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

    def _changes_to(self, p: Prepared) -> dict[int, list[dict]]:
        """chunk index -> what the amendments already stored change in this file's passages."""
        if p.doc_kind not in TARGET_KINDS:
            return {}
        target = DocRef(p.doc_id, p.display, p.abs_path, p.doc.title, p.doc_kind, p.solicitation, p.seq)
        out: dict[int, list[dict]] = {}
        for record in self.manifest.files(p.collection):
            if record.doc_kind not in AMENDING_KINDS or record.doc_id == p.doc_id:
                continue
            amendment = _ref(record)
            for refs, change in self._stated(p.collection, record):
                if not in_scope(amendment, refs, target):
                    continue
                for point in p.points:
                    found = link(change, amendment, point.payload["text"], point.payload["section_path"])
                    if found is not None:
                        out.setdefault(point.payload["chunk_index"], []).append(found)
        return out

    def _previous_statements(self, p: Prepared) -> list[tuple[str, Change]]:
        """What the version this file replaces stated, if it was an amendment (its links are redone)."""
        if p.previous is None or p.previous.doc_kind not in AMENDING_KINDS:
            return []
        return self._stated(p.collection, p.previous)

    def _relink(
        self, collection: str, amendment: DocRef, changes: list[Change], refs: str, old_refs: list[str]
    ) -> int:
        """Link the amendment's changes to the stored passages they change, replacing its earlier
        links (those of a previous version, or all of them when `changes` is empty: it was removed).
        Returns the number of passages updated."""
        updated = 0
        for record in self.manifest.files(collection):
            target = _ref(record)
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

    # --- removal ---------------------------------------------------------------------------------
    def remove(self, collection: str, abs_path: str) -> None:
        record = self.manifest.get(collection, abs_path)
        if record is None:
            return
        stated = self._stated(collection, record) if record.doc_kind in AMENDING_KINDS else []
        self.store.delete(collection, Where.of(Match("doc_id", record.doc_id)))
        self.manifest.remove(collection, abs_path)
        if stated:  # the passages it changed are current again
            self._relink(collection, _ref(record), [], "", [refs for refs, _ in stated])


def _state_changes(changes: list[Change], refs: str, points: list[PointData]) -> None:
    """Store each change on the amendment's passage that states it (else its first passage)."""
    for change in changes:
        start = " ".join(change.statement.split())[:80]
        holder = next((p for p in points if start in " ".join(p.payload["text"].split())), points[0])
        holder.payload.setdefault("amends", []).append({**change.to_dict(), "refs": refs})


# --- claims on pending points (a shared server) ----------------------------------------------------
def this_host() -> str:
    """The host name with the process id namespace: two containers may share a host name, and a pid
    means something only within its namespace."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return f"{socket.gethostname()}|{namespace}" if namespace else socket.gethostname()


def claim_fields() -> dict[str, object]:
    """Who writes pending points now, and when."""
    return {"claimed_at": time.time(), "claim_host": this_host(), "claim_pid": os.getpid()}


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def abandoned(chunk: ChunkPayload, now: float, grace_s: float) -> bool:
    """Whether a pending point on a shared server was left by a writer that is gone: written by a
    process of this host that has ended, or older than the grace period (a writer elsewhere, whose
    process cannot be checked, has had that long to make it live). A point written before claims
    existed is dated by when its file was read."""
    pid = chunk.claim_pid
    if chunk.claim_host == this_host() and pid is not None and pid != os.getpid() and not process_alive(pid):
        return True
    claimed = chunk.claimed_at
    if claimed is None and chunk.ingested_at:
        try:
            claimed = dt.datetime.fromisoformat(chunk.ingested_at).timestamp()
        except ValueError:
            claimed = None
    return claimed is None or now - claimed > grace_s


def walk(paths: list[Path]) -> tuple[list[tuple[Path, str]], list[FileResult]]:
    """Files under the given paths (recursively), each with the path to show and store. Hidden
    files, licences and derived text exports (X.pdf.txt beside X.pdf) are skipped and reported; a
    folder that cannot be listed is reported as failed."""
    from core.documents import IGNORED_NAMES, is_derived_twin

    found: list[tuple[Path, str]] = []
    skipped: list[FileResult] = []

    def unreadable_folder(exc: OSError) -> None:
        folder = Path(exc.filename or "")
        skipped.append(
            FileResult(str(folder), "failed", reason=f"folder not read: {unreadable(folder, exc)}")
        )

    for root in paths:
        if not root.exists():
            raise UserFacingError(f"{root}: no such file or folder")
        if root.is_file():
            found.append((root, str(root)))
            continue
        for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable_folder):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                p = Path(dirpath) / name
                shown = str(p)
                if (
                    name.startswith(".")
                    or name.lower() in IGNORED_NAMES
                    or name.lower().startswith("license")
                ):
                    continue
                twin = is_derived_twin(p)
                if twin is not None:
                    skipped.append(FileResult(shown, "skipped", reason=f"text export of {twin.name}"))
                    continue
                found.append((p, shown))
    return found, skipped


# --- worker processes for index_files --------------------------------------------------------------
_worker: Indexer | None = None


def _start_worker(
    manifest_path: Path,
    model_dir: Path,
    sparse: SparseEncoder,
    chunk_tokens: int,
    read: ReadOptions,
) -> None:
    """A preparing-only Indexer: the tokenizer but never the model, the manifest read-only."""
    global _worker
    from core.embedding import Embedder

    _worker = Indexer(
        None,  # type: ignore[arg-type]  # a worker prepares files and never writes to a store
        Embedder(model_dir),
        Manifest(manifest_path),
        sparse,
        chunk_tokens,
        read=read,
    )


def _prepare_in_worker(
    path: Path, display: str, *, collection: str, tags: dict[str, str] | None, force: bool
) -> Prepared | FileResult:
    assert _worker is not None, "the pool's initializer builds the worker"
    return _worker.prepare(path, collection, display, tags, force)
