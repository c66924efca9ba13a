"""Retrieval on real ingested files: the right file and page per doc kind, identifiers found
exactly, versions collapsed to the latest, filters honoured."""

from __future__ import annotations

import pytest

from core.answer import version_notes
from core.answering.records import Source
from core.retrieval import Filters
from tests.conftest import make_services

FILES = [
    "rfp/gsa-tts-cloudgov-support-services-2019/RFQ.md",
    "rfp/gsa-tts-cloudgov-support-services-2019/Attachment-A-PWS.pdf",
    "rfp/gsa-tts-cloudgov-support-services-2019/Attachment-C-QASP.pdf",
    "rfp/gsa-tts-cloudgov-support-services-2019/Attachment-B-Pricing-Sheet.xlsx",
    "rfp/gsa-18f-agile-delivery-services-bpa-2015/ADS_RFQ_Final_2015-06-16.pdf",
    "rfp/gsa-18f-agile-delivery-services-bpa-2015/ADS_RFQ_Final_Modification_5_2015-06-30.pdf",
    "rfp/gsa-tts-incident-response-saas-2018/Amendment_001_SF30_with_QA.pdf",
    "rfp/usds-techfar-hub-samples/Agile_Task_Order_IGCE_Example.docx",
    "rfp/gsa-18f-agile-delivery-services-bpa-2015/vendor-response-ATS-pool1-apache2/wiki7attachmentEitems.md",
    "codes/bls_soc_2018_direct_match_titles.csv",
    "codes/bls_soc_2018_direct_match_title_file.xlsx",
    "codes/opm_fedscope_occupational_series_DTocc.csv",
    "codes/gsa_calc_hourly_prices_sample.csv",
    "far/FAR_part_42.md",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, embedder, data_root):
    services = make_services(tmp_path_factory.mktemp("retrieval"), embedder)
    for name in FILES:
        result = services.indexer.index_file(data_root / name, "public", display=name)
        assert result.status == "new", (name, result.reason)
    services.store.optimize("public")
    yield services
    services.close()


def top(corpus, question, k=5, **kw):
    return corpus.retriever.search(question, ["public"], k=k, **kw).hits


@pytest.mark.parametrize(
    ("question", "path", "page", "kind"),
    [
        (
            "How many project examples may we describe for relevant Cloud Foundry experience?",
            "rfp/gsa-tts-cloudgov-support-services-2019/RFQ.md",
            None,
            "rfp",
        ),
        (
            "Which report tells the level of effort expended and the hours remaining?",
            "rfp/gsa-tts-cloudgov-support-services-2019/Attachment-A-PWS.pdf",
            7,
            "pws",
        ),
        (
            "How does the contractor deliver code at the end of each sprint, and who merges it?",
            "rfp/gsa-tts-cloudgov-support-services-2019/Attachment-C-QASP.pdf",
            None,
            "qasp",
        ),
        (
            "What is the price per iteration in the agile IGCE example?",
            "rfp/usds-techfar-hub-samples/Agile_Task_Order_IGCE_Example.docx",
            3,
            "rfp",
        ),
        (
            "How many days may a contractor take to comment on a CPARS evaluation?",
            "far/FAR_part_42.md",
            None,
            "far",
        ),
    ],
)
def test_question_lands_on_the_right_file_and_page(corpus, question, path, page, kind):
    hits = top(corpus, question)
    matches = [h for h in hits if h.path == path]
    assert matches, [h.path for h in hits]
    assert matches[0].payload.doc_kind == kind
    if page is not None:
        assert page in [h.page for h in matches], [(h.page, h.section) for h in matches]


def test_amendment_is_found_as_amendment(corpus):
    hits = top(corpus, "What questions did vendors ask in the incident response amendment?", k=3)
    assert hits[0].payload.doc_kind == "amendment"


@pytest.mark.parametrize(
    ("query", "field", "value"),
    [
        ("What is the SOC code for a software developer?", "2018 SOC Code", "15-1252"),
        ("15-1211", "2018 SOC Code", "15-1211"),
        ("What OPM series is computer engineering?", "OCC", "0854"),
        ("OPM series 2210", "OCC", "2210"),
        (
            "What are PA Consulting's hourly rates for a Strategy Partner?",
            "Labor Category",
            "Strategy Partner",
        ),
    ],
)
def test_code_questions_surface_the_exact_row(corpus, query, field, value):
    hits = top(corpus, query, k=3)
    assert hits[0].fields[field] == value, [h.fields for h in hits]


def test_an_exact_title_ranks_its_row_first(corpus):
    """The direct-match row whose title is the question's words comes first; the other titles of
    the same occupation follow as rows of their own (not folded into one another, and the same row
    of the XLSX and the CSV shown once)."""
    hits = top(
        corpus, "Information Security Analyst", k=6, filters=Filters(doc_kinds=("codes",)), code_lookup=True
    )
    titles = [h.fields.get("2018 SOC Direct Match Title") for h in hits]
    assert titles[0] == "Information Security Analyst", titles
    assert hits[0].fields["2018 SOC Code"] == "15-1212"
    assert "Network Security Analyst" in titles, titles
    assert len(set(titles)) == len(titles), titles


