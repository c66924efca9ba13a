"""Drafting a proposal section from the matrix: the requirements the matrix maps to the section,
answered from a real past proposal (the ATS vendor response to the same RFQ) with citations that
resolve to the sources appendix of the DOCX, and the unsupported ones listed as gaps."""

from __future__ import annotations

import re
import time

import pytest

from proposal.draft import draft_from_matrix, question, requirements_for, write_docx
from proposal.shred import shred_files
from tests.conftest import make_services

ADS = "rfp/gsa-18f-agile-delivery-services-bpa-2015/ADS_RFQ_Final_2015-06-16.pdf"
PROPOSAL = "rfp/gsa-18f-agile-delivery-services-bpa-2015/vendor-response-ATS-pool1-apache2"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, embedder, data_root):
    """The RFQ itself (an rfp) and the vendor's response (a proposal) in one collection."""
    services = make_services(tmp_path_factory.mktemp("draft"), embedder, extractive=True)
    result = services.indexer.index_file(data_root / ADS, "public", display="ADS_RFQ_Final_2015-06-16.pdf")
    assert result.status == "new"
    for path in sorted((data_root / PROPOSAL).glob("*.md")):
        result = services.indexer.index_file(
            path, "public", display=f"vendor-response/{path.name}", tags={"kind": "proposal"}
        )
        assert result.status == "new", result.reason
    yield services
    services.close()


@pytest.fixture(scope="module")
def matrix(data_root):
    return shred_files([data_root / ADS])


def test_the_section_gets_the_requirements_about_it(corpus, matrix):
    chosen = requirements_for("Technical Approach", matrix, corpus.embedder)
    texts = [r.text for r in chosen]
    assert any("As part of the technical approach submission" in t for t in texts), texts
    assert any(t.startswith("B. Publish a repository") for t in texts), "a lead-in brings its list items"
    assert all(r.type != "clause" for r in chosen)


def test_rows_the_team_assigned_to_the_section_win(corpus, matrix):
    import copy

    edited = copy.deepcopy(matrix)
    picked = [r for r in edited.rows if "usability tests" in r.text or "design style guide" in r.text]
    for r in picked:
        r.response_location = "Design Approach"
    assert requirements_for("design approach", edited, corpus.embedder) == picked


def test_draft_docx_cites_only_sources_it_lists_and_lists_gaps(corpus, matrix, tmp_path):
    import docx

    chosen = [
        r
        for r in matrix.live_rows
        if any(
            s in r.text
            for s in (
                "assigned one leader and gave that person authority",
                "performed usability tests with people",
                "created or used a design style guide",
                "The contractor may be required to obtain, or already possess, varying levels of security clearances",
            )
        )
    ]
    assert len(chosen) == 4
    started = time.perf_counter()
    section = draft_from_matrix(corpus.answerer, "Design Approach", matrix, ["public"], chosen)
    seconds = time.perf_counter() - started
    path = write_docx(section, tmp_path / "draft.docx")
    print(
        f"\ndrafted {len(chosen)} requirements in {seconds:.1f}s: {len(section.draft.paragraphs)} paragraphs, "
        f"{len(section.draft.sources)} sources, gaps {[r.id for r in section.gaps]}"
    )

    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Design Approach"
    sources_at = paragraphs.index("Sources")
    body, appendix = paragraphs[:sources_at], paragraphs[sources_at + 1 :]
    listed = {int(m.group(1)) for p in appendix if (m := re.match(r"\[(\d+)\] ", p))}
    cited = {int(n) for p in body for n in re.findall(r"\[(\d+)\]", p)}
    assert cited, "the draft cites its sources"
    assert cited == listed, (cited, listed)
    for s in section.draft.sources:
        assert s.path.startswith("vendor-response/"), "drafted from the past proposal, not the RFQ"
    assert len(section.draft.paragraphs) >= 2
    for paragraph in section.draft.paragraphs:  # each paragraph follows its requirement's id and page
        req = section.requirement(paragraph.requirement)
        assert req is not None and any(p.startswith(f"{req.id} (") for p in body)

    gap_ids = {r.id for r in section.gaps}
    clearance = next(r for r in chosen if "security clearances" in r.text)
    assert clearance.id in gap_ids, "nothing in the proposal supports it: a gap, not an invention"
    gaps_at = paragraphs.index("Gaps: requirements the documents do not support")
    assert any(p.startswith(clearance.id) for p in paragraphs[gaps_at:sources_at])
    assert len(section.draft.paragraphs) + len(section.draft.gaps) == len(chosen)
    assert all(
        question(r) in [p.requirement for p in section.draft.paragraphs] + section.draft.gaps for r in chosen
    )
