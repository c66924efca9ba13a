"""One ingest run over files and folders: progress while it works, a summary at the end."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from core.indexing import FileResult, FileStatus, Indexer, walk

log = logging.getLogger(__name__)


@dataclass
class RunReport:
    results: list[FileResult] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def chunks_written(self) -> int:
        return sum(r.chunks for r in self.results if r.status in (FileStatus.NEW, FileStatus.CHANGED))

    @property
    def chunks_cached(self) -> int:
        """Chunks whose vectors the embedding cache already had: no model time."""
        return sum(r.cached for r in self.results if r.status in (FileStatus.NEW, FileStatus.CHANGED))

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == FileStatus.FAILED]


def ingest_paths(
    indexer: Indexer,
    paths: list[Path],
    collection: str,
    tags: dict[str, str] | None = None,
    prune: bool = False,
    force: bool = False,
    console: Console | None = None,
) -> RunReport:
    console = console or Console(stderr=True)
    started = time.perf_counter()
    report = RunReport()
    indexer.recover(collection)
    files, skipped = walk(paths)
    for result in skipped:
        report.results.append(result)
        if result.status == FileStatus.FAILED:  # a folder that could not be listed
            print_failure(console, result)
    with Progress(
        TextColumn("[bold]ingest[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task("", total=len(files))

        def done(result: FileResult) -> None:
            report.results.append(result)
            if result.status == FileStatus.FAILED:
                print_failure(console, result)
            for warning in result.warnings:
                console.print(f"[yellow]warning[/] {result.path}: {warning}", highlight=False)
            progress.update(task, advance=1, description=Path(result.path).name[:50])

        indexer.index_files(files, collection, tags=tags, force=force, on_result=done)
    if prune:
        report.pruned = prune_missing(indexer, paths, collection)
    report.seconds = time.perf_counter() - started
    return report


def print_failure(console: Console, result: FileResult) -> None:
    console.print(f"[red]failed[/] {escape(result.path)}: {escape(result.reason)}", highlight=False)


def prune_missing(indexer: Indexer, paths: list[Path], collection: str) -> list[str]:
    """Remove documents ingested from under these paths whose files are gone (not those in a
    folder that could not be read this time)."""
    roots = [str(p.resolve()) for p in paths]
    removed = []
    for record in indexer.manifest.files(collection):
        under = any(record.abs_path == r or record.abs_path.startswith(r.rstrip("/") + "/") for r in roots)
        if under and _gone(Path(record.abs_path)):
            indexer.remove(collection, record.abs_path)
            removed.append(record.path)
    return removed


def _gone(path: Path) -> bool:
    try:
        path.stat()
    except FileNotFoundError:
        return True
    except OSError:  # unreadable, not known to be gone
        return False
    return False


def summary_table(report: RunReport, collection: str) -> Table:
    table = Table(title=f"ingest into '{collection}'", show_edge=False)
    for column in (
        "new",
        "changed",
        "unchanged",
        "failed",
        "skipped",
        "pruned",
        "chunks",
        "cache hits",
        "seconds",
    ):
        table.add_column(column, justify="right")
    table.add_row(
        str(report.count(FileStatus.NEW)),
        str(report.count(FileStatus.CHANGED)),
        str(report.count(FileStatus.UNCHANGED)),
        str(report.count(FileStatus.FAILED)),
        str(report.count(FileStatus.SKIPPED)),
        str(len(report.pruned)),
        str(report.chunks_written),
        str(report.chunks_cached),
        f"{report.seconds:.1f}",
    )
    return table
