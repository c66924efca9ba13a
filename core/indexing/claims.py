"""The commit protocol's safety net: claims on pending points, and recovery after a crash.

A new version's points are written "pending" (invisible to retrieval), flipped "live", and only
then is the previous version deleted (core/indexing/indexer.py, `Indexer.commit`). `recover()`
clears what an interrupted run left: pending points, and a document with two live versions (the
newest wins).

Pending points are another writer's work in flight when a Qdrant server is shared (QDRANT_URL):
there each carries a claim (when it was written, by which host and process), and `recover()` sweeps
only those whose writer is gone (a dead process on this host) or that are older than a grace period.
An embedded store is held by one process (core/datalock.py), so every pending point in it is left over.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time

from core.store import ChunkPayload, HasId, Match, Store, Where, scroll_all

log = logging.getLogger(__name__)

UPSERT_BATCH = 256
PENDING_GRACE_S = 3600.0  # on a shared server, a pending point younger than this may be in flight


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


def recover(store: Store, collection: str, shared: bool, grace_s: float) -> int:
    """Remove what an interrupted run left: pending points, and live points of a document whose
    newer version is also live. Returns the number of documents repaired.

    On a shared server only pending points whose writer is gone are removed (see `abandoned`);
    another process's file in flight is left alone."""
    if not store.has_collection(collection):
        return 0
    pending = Where.of(Match("state", "pending"))
    if not shared:
        store.delete(collection, pending)
    else:
        now = time.time()
        left = [h.id for h in scroll_all(store, collection, pending) if abandoned(h.chunk, now, grace_s)]
        for start in range(0, len(left), UPSERT_BATCH):
            store.delete(collection, Where.of(HasId(tuple(left[start : start + UPSERT_BATCH]))))
        if left:
            log.warning("removed %d pending points left by a writer that is gone", len(left))
    newest: dict[str, tuple[int, str]] = {}
    stale: set[tuple[str, str]] = set()
    for hit in scroll_all(store, collection, Where.of(Match("state", "live"))):
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
        store.delete(collection, Where.of(Match("doc_id", doc), Match("version", version)))
    if stale:
        log.warning("recovered %d documents left with two versions by an interrupted run", len(stale))
    return len(stale)
