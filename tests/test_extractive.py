"""Extractive answers quote sentences that answer, never headings or tables of contents."""

from __future__ import annotations

import pytest

from core.answer import Answerer
from core.answering.sanitize import heading_or_contents
from tests.conftest import ROOT, make_services

CORPUS = ROOT / "samples" / "corpus"


def test_headings_and_contents_are_told_from_sentences():
    # Outline-numbered headings and runs of outline labels.
    assert heading_or_contents("5.0 Period of Performance")
    assert heading_or_contents("4.1 Basis for Award 4.2 Evaluation Criteria 4.3 Price Evaluation")
    # A heading without a number is known by the passage's own section path.
    path = ["Request for Quotation", "Section L: Instructions to Quoters"]
    assert heading_or_contents("SECTION L - Instructions to Quoters", path)
    assert not heading_or_contents("Section L: Instructions to Quoters")
    # FAR clause numbers are not outline labels, and a sentence that ends is not a contents line.
    far = (
        "FAR 52.204-21 Basic Safeguarding of Covered Contractor Information Systems, FAR 52.212-4 "
        "Contract Terms and Conditions, and FAR 52.217-9 Option to Extend the Term of the Contract apply."
    )
    assert not heading_or_contents(far, path)
    assert not heading_or_contents("Sections 3.1, 3.2 and 3.4 apply to every task order.")


@pytest.fixture(scope="module")
def services(tmp_path_factory, embedder):
    from ingest.run import ingest_paths

    services = make_services(tmp_path_factory.mktemp("sample") / "data", embedder)
    assert not ingest_paths(services.indexer, [CORPUS], "public").failed
    yield services
    services.close()


def test_the_clause_sentence_is_quoted_first_and_no_heading_is(services):
    answerer = Answerer(services.retriever, lambda: None, services.embedder, extractive=True)
    answer = answerer.answer("Which FAR clauses are incorporated by reference?", ["public"])
    assert answer.mode == "extractive"
    first = answer.claims[0]
    assert "52.212-4" in first.quote and first.quote.endswith("apply to this order."), answer.text
    for claim in answer.claims:
        source = next(s for s in answer.sources if s.n == claim.quote_source)
        assert not heading_or_contents(claim.quote, source.hit.payload.section_path), claim.quote
        assert claim.quote not in source.hit.payload.section_path
