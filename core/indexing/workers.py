"""Which files an ingest run reads (`walk`), and the worker processes that parse and chunk them
ahead of the one that embeds and writes (`Indexer.index_files`).

Processes, not threads: a parsing thread holds the GIL that torch's operator dispatch needs, and
slowed the whole run down when measured. A worker process that dies fails only the file it was
reading (core/parser_pool.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from core.documents import ReadOptions
from core.errors import UserFacingError
from core.indexing.results import FileResult, FileStatus, Prepared, unreadable
from core.manifest import Manifest
from core.parser_pool import ParserPool
from core.sparse import SparseEncoder

if TYPE_CHECKING:
    from core.indexing.indexer import Indexer


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
            FileResult(str(folder), FileStatus.FAILED, reason=f"folder not read: {unreadable(folder, exc)}")
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
                    skipped.append(
                        FileResult(shown, FileStatus.SKIPPED, reason=f"text export of {twin.name}")
                    )
                    continue
                found.append((p, shown))
    return found, skipped


def prepared_in_workers(
    indexer: Indexer,
    files: list[tuple[Path, str]],
    collection: str,
    tags: dict[str, str] | None,
    force: bool,
) -> Iterator[Prepared | FileResult]:
    """indexer.prepare() for each file, in order, in `indexer.workers` processes."""
    setup = (
        indexer.manifest.path,
        indexer.embedder.model_dir,
        indexer.sparse,
        indexer.chunk_tokens,
        indexer.read,
    )
    # ahead: not a folder in memory. The helper parses only while the embedder waits for parsing,
    # on the core the waiting leaves idle.
    pool = ParserPool(indexer.workers, _start_worker, setup, ahead=8 * indexer.workers + 8, helper=True)
    work = partial(_prepare_in_worker, collection=collection, tags=tags, force=force)
    return pool.map(work, files, lambda item, reason: FileResult(item[1], FileStatus.FAILED, reason=reason))


# --- in a worker process ---------------------------------------------------------------------------
# Parsing runs at the lowest CPU priority: it takes the cores only when the embedder leaves them
# (between batches, while the main process writes). On 2 cores without bf16 this made the whole
# ingest of ../shared/data 297.7 s -> 227.3 s (README); at normal priority a parser process had
# slowed it down.
WORKER_NICENESS = 19
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
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    from core.embedding import Embedder
    from core.indexing.indexer import Indexer  # the indexer starts these workers

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
