"""Putting one file into a collection safely: parse, chunk, embed, store, then swap versions.

The swap is ordered so a crash never loses a document and never shows two versions of it:
1. the new version's points are written with state "pending" (invisible to retrieval);
2. one payload update flips them to "live";
3. the previous version's points are deleted;
4. the manifest row is written.
A crash before 2 leaves the old version live and the pending points are swept at the next run; a
crash between 2 and 3 is resolved by `recover()` (newest live version wins) at the next run, and
retrieval meanwhile keeps only the newest version of a document among its hits. Claims on pending
points and recovery: claims.py. Versions of a document and amendment links: versions.py. Worker
processes and the files a run reads: workers.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from stat import S_ISREG
from typing import cast

from core.amendments import AMENDING_KINDS, DocRef, document_changes, references
from core.chunking import Chunk, Chunker
from core.documents import ParsedDocument, ReadOptions, parse
from core.documents.classify import DOC_KINDS, guess_kind, guess_solicitation
from core.embedding import TextEmbedder
from core.errors import DocumentError, UserFacingError
from core.fingerprint import minhash
from core.identifiers import find_ids, title_key
from core.indexing.claims import PENDING_GRACE_S, UPSERT_BATCH, claim_fields, recover
from core.indexing.results import FileResult, FileStatus, Prepared, unreadable
from core.indexing.versions import AmendmentLinks, family, ref, state_changes, version_rank
from core.indexing.workers import prepared_in_workers
from core.manifest import FileRecord, Manifest
from core.sparse import SparseEncoder
from core.store import ChunkPayload, Match, PointData, Store, Where
from core.store.payload import ChunkKind

log = logging.getLogger(__name__)

NAMESPACE = uuid.UUID("6f1c3a52-8d0e-4a8f-9a51-2f3c9b7e1d10")
TITLE_COLUMN = re.compile(r"title|labor categor|lcat|job|occupation|occt|service proposed|position", re.I)


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


def default_workers(embedder: TextEmbedder) -> int:
    """Parser processes beside the embedder: cores - 1 (at most 4). On 2 cores one, at the lowest
    priority, when the embedder is ONNX Runtime with sleeping threads (measured faster: README);
    none with torch's, where a parser process was measured slower."""
    cores = os.cpu_count() or 1
    if cores > 2:
        return min(4, cores - 1)
    backend = str(getattr(getattr(embedder, "embedder", embedder), "backend", ""))
    return 1 if cores == 2 and backend.startswith("onnx") else 0


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
        self.workers = default_workers(embedder) if workers < 0 else workers
        self.pending_grace_s = pending_grace_s
        self.links = AmendmentLinks(self)

    @property
    def shared(self) -> bool:
        """Whether other processes may write to the store at the same time (a Qdrant server). An
        embedded store is opened by one process only (the data folder's lock, and Qdrant's own)."""
        return getattr(self.store, "backend", "") == "server"

    # --- recovery ---------------------------------------------------------------------------------
    def recover(self, collection: str, grace_s: float | None = None) -> int:
        """Remove what an interrupted run left (claims.recover); returns the number of documents
        repaired. On a shared server only pending points whose writer is gone are removed."""
        grace = self.pending_grace_s if grace_s is None else grace_s
        return recover(self.store, collection, self.shared, grace)

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
        results = prepared_in_workers(self, files, collection, tags, force)
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
            return FileResult(display, FileStatus.FAILED, reason=unreadable(path, exc))
        if not S_ISREG(stat.st_mode):  # a named pipe would block the run forever on open()
            return FileResult(
                display, FileStatus.FAILED, reason="not a regular file (a pipe, socket or device)"
            )
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
            return FileResult(display, FileStatus.FAILED, reason=unreadable(path, exc))
        version = hashlib.sha1(f"{content_hash}:{tags_hash}".encode()).hexdigest()[:16]
        if previous is not None and previous.version == version and not force:
            if previous.path != display:
                previous.path = display
                self.manifest.put(previous)
            return FileResult(
                display, FileStatus.UNCHANGED, chunks=previous.chunks, seconds=time.perf_counter() - started
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
            chunks = self.chunker.chunk(doc, reference=doc_kind == "codes")
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
                state_changes(changes, refs, points)
        except DocumentError as exc:
            return FileResult(
                display, FileStatus.FAILED, reason=exc.reason, seconds=time.perf_counter() - started
            )
        except MemoryError:
            return FileResult(
                display,
                FileStatus.FAILED,
                reason="ran out of memory indexing it",
                seconds=time.perf_counter() - started,
            )
        except Exception as exc:  # a bug in chunking this file: logged with its stack; the run goes on
            log.exception("%s: could not be indexed", display)
            return FileResult(
                display,
                FileStatus.FAILED,
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
        texts = [c.dense_text or c.embed_text for p in prepared for c in p.chunks]
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
        family_id, latest = family(self.manifest, collection, p.abs_path, doc_id, p.fingerprint, recency)
        claim = claim_fields() if self.shared else {}
        changed_by = self.links.changes_to(p)
        previous = self.links.previous_statements(p)
        for point in p.points:
            point.payload["family"] = family_id
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
        if family_id != doc_id or latest != doc_id:  # tell the family's other versions which one is latest
            self.store.set_payload(
                collection, Where.of(Match("family", family_id)), {"family_latest": latest}
            )
        if p.changes or previous:
            me = DocRef(doc_id, p.display, p.abs_path, p.doc.title, p.doc_kind, p.solicitation, p.seq)
            self.links.relink(collection, me, p.changes, p.refs, [refs for refs, _ in previous])
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
                family_id,
                recency,
                json.dumps(p.fingerprint),
            )
        )
        return FileResult(
            p.display,
            FileStatus.CHANGED if p.previous is not None else FileStatus.NEW,
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

    # --- removal ---------------------------------------------------------------------------------
    def remove(self, collection: str, abs_path: str) -> None:
        record = self.manifest.get(collection, abs_path)
        if record is None:
            return
        stated = self.links.stated(collection, record) if record.doc_kind in AMENDING_KINDS else []
        self.store.delete(collection, Where.of(Match("doc_id", record.doc_id)))
        self.manifest.remove(collection, abs_path)
        if stated:  # the passages it changed are current again
            self.links.relink(collection, ref(record), [], "", [refs for refs, _ in stated])
