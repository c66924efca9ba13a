"""`Indexer.recover` sweeps what an interrupted run left, and nothing another writer has in flight.

A Qdrant server is shared by every process that sets QDRANT_URL: there a pending point may be
another process's file between its write and its flip to live. The store here is real Qdrant (the
client's local engine) behind `QdrantStore` in its server role; the other writers' points are real
pending points, claimed as another process would claim them.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from qdrant_client import QdrantClient

from core.indexing import Indexer, this_host
from core.manifest import Manifest
from core.store import HasId, Match, Where, scroll_all
from core.store.qdrant import QdrantStore
from tests.conftest import make_services

PENDING = Where.of(Match("state", "pending"))
LIVE = Where.of(Match("state", "live"))


@pytest.fixture
def shared(tmp_path, embedder):
    """An Indexer on a store in its server role (what QDRANT_URL gives), over a real Qdrant engine."""
    client = QdrantClient(path=str(tmp_path / "qdrant"))
    store = QdrantStore(url="http://qdrant.shared:6333", client=client)
    assert store.backend == "server"
    indexer = Indexer(store, embedder, Manifest(tmp_path / "manifest.sqlite"))
    yield indexer
    client.close()


def write_pending(indexer: Indexer, tmp_path, name: str, text: str, **claim) -> list[str]:
    """A file written pending and never flipped (its writer is mid-commit, or died there), then
    claimed as `claim` says. Returns its point ids."""
    path = tmp_path / name
    path.write_text(text)
    prepared = indexer.prepare(path, "public", name)
    indexer.embed([prepared])
    indexer.store.ensure_collection("public")
    indexer.store.upsert("public", prepared.points)
    ids = [p.id for p in prepared.points]
    indexer.store.set_payload("public", Where.of(HasId(tuple(ids))), claim)
    return ids


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def pending_paths(indexer: Indexer) -> set[str]:
    return {h.chunk.path for h in scroll_all(indexer.store, "public", PENDING)}


@pytest.mark.filterwarnings("ignore:Payload indexes have no effect")
def test_on_a_shared_server_recover_removes_only_what_a_gone_writer_left(shared, tmp_path):
    (tmp_path / "live.md").write_text("# Live\n\nThis document is live and searchable.\n")
    shared.index_file(tmp_path / "live.md", "public", "live.md")
    live = list(scroll_all(shared.store, "public", LIVE))
    assert live and all(h.chunk.claim_host == this_host() for h in live), "a server write is claimed"

    now = time.time()
    in_flight = write_pending(
        shared,
        tmp_path,
        "in_flight.md",
        "# In flight\n\nAnother host is writing this file right now.\n",
        claimed_at=now - 5,
        claim_host="other-host|pid:[4026531836]",
        claim_pid=4242,
    )
    write_pending(
        shared,
        tmp_path,
        "stale.md",
        "# Stale\n\nA writer on another host stopped here two hours ago.\n",
        claimed_at=now - 7200,
        claim_host="other-host|pid:[4026531836]",
        claim_pid=4243,
    )
    write_pending(
        shared,
        tmp_path,
        "dead_here.md",
        "# Dead here\n\nA process of this host died a moment ago, mid-commit.\n",
        claimed_at=now - 1,
        claim_host=this_host(),
        claim_pid=dead_pid(),
    )
    legacy = write_pending(
        shared, tmp_path, "legacy.md", "# Legacy\n\nWritten before claims existed, long ago.\n"
    )
    # A point written before claims existed is dated by when its file was read.
    shared.store.set_payload(
        "public", Where.of(HasId(tuple(legacy))), {"ingested_at": "2020-01-01T00:00:00+00:00"}
    )

    assert pending_paths(shared) == {"in_flight.md", "stale.md", "dead_here.md", "legacy.md"}
    shared.recover("public")
    assert pending_paths(shared) == {"in_flight.md"}, "only the fresh point of a live writer survives"

    # The other writer goes on: its flip makes the whole file live and searchable.
    shared.store.set_payload("public", Where.of(HasId(tuple(in_flight))), {"state": "live"})
    assert shared.store.count(
        "public", Where.of(Match("path", "in_flight.md"), Match("state", "live"))
    ) == len(in_flight)
    assert shared.store.count("public", Where.of(Match("path", "live.md"), Match("state", "live"))) >= 1

    # Past the grace period the same point counts as abandoned.
    shared.store.set_payload("public", Where.of(HasId(tuple(in_flight))), {"state": "pending"})
    shared.recover("public", grace_s=0)
    assert pending_paths(shared) == set()


def test_an_embedded_store_under_the_data_lock_sweeps_every_pending_point(tmp_path, embedder):
    services = make_services(tmp_path / "data", embedder)
    indexer = services.indexer
    assert not indexer.shared
    write_pending(
        indexer,
        tmp_path,
        "fresh.md",
        "# Fresh\n\nNo other process can hold this folder's store.\n",
        claimed_at=time.time(),
        claim_host="other-host",
        claim_pid=4242,
    )
    assert pending_paths(indexer) == {"fresh.md"}
    indexer.recover("public")
    assert pending_paths(indexer) == set()
    # An embedded write is not claimed: its payload is what it was before claims existed.
    (tmp_path / "a.md").write_text("# A\n\nA plain document.\n")
    indexer.index_file(tmp_path / "a.md", "public", "a.md")
    (point,) = list(scroll_all(indexer.store, "public", LIVE))
    assert "claimed_at" not in point.payload and "claim_pid" not in point.payload
    services.close()
