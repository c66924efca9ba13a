"""One typed payload (`core.store.ChunkPayload`) for what a stored chunk carries: ingest writes the
same JSON as before it existed, and data folders written before it read as they are."""

from __future__ import annotations

from core.store import ChunkPayload, Match, Where, scroll_all
from tests.conftest import make_services

# The keys ingest wrote before the type existed (a live point also gets its family).
STORED_KEYS = [
    "text",
    "path",
    "abs_path",
    "folder",
    "title",
    "format",
    "page",
    "section",
    "section_path",
    "kind",
    "fields",
    "doc_kind",
    "solicitation",
    "ids",
    "defines",
    "content_hash",
    "version",
    "doc_id",
    "chunk_index",
    "tags",
    "tag_list",
    "ingested_at",
    "seq",
    "state",
    "family",
    "family_latest",
]


def test_ingest_stores_the_same_json_and_reads_it_back_typed(tmp_path, embedder):
    services = make_services(tmp_path / "data", embedder)
    doc = tmp_path / "rfq.md"
    doc.write_text("# RFQ\n\n## Clauses\n\nQuotes are due March 16, 2026. FAR 52.204-21 applies.\n")
    services.indexer.index_file(doc, "public", display="rfq.md", tags={"customer": "VA"})
    (stored,) = [
        h
        for h in scroll_all(services.store, "public", Where.of(Match("state", "live")))
        if "Quotes" in h.payload["text"]
    ]
    assert list(stored.payload) == STORED_KEYS
    chunk = stored.chunk
    assert chunk.path == "rfq.md" and chunk.section == "RFQ > Clauses" and chunk.state == "live"
    assert "far:52.204-21" in chunk.ids and chunk.tag_list == ["customer=VA"] and chunk.extra == {}
    assert chunk.to_dict() == stored.payload
    hit = services.retriever.search("When are quotes due?", ["public"]).hits[0]
    assert isinstance(hit.payload, ChunkPayload) and hit.payload.doc_id == chunk.doc_id
    assert hit.citation.label() == "rfq.md, RFQ > Clauses"
    services.close()


def test_an_older_or_newer_payload_reads_and_writes_back_unchanged():
    old = {
        "text": "Row",
        "path": "codes/soc.csv",
        "page": None,
        "fields": {"SOC Code": "15-1252"},
        "ids": None,
        "tags": None,
        "seq": 3,
        "state": "live",
        "legacy_key": [1, 2],
    }
    chunk = ChunkPayload.from_dict(old)
    assert chunk.ids == [] and chunk.tags == {} and chunk.section == "" and chunk.kind == "text"
    assert chunk.fields == {"SOC Code": "15-1252"} and chunk.extra == {"legacy_key": [1, 2]}
    written = chunk.to_dict()
    assert written["legacy_key"] == [1, 2] and written["seq"] == 3
    assert "end_page" not in written and "family" not in written, "optional keys only when set"
    assert ChunkPayload.from_dict(written) == chunk
