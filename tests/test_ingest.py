"""Ingest on real federal documents: what a proposal manager relies on after `rfp ingest`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.chunking import WINDOW
from core.indexing import parse_tags, walk
from core.store import Match, Where, scroll_all
from tests.conftest import make_services

LIVE = Where.of(Match("state", "live"))


def chunks_of(services, collection="public", path_part=""):
    return [h.payload for h in scroll_all(services.store, collection, LIVE) if path_part in h.payload["path"]]


def find(chunks, needle):
    hits = [c for c in chunks if needle in c["text"] or needle in " ".join(c["text"].split())]
    assert hits, f"no chunk contains {needle!r}"
    return hits[0]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, embedder, data_root):
    """One collection with a PDF with tables, a DOCX with tables, an XLSX pricing sheet, a CSV code
    table and FAR Markdown, ingested once for the module."""
    services = make_services(tmp_path_factory.mktemp("corpus"), embedder)
    files = [
        data_root / "rfp/gsa-18f-agile-delivery-services-bpa-2015/ADS_RFQ_Final_2015-06-16.pdf",
        data_root / "rfp/va-appeals-caseflow-task-order-2016/VA11816F10050003RTEP.pdf",
        data_root / "rfp/usds-techfar-hub-samples/Agile_Task_Order_IGCE_Example.docx",
        data_root / "rfp/gsa-18f-fedramp-dashboard-2016/ID09160019_Labor_Pricing_Template.xlsx",
        data_root / "codes/gsa_oasis_lcat_crosswalk_titles_to_soc_2015.csv",
        data_root / "codes/opm_fedscope_occupational_series_DTocc.csv",
        data_root / "far/FAR_part_15.md",
        data_root / "far/FAR_part_52.md",
    ]
    results = [services.indexer.index_file(f, "public", display=str(f.relative_to(data_root))) for f in files]
    assert [r.status for r in results] == ["new"] * len(files), [(r.path, r.reason) for r in results]
    yield services
    services.close()


def test_pdf_passages_keep_page_and_section(corpus):
    chunks = chunks_of(corpus, path_part="ADS_RFQ_Final")
    c = find(chunks, "This is a Request for Quotation (RFQ), under Federal Acquisition")
    assert c["page"] == 3
    assert c["section"] == "1.0 INSTRUCTIONS TO QUOTERS > 1.1 Request for Quote"
    va = chunks_of(corpus, path_part="VA11816F")
    c = find(va, "Help desk is open from 8AM to 8PM Eastern Standard Time")
    assert c["page"] == 34
    assert c["section"].endswith("5.3 ONGOING APPEALS CASEFLOW SUPPORT – T&M > 5.3.2 HELP DESK")
    assert all(c["page"] is not None for c in va), "every PDF chunk carries one page number"


def test_docx_table_rows_keep_their_header_names(corpus):
    chunks = chunks_of(corpus, path_part="IGCE")
    c = find(chunks, "Scrum Master | $147.00 | 1920 | $28,2240")
    assert (
        c["text"].splitlines()[0]
        == "Labor Category (these figures are not from the negotiated BPA pricing) | Hr Rate | Hrs | Price"
    )
    assert c["kind"] == "table"
    whole_rows = [line for chunk in chunks if chunk["kind"] == "table" for line in chunk["text"].splitlines()]
    assert "Price Per Iteration | $73,669" in whole_rows  # a row is never split across chunks


def test_xlsx_rows_are_records_and_banners_are_not_repeated(corpus):
    chunks = chunks_of(corpus, path_part="ID09160019")
    records = [c for c in chunks if c["kind"] == "record"]
    clin = next(c for c in records if c["fields"].get("ITEM NO.") == "0001")
    assert clin["fields"]["SUPPLIES/SERVICES"] == "FedRAMP Dashboard Platform Support"
    assert clin["section"].startswith("CLIN Structure")
    labor = [c for c in records if "Mapping FSS 70 labor category" in c["text"]]
    assert labor, "the labor pricing header names are part of each labor record"
    banner = "ID09160019 Pricing Template"
    assert sum(banner in c["text"] for c in chunks) == 1, "a banner row is stored once, not in every row"


def test_csv_code_rows_are_self_contained_records(corpus):
    chunks = chunks_of(corpus, path_part="oasis")
    assert len(chunks) == 1046
    row = find(chunks, "\nCost Estimator,13-1051 Cost Estimators")
    assert row["fields"] == {
        "FAMILIAR/TRADITIONAL TITLE": "Cost Estimator",
        "MAPS TO OMB SOC": "13-1051 Cost Estimators",
        "MAPS TO OASIS LCAT NAME": "Business and Financial Operations Specialists, Group 4",
    }
    assert row["text"].startswith("FAMILIAR/TRADITIONAL TITLE,MAPS TO OMB SOC,MAPS TO OASIS LCAT NAME\n")
    assert "soc:13-1051" in row["ids"]
    assert row["doc_kind"] == "codes"


def test_far_markdown_sections(corpus):
    chunks = chunks_of(corpus, path_part="FAR_part_15")
    c = find(chunks, "may not be evaluated favorably or unfavorably on past performance")
    assert c["section"] == "15.305 Proposal evaluation"
    assert c["doc_kind"] == "far"


@pytest.mark.parametrize(
    ("query", "expected_in_text", "expected_path"),
    [
        (
            "52.204-21",
            "52.204-21 Basic Safeguarding of Covered Contractor Information Systems",
            "FAR_part_52",
        ),
        ("13-1051", "13-1051 Cost Estimators", "oasis"),
        ("0854", "0854-COMPUTER ENGINEERING", "DTocc"),
        ("series 2210", "2210-INFORMATION TECHNOLOGY MANAGEMENT", "DTocc"),
    ],
)
def test_identifiers_are_found_exactly(corpus, query, expected_in_text, expected_path):
    hits = corpus.retriever.search(query, ["public"], k=3).hits
    assert expected_path in hits[0].path
    assert expected_in_text in " ".join(hits[0].text.split()) or expected_in_text in hits[0].section


def test_chunks_fit_the_embedding_window(corpus, embedder):
    from core.chunking import Chunker
    from core.documents import parse

    chunker = Chunker(embedder.count_tokens, 200, embedder.truncate)
    for name in (
        "rfp/va-appeals-caseflow-task-order-2016/VA11816F10050003RTEP.pdf",
        "far/FAR_part_52.md",
        "codes/bls_soc_2018_definitions.csv",
    ):
        from tests.conftest import DATA

        chunks = chunker.chunk(parse(DATA / name))
        counts = embedder.count_tokens([c.embed_text for c in chunks])
        assert max(counts) + 2 <= WINDOW, name


def test_second_run_does_no_work(tmp_path, embedder, data_root):
    services = make_services(tmp_path / "d", embedder)
    folder = data_root / "rfp/gsa-tts-cloudgov-support-services-2019"
    from ingest.run import ingest_paths

    first = ingest_paths(services.indexer, [folder], "public")
    assert first.count("new") == 4 and first.count("skipped") == 2  # the .pdf.txt exports are skipped

    calls = []
    real = services.embedder.embed
    services.embedder.embed = lambda texts: calls.append(len(texts)) or real(texts)
    try:
        second = ingest_paths(services.indexer, [folder], "public")
    finally:
        services.embedder.embed = real
    assert second.count("unchanged") == 4 and second.chunks_written == 0
    assert calls == [], "nothing is parsed or embedded for unchanged files"
    services.close()


def test_changed_file_is_replaced(tmp_path, embedder, data_root):
    services = make_services(tmp_path / "d", embedder)
    doc = tmp_path / "files" / "QASP.md"
    doc.parent.mkdir()
    shutil.copy(data_root / "rfp/gsa-tts-searchgov-development-2018/QASP.md", doc)
    assert services.indexer.index_file(doc, "public").status == "new"
    doc.write_text(doc.read_text() + "\n\n## Added section\n\nThe contractor shall deliver a zebra report.\n")
    result = services.indexer.index_file(doc, "public")
    assert result.status == "changed"
    chunks = chunks_of(services)
    assert any("zebra report" in c["text"] for c in chunks)
    assert len({c["version"] for c in chunks}) == 1
    assert services.store.count("public") == result.chunks, "old chunks are gone, none pending"
    services.close()


class FailingStore:
    """The real store, except that the flip to 'live' dies: the crash point between writing the new
    version and making it searchable."""

    def __init__(self, store):
        self._store = store

    def __getattr__(self, name):
        return getattr(self._store, name)

    def set_payload(self, *args, **kwargs):
        raise RuntimeError("simulated crash")


def test_crash_mid_file_leaves_the_old_version(tmp_path, embedder, data_root):
    services = make_services(tmp_path / "d", embedder)
    doc = tmp_path / "files" / "RFQ.md"
    doc.parent.mkdir()
    shutil.copy(data_root / "rfp/gsa-tts-incident-response-saas-2018/RFQ.md", doc)
    services.indexer.index_file(doc, "public")
    old = chunks_of(services)
    doc.write_text(doc.read_text().replace("Up to 35 licenses", "Up to 99 licenses"))

    real_store = services.indexer.store
    services.indexer.store = FailingStore(real_store)
    with pytest.raises(RuntimeError):
        services.indexer.index_file(doc, "public")
    services.indexer.store = real_store

    visible = chunks_of(services)
    assert sorted(c["text"] for c in visible) == sorted(c["text"] for c in old), (
        "old version still searchable"
    )
    assert not any("Up to 99 licenses" in c["text"] for c in visible), "new version not half-visible"
    hits = services.retriever.search("How many licenses does the SaaS need?", ["public"], k=3).hits
    assert any("Up to 35 licenses" in h.text for h in hits)

    # The next run recovers: the pending points are swept and the new version replaces the old one.
    from ingest.run import ingest_paths

    report = ingest_paths(services.indexer, [doc], "public")
    assert report.count("changed") == 1
    texts = [c["text"] for c in chunks_of(services)]
    assert any("Up to 99 licenses" in t for t in texts) and not any("Up to 35 licenses" in t for t in texts)
    assert services.store.count("public", Where.of(Match("state", "pending"))) == 0
    services.close()


def test_recover_keeps_only_the_newest_of_two_live_versions(tmp_path, embedder):
    services = make_services(tmp_path / "d", embedder)
    doc = tmp_path / "a.md"
    doc.write_text("# Plan\n\nThe first version says blue.\n")
    services.indexer.index_file(doc, "public")
    # Simulate a crash after the flip and before the old version's delete.
    real_delete = services.store.delete
    services.indexer.store.delete = lambda *a, **k: None
    doc.write_text("# Plan\n\nThe second version says green.\n")
    services.indexer.index_file(doc, "public")
    services.indexer.store.delete = real_delete
    hits = services.retriever.search("what colour does the plan say", ["public"], k=5).hits
    assert [h.text for h in hits if "version says" in h.text] == ["Plan\nThe second version says green."]
    assert services.indexer.recover("public") == 1
    assert [c["text"] for c in chunks_of(services)] == ["Plan\nThe second version says green."]
    services.close()


def test_prune_removes_files_that_disappeared(tmp_path, embedder):
    from ingest.run import ingest_paths

    services = make_services(tmp_path / "d", embedder)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "keep.md").write_text("# Keep\n\nThis document stays.\n")
    (folder / "gone.md").write_text("# Gone\n\nThis document will be deleted.\n")
    ingest_paths(services.indexer, [folder], "public")
    (folder / "gone.md").unlink()
    report = ingest_paths(services.indexer, [folder], "public", prune=True)
    assert report.pruned == [str(folder / "gone.md")]
    assert {c["path"] for c in chunks_of(services)} == {str(folder / "keep.md")}
    services.close()


def bad_files(folder: Path) -> dict[str, str]:
    """Each bad input and the words its one-line reason must contain."""
    import pypdf

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf\n%%EOF")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(612, 792)
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(folder / "encrypted.pdf", "wb") as f:
        writer.write(f)
    writer = pypdf.PdfWriter()
    writer.add_blank_page(612, 792)
    with open(folder / "scanned.pdf", "wb") as f:
        writer.write(f)
    (folder / "empty.md").write_text("")
    (folder / "slides.pptx").write_bytes(b"PK\x03\x04 not really")
    (folder / "latin1.txt").write_bytes("Caf\xe9 menu: cr\xe8me br\xfbl\xe9e".encode("latin-1"))
    (folder / "huge.txt").write_text("word " * 400_000)  # 2 MB, over the 1 MB limit set below
    (folder / "broken.docx").write_bytes(b"not a zip at all")
    return {
        "corrupt.pdf": "not a readable PDF",
        "encrypted.pdf": "encrypted",
        "scanned.pdf": "no text layer",
        "empty.md": "empty file",
        "slides.pptx": "unsupported file type '.pptx'",
        "latin1.txt": "not UTF-8",
        "huge.txt": "file too large",
        "broken.docx": "not a valid DOCX",
    }


def test_bad_inputs_each_get_one_line_and_the_run_continues(tmp_path, embedder):
    from typer.testing import CliRunner

    from rfp.cli import app

    folder = tmp_path / "inbox"
    expected = bad_files(folder)
    (folder / "good.md").write_text("# Good\n\nThis file is fine and must be ingested.\n")
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["--data-dir", str(tmp_path / "data"), "ingest", str(folder)],
        env={"RFP_MAX_FILE_MB": "1"},
    )
    output = result.output  # stdout and stderr, interleaved
    assert result.exit_code == 1, output
    lines = [" ".join(line.split()) for line in output.splitlines() if line.startswith("failed")]
    assert len(lines) == len(expected)
    for name, reason in expected.items():
        assert any(name in line and reason in line for line in lines), (name, lines)
    services = make_services(tmp_path / "data", embedder)
    assert {c["path"] for c in chunks_of(services)} == {str(folder / "good.md")}, "nothing half-written"
    services.close()


def test_tags_override_kind_and_are_validated(tmp_path, embedder):
    from core.errors import UserFacingError

    services = make_services(tmp_path / "d", embedder)
    doc = tmp_path / "notes.md"
    doc.write_text("# Notes\n\nOur win theme is speed.\n")
    services.indexer.index_file(doc, "public", tags=parse_tags(["kind=proposal", "customer=VA"]))
    (chunk,) = chunks_of(services)
    assert chunk["doc_kind"] == "proposal" and chunk["tags"] == {"kind": "proposal", "customer": "VA"}
    with pytest.raises(UserFacingError, match="kind must be one of"):
        parse_tags(["kind=memo"])
    with pytest.raises(UserFacingError, match="expected key=value"):
        parse_tags(["novalue"])
    services.close()


def test_walk_skips_text_exports_and_clutter(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "a.pdf.txt").write_text("export")
    (tmp_path / ".DS_Store").write_text("x")
    (tmp_path / "LICENSE").write_text("x")
    files, skipped = walk([tmp_path])
    assert [p.name for p, _ in files] == ["a.pdf"]
    assert [s.reason for s in skipped] == ["text export of a.pdf"]


def test_a_short_table_of_codes_is_a_code_table(tmp_path):
    from core.documents import parse
    from core.documents.classify import guess_kind

    rates = tmp_path / "northwind_rates.csv"
    rates.write_text("Labor Category,SOC Code,GSA Hourly Rate\nSoftware Developer,15-1252,128.40\n")
    assert guess_kind(parse(rates), rates.name) == "codes"  # its columns are codes
    prices = tmp_path / "clins.csv"
    prices.write_text("CLIN,Description,Price\n0001,Base period,100000\n")
    assert guess_kind(parse(prices), prices.name) == "rfp"
