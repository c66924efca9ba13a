"""The embedding cache: a re-ingest embeds only what changed, a text is embedded once, and a vector
never comes back for another model or backend. Real model, real Qdrant; the count that matters is
the texts that reached the model (`Embedder.embedded`)."""

from __future__ import annotations

import numpy as np

from core.embed_cache import CachedEmbedder, EmbedCache, text_key
from core.retrieval import Filters
from tests.conftest import make_services

SECTIONS = {
    "Scope": "The contractor shall modernize the claims intake system for the agency's field offices.",
    "Period of Performance": "The period of performance is one base year and four option years.",
    "Place of Performance": "Work is performed at the contractor's site with monthly visits to Washington, DC.",
    "Security": "All staff require a Public Trust background investigation before starting work.",
    "Deliverables": "The contractor delivers a sprint report every two weeks and a release plan each quarter.",
    "Page Limits": "The technical volume is limited to twenty pages, excluding resumes.",
}


def write_rfq(path, sections):
    body = "\n\n".join(f"## {title}\n\n{text}" for title, text in sections.items())
    path.write_text(f"# Claims Intake Modernization RFQ\n\n{body}\n")


def test_reingest_after_editing_one_section_embeds_only_that_section(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_rfq(docs / "rfq.md", SECTIONS)
    write_rfq(
        docs / "other.md", {f"Other {k}": v.replace("contractor", "vendor") for k, v in SECTIONS.items()}
    )
    services = make_services(tmp_path / "data", embedder)
    try:
        before = embedder.embedded
        first = services.indexer.index_files(
            [(docs / "rfq.md", "rfq.md"), (docs / "other.md", "other.md")], "public"
        )
        assert [r.status for r in first] == ["new", "new"]
        chunks = first[0].chunks
        assert chunks >= len(SECTIONS), "each section is its own chunk"
        assert embedder.embedded - before == chunks + first[1].chunks

        edited = dict(SECTIONS, Security="All staff require a Secret clearance and a Tier 3 investigation.")
        write_rfq(docs / "rfq.md", edited)
        before = embedder.embedded
        second = services.indexer.index_files(
            [(docs / "rfq.md", "rfq.md"), (docs / "other.md", "other.md")], "public"
        )
        assert [r.status for r in second] == ["changed", "unchanged"]
        assert second[0].chunks == chunks
        assert embedder.embedded - before == 1, "only the edited section's chunk reaches the model"
        assert second[0].cached == chunks - 1, "the run says how many chunks the cache had"

        # The cached vectors are the real ones: the edit and an untouched section are both found.
        hits = services.retriever.search(
            "Secret clearance Tier 3 investigation", ["public"], k=3, filters=Filters()
        ).hits
        assert hits[0].path == "rfq.md" and "Secret clearance" in hits[0].text
        hits = services.retriever.search(
            "how long is the base period and the options", ["public"], k=3, filters=Filters()
        ).hits
        assert "four option years" in hits[0].text
    finally:
        services.close()


def test_the_ingest_summary_shows_cache_hits(tmp_path, embedder):
    from rich.console import Console

    from ingest.run import ingest_paths, summary_table

    docs = tmp_path / "docs"
    docs.mkdir()
    write_rfq(docs / "rfq.md", SECTIONS)
    services = make_services(tmp_path / "data", embedder)
    try:
        quiet = Console(stderr=True, quiet=True)
        ingest_paths(services.indexer, [docs], "public", console=quiet)
        write_rfq(
            docs / "rfq.md", dict(SECTIONS, Scope="The contractor shall replace the claims intake system.")
        )
        report = ingest_paths(services.indexer, [docs], "public", console=quiet)
        assert report.count("changed") == 1 and report.chunks_cached == report.chunks_written - 1
        console = Console(record=True, width=120)
        console.print(summary_table(report, "public"))
        text = console.export_text()
        assert "cache hits" in text
        assert f" {report.chunks_cached} " in text.splitlines()[-1]
    finally:
        services.close()


def test_the_same_text_in_two_files_is_embedded_once(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_rfq(docs / "rfq.md", SECTIONS)
    services = make_services(tmp_path / "data", embedder)
    try:
        services.indexer.index_files([(docs / "rfq.md", "rfq.md")], "public")
        (docs / "rfq copy.md").write_bytes((docs / "rfq.md").read_bytes())
        before = embedder.embedded
        result = services.indexer.index_files([(docs / "rfq copy.md", "rfq copy.md")], "public")[0]
        assert result.status == "new" and result.chunks >= len(SECTIONS)
        assert embedder.embedded == before, "a copy of an ingested file needs no model time"
    finally:
        services.close()


def test_repeated_texts_in_one_call_are_embedded_once_and_in_order(tmp_path, embedder):
    cached = CachedEmbedder(embedder, tmp_path / "cache.sqlite")
    try:
        texts = ["FAR 52.204-21 applies.", "Page limit: 20 pages.", "FAR 52.204-21 applies."]
        before = embedder.embedded
        vectors, reused = cached.embed_counted(texts)
        assert embedder.embedded - before == 2
        assert reused.tolist() == [False, False, True]
        np.testing.assert_allclose(vectors, embedder.embed(texts), atol=2e-2)
        assert np.array_equal(vectors[0], vectors[2])
        again, reused = cached.embed_counted(list(reversed(texts)))
        assert reused.all() and np.array_equal(again, vectors[::-1])
    finally:
        cached.close()


def test_a_vector_never_comes_back_for_another_model_or_backend(tmp_path):
    path = tmp_path / "cache.sqlite"
    key = text_key("The technical volume is limited to twenty pages.")
    bf16 = EmbedCache(path, "all-MiniLM-L6-v2@aaaa/torch-bf16", dim=4)
    bf16.put([key], np.array([[0.5, 0.5, 0.5, 0.5]], dtype=np.float32))
    int8 = EmbedCache(path, "all-MiniLM-L6-v2@aaaa/onnx-int8", dim=4)
    other_model = EmbedCache(path, "bge-small@bbbb/torch-bf16", dim=4)
    wider = EmbedCache(path, "all-MiniLM-L6-v2@aaaa/torch-bf16", dim=8)
    try:
        assert int8.get([key]) == {}
        assert other_model.get([key]) == {}
        assert wider.get([key]) == {}, "a stored vector of another width is a miss"
        assert bf16.get([key])[key].tolist() == [0.5, 0.5, 0.5, 0.5]
    finally:
        for cache in (bf16, int8, other_model, wider):
            cache.close()


def test_the_cache_stays_within_its_row_limit(tmp_path):
    cache = EmbedCache(tmp_path / "cache.sqlite", "m/b", dim=2, max_rows=3)
    try:
        keys = [text_key(str(i)) for i in range(5)]
        for key in keys:
            cache.put([key], np.ones((1, 2), dtype=np.float32))
        assert len(cache) == 3
    finally:
        cache.close()


def test_a_code_table_saved_as_csv_and_as_xlsx_is_embedded_once(tmp_path, embedder):
    """Code-table rows are embedded by their fields alone, so the same table under another file name
    and format (a sheet, a title row above the header) needs no model time; its name still reaches
    the sparse vector."""
    import openpyxl

    rows = [
        ("2018 SOC Code", "2018 SOC Title", "2018 SOC Direct Match Title"),
        ("15-1252", "Software Developers", "Application Developer"),
        ("13-1051", "Cost Estimators", "Cost Analyst"),
        ("11-1011", "Chief Executives", "Admiral"),
    ]
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "soc_direct_match_titles.csv").write_text("\n".join(",".join(r) for r in rows) + "\n")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sorted by SOC"
    sheet.append(("Standard Occupational Classification",))
    sheet.append(())
    for row in rows:
        sheet.append(row)
    book.save(docs / "soc_direct_match_title_file.xlsx")
    services = make_services(tmp_path / "data", embedder)
    try:
        first = services.indexer.index_files(
            [(docs / "soc_direct_match_titles.csv", "soc_direct_match_titles.csv")], "public"
        )[0]
        assert first.status == "new" and first.chunks == 3
        before = embedder.embedded
        second = services.indexer.index_files(
            [(docs / "soc_direct_match_title_file.xlsx", "soc_direct_match_title_file.xlsx")], "public"
        )[0]
        assert second.status == "new" and second.cached == 3
        assert embedder.embedded - before <= second.chunks - 3  # only its title line, if anything
        # the sparse vector still reads the file's name: "title file" finds the XLSX's row
        vector = services.retriever.sparse.encode_query("title file Admiral")
        stored = services.store.search_sparse("public", vector, None, 1)
        assert stored and stored[0].chunk.path.endswith("soc_direct_match_title_file.xlsx")
    finally:
        services.close()