@pytest.mark.parametrize(
    ("question", "vendor", "price"),
    [
        ("What is Gartner's hourly rate for a Senior Director?", "Gartner, Inc.", "538.00"),
        ("Senior Director hourly rate at Towers Watson Delaware", "Towers Watson Delaware, Inc.", "563.79"),
    ],
)
def test_a_vendor_and_a_labor_category_find_their_row(corpus, question, vendor, price):
    """Two CALC rows sell a Senior Director; the one of the vendor named comes first."""
    hits = top(corpus, question, k=3)
    first = hits[0].fields
    assert (first["Labor Category"], first["COMPANY NAME"], first["Year 1/base"]) == (
        "Senior Director",
        vendor,
        price,
    ), [h.fields for h in hits]


def test_a_clause_number_finds_the_clause(corpus):
    hits = top(corpus, "42.1503", k=3)
    assert hits[0].section.startswith("42.1503")


def test_versions_collapse_to_the_latest(corpus):
    hits = top(corpus, "What must the README in the prototype repository describe, and how many words?", k=10)
    ads = [h for h in hits if "ADS_RFQ_Final" in h.path]
    assert ads, [h.path for h in hits]
    first = ads[0]
    assert "Modification_5" in first.path, "the modification is the latest version"
    assert any(any("2015-06-16" in p for p in h.other_versions) for h in ads if "Modification_5" in h.path), (
        "passages both versions share are shown once, from the latest, naming the older one"
    )
    assert not any("2015-06-16" in h.path for h in ads if not h.superseded), "no copies of the old version"


def test_a_revised_passage_says_what_the_earlier_version_had(corpus):
    """Modification 5 of the ADS RFQ (a conformed copy) added a sentence to one passage and replaced
    one in another. Found on its own, the latest passage says what changed, sentence by sentence
    against the whole earlier file, so chunks that begin or end elsewhere are no change."""
    hits = top(
        corpus, "How long must the proposed offer, including the prototypes, be preserved after award?"
    )
    latest = next(h for h in hits if "Modification_5" in h.path)
    ((path, change),) = latest.older.items()
    assert "2015-06-16" in path and not change.removed, change
    assert any("30 calendar days" in s for s in change.added), change
    notes = version_notes([Source(1, latest, latest.text)])
    assert notes == [f"[1] is from the latest version ({latest.path}); {path} differs: this one has 30."]

    hits = top(
        corpus, "Which subcontracting reports must a Pool Three quoter other than a small business provide?"
    )
    latest = next(h for h in hits if "Modification_5" in h.path and "Compliance" in h.text)
    change = latest.older[path]
    assert any("SF294" in s for s in change.removed) and any("no longer required" in s for s in change.added)
    assert version_notes([Source(1, latest, latest.text)])[0].endswith("differs: this one has 294, 295.")


def test_filters_by_kind_solicitation_and_tag(corpus, tmp_path):
    hits = top(corpus, "monthly reports", k=10, filters=Filters(doc_kinds=("far",)))
    assert hits and all(h.payload.doc_kind == "far" for h in hits)
    hits = top(corpus, "relevant experience", k=10, filters=Filters(solicitation="RFQ1349024"))
    assert hits and all(h.payload.solicitation == "RFQ1349024" for h in hits)


def test_expired_content_is_excluded(tmp_path, embedder):
    services = make_services(tmp_path / "d", embedder)
    old = tmp_path / "old.md"
    old.write_text("# Old rates\n\nOur 2019 blended rate for cloud engineers was 150 dollars.\n")
    new = tmp_path / "new.md"
    new.write_text("# Rates\n\nOur current blended rate for cloud engineers is 170 dollars.\n")
    services.indexer.index_file(old, "public", tags={"status": "expired"})
    services.indexer.index_file(new, "public")
    hits = services.retriever.search("blended rate for cloud engineers", ["public"], k=5).hits
    assert [h.path for h in hits] == [str(new)]
    included = services.retriever.search(
        "blended rate for cloud engineers", ["public"], k=5, filters=Filters(include_expired=True)
    ).hits
    assert {h.path for h in included} == {str(old), str(new)}
    services.close()


def test_search_cli_json_schema(corpus, tmp_path):
    """`rfp search --json` gives path, page, section, text and score for each hit."""
    import json

    from typer.testing import CliRunner

    from rfp.cli import app

    corpus.close()  # the embedded store allows one process-level owner at a time
    data_dir = corpus.settings.data_dir
    result = CliRunner().invoke(
        app, ["--data-dir", str(data_dir), "search", "help desk", "--k", "3", "--json"]
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)["hits"]
    assert len(hits) == 3
    assert set(hits[0]) >= {"path", "page", "section", "text", "score"}
