"""The ingest watcher: keeps a collection in step with a drop folder.

Runs an incremental ingest of the folder whenever something in it changes (filesystem events via
watchdog, debounced) and at least every `interval` seconds as a safety net; unchanged files cost a
stat() each. Writes `<data_dir>/watcher.heartbeat` after each pass for the container health check.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from rich.console import Console

from core.indexing import Indexer
from ingest.run import ingest_paths, summary_table

log = logging.getLogger(__name__)

STOP_CHECK_S = 0.5  # how soon a set `stop` ends the wait between passes


def watch(
    indexer: Indexer,
    folder: Path,
    collection: str,
    heartbeat: Path,
    tags: dict[str, str] | None = None,
    prune: bool = True,
    interval: float = 60.0,
    debounce: float = 2.0,
    stop: threading.Event | None = None,
    console: Console | None = None,
    on_pass=None,
) -> None:
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    stop = stop or threading.Event()
    console = console or Console(stderr=True, soft_wrap=True)
    changed = threading.Event()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):
            if not event.is_directory or event.event_type in ("deleted", "moved"):
                changed.set()

    folder.mkdir(parents=True, exist_ok=True)
    observer = Observer()
    observer.schedule(Handler(), str(folder), recursive=True)
    observer.start()
    console.print(f"watching {folder} -> collection '{collection}' (every {interval:.0f} s and on change)")
    try:
        while not stop.is_set():
            changed.clear()
            report = ingest_paths(indexer, [folder], collection, tags=tags, prune=prune, console=console)
            if report.chunks_written or report.failed or report.pruned:
                console.print(summary_table(report, collection))
                if report.chunks_written:
                    indexer.store.optimize(collection)
            heartbeat.parent.mkdir(parents=True, exist_ok=True)
            heartbeat.write_text(str(time.time()))
            if on_pass is not None:
                on_pass(report)
            _wait(changed, stop, interval)
            if changed.is_set():
                stop.wait(debounce)  # let a copy finish before reading the file
    finally:
        observer.stop()
        observer.join(timeout=5)


def _wait(changed: threading.Event, stop: threading.Event, timeout: float) -> None:
    """Until something in the folder changed, `stop` is set, or `timeout` seconds passed."""
    deadline = time.monotonic() + timeout
    while not (changed.is_set() or stop.is_set()):
        left = deadline - time.monotonic()
        if left <= 0:
            return
        changed.wait(min(left, STOP_CHECK_S))
