"""The store's two in-process engines keep one contract: the same calls give the same results on
qdrant-edge (the embedded default) and on qdrant-client (local mode here; a server in production,
through the same QdrantStore code)."""

from __future__ import annotations

import pytest

from core.sparse import SparseEncoder
from core.store import HasId, Match, MatchAny, PointData, Where, scroll_all
from core.store.edge import EdgeStore
from core.store.qdrant import QdrantStore

TEXTS = {
    "00000000-0000-0000-0000-000000000001": (
        "FAR 52.204-21 Basic Safeguarding of Covered Contractor Information Systems",
        "far",
        ["far:52.204-21"],
    ),
    "00000000-0000-0000-0000-000000000002": (
        "Software Developers design and develop computer applications",
        "codes",
        ["soc:15-1252"],
    ),
    "00000000-0000-0000-0000-000000000003": (
        "Quotes are due by 2:00 PM Eastern Time on March 16, 2026",
        "rfp",
        [],
    ),
    "00000000-0000-0000-0000-000000000004": (
        "The contractor shall deliver a monthly status report",
        "pws",
        [],
    ),
}


@pytest.fixture(params=["edge", "local"])
def store(request, tmp_path, embedder):
    s = EdgeStore(tmp_path) if request.param == "edge" else QdrantStore(path=tmp_path / "local")
    enc = SparseEncoder()
    vectors = embedder.embed([t for t, _, _ in TEXTS.values()])
    points = [
        PointData(
            pid,
            vec,
            enc.encode_document(text),
            {"text": text, "doc_kind": kind, "ids": ids, "state": "live", "doc_id": pid[-1]},
        )
        for (pid, (text, kind, ids)), vec in zip(TEXTS.items(), vectors, strict=True)
    ]
    s.upsert("c", points)
    yield s
    s.close()


def test_dense_search_ranks_by_meaning(store, embedder):
    hits = store.search_dense("c", embedder.embed_query("when must the quote be submitted"), None, 2)
    assert hits[0].id.endswith("3") and 0 < hits[0].score <= 1


def test_sparse_search_matches_identifiers_exactly(store):
    hits = store.search_sparse("c", SparseEncoder().encode_query("52.204-21"), None, 5)
    assert [h.id[-1] for h in hits] == ["1"]


def test_filters(store, embedder):
    v = embedder.embed_query("report")
    assert {
        h.id[-1] for h in store.search_dense("c", v, Where.of(MatchAny("doc_kind", ("rfp", "pws"))), 10)
    } == {"3", "4"}
    assert {h.id[-1] for h in store.search_dense("c", v, Where.of(Match("ids", "soc:15-1252")), 10)} == {"2"}
    assert {
        h.id[-1] for h in store.search_dense("c", v, Where.of(must_not=(Match("doc_kind", "far"),)), 10)
    } == {"2", "3", "4"}
    ids = tuple(list(TEXTS)[:2])
    assert {h.id for h in store.search_dense("c", v, Where.of(HasId(ids)), 10)} == set(ids)


def test_payload_updates_deletes_scroll_and_count(store):
    store.set_payload("c", Where.of(Match("doc_kind", "rfp")), {"state": "pending"})
    assert store.count("c", Where.of(Match("state", "live"))) == 3
    store.delete("c", Where.of(Match("state", "pending")))
    assert store.count("c") == 3
    assert sorted(h.id[-1] for h in scroll_all(store, "c", None, batch=2)) == ["1", "2", "4"]
    assert store.has_collection("c") and not store.has_collection("nope")


def test_opening_a_collection_ahead_of_a_query(tmp_path, embedder):
    """A cold command opens its collection while the model loads: `open` loads an existing shard
    and is no error for a collection that does not exist yet."""
    store = EdgeStore(tmp_path / "s")
    store.upsert(
        "c",
        [PointData(next(iter(TEXTS)), embedder.embed(["x"])[0], SparseEncoder().encode_document("x"), {})],
    )
    store.close()
    reopened = EdgeStore(tmp_path / "s")
    try:
        reopened.open("missing")
        assert "missing" not in reopened._shards
        reopened.open("c")
        assert "c" in reopened._shards
        assert reopened.count("c") == 1
    finally:
        reopened.close()
