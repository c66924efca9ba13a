"""The drop-folder watcher (ingest/watch.py, `rfp ingest FOLDER --watch`): a real watchdog observer on a
temporary folder and a real index. A dropped file is ingested on its filesystem event (not the periodic
rescan, which is set to a minute here), a removed file is pruned, and the watcher stops when told."""

from __future__ import annotations

import io
import queue
import threading
import time
from pathlib import Path

import pytest
from rich.console import Console

from ingest.run import RunReport
from ingest.watch import watch
from tests.conftest import make_services

NOTICE = """# Notice of Intent

## 1. Site visit

A site visit for RFQ 2026-0917 will be held at the Rock Island Arsenal loading dock on 14 May 2026 at
10:00 CT. Offerors must register two business days in advance with the contracting officer.
"""
EVENT_WAIT_S = 60  # a pass on an event takes seconds; the rescan interval is far longer than the test


class Watcher:
    def __init__(self, tmp_path, embedder, interval: float = 600.0):
        self.services = make_services(tmp_path / "data", embedder)
        self.folder = tmp_path / "drop"
        self.heartbeat = tmp_path / "data" / "watcher.heartbeat"
        self.passes: queue.Queue[RunReport] = queue.Queue()
        self.stop = threading.Event()
        self.console = io.StringIO()
        self.thread = threading.Thread(
            target=watch,
            args=(self.services.indexer, self.folder, "drop", self.heartbeat),
            kwargs={
                "interval": interval,
                "debounce": 0.2,
                "stop": self.stop,
                "console": Console(file=self.console, width=160),
                "on_pass": self.passes.put,
            },
            daemon=True,
        )
        self.thread.start()

    def next_pass(self, until, timeout: float = EVENT_WAIT_S) -> RunReport:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    f"no such pass within {timeout} s; watcher said:\n{self.console.getvalue()}"
                )
            try:
                report = self.passes.get(timeout=left)
            except queue.Empty:
                continue
            if until(report):
                return report

    def paths(self) -> list[str]:
        """The ingested files, relative to the drop folder (they are stored as the watcher was given them)."""
        return [
            str(Path(r.path).relative_to(self.folder)) for r in self.services.indexer.manifest.files("drop")
        ]

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        self.services.close()


@pytest.fixture
def watcher(tmp_path, embedder):
    w = Watcher(tmp_path, embedder)
    yield w
    w.close()


def test_a_dropped_file_is_ingested_and_a_removed_one_pruned(watcher):
    first = watcher.next_pass(lambda r: True)
    assert first.results == [] and watcher.paths() == []
    assert watcher.heartbeat.exists()  # the container health check reads it after each pass
    beat = float(watcher.heartbeat.read_text())

    (watcher.folder / "notice.md").write_text(NOTICE)
    report = watcher.next_pass(lambda r: r.count("new") == 1)
    assert report.chunks_written > 0 and not report.failed
    assert watcher.paths() == ["notice.md"]
    hits = watcher.services.retriever.search("When is the site visit?", ["drop"], k=3).hits
    assert hits and hits[0].path == str(watcher.folder / "notice.md") and "Rock Island" in hits[0].text
    assert float(watcher.heartbeat.read_text()) > beat

    (watcher.folder / "notice.md").unlink()
    report = watcher.next_pass(lambda r: bool(r.pruned))
    assert report.pruned == [str(watcher.folder / "notice.md")]
    assert watcher.paths() == []
    assert not watcher.services.retriever.search("When is the site visit?", ["drop"], k=3).hits
    assert watcher.thread.is_alive()


def test_a_file_in_a_new_subfolder_is_ingested(watcher):
    watcher.next_pass(lambda r: True)
    sub = watcher.folder / "rfq-2026-0917"
    sub.mkdir()
    (sub / "notice.md").write_text(NOTICE)
    watcher.next_pass(lambda r: r.count("new") == 1)
    assert watcher.paths() == ["rfq-2026-0917/notice.md"]


def test_the_watcher_stops_when_told_without_waiting_for_its_rescan(watcher):
    watcher.next_pass(lambda r: True)
    watcher.stop.set()
    watcher.thread.join(timeout=10)
    assert not watcher.thread.is_alive(), "stop waited for the rescan interval"
