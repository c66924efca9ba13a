"""Exact lookups in tables, the pure parts: a question's runs of words as title keys, and how much
of the question a row's columns name (the row with the exact title before its plural, the row
holding both a vendor and a labor category before rows holding one). The same lookups on real
ingested code tables are in tests/test_retrieval.py."""

from __future__ import annotations

from core.identifiers import field_cover, normalize_title, query_title_keys, title_key, title_spans


def test_names_are_keyed_without_legal_form_or_possessive():
    assert normalize_title("Gartner, Inc.") == normalize_title("Gartner's") == "gartner"
    assert title_key("ACCURATE CONCEPTIONS, L.L.C.") == title_key("Accurate Conceptions")
    assert title_key("'APPS' CONSULTANTS INC., THE") == title_key("Apps Consultants")
    assert title_key("Software Developers") == title_key("software developer")
    assert title_key("0854-COMPUTER ENGINEERING") == "title:comput engin"
    assert normalize_title("Inc") == "inc", "a name is never emptied"


def test_question_spans_keep_positions_and_skip_lone_stopwords():
    spans = title_spans("What is PA Consulting Group's hourly rate for a Strategy Partner?")
    keys = {s.key for s in spans}
    assert {"title:pa consult group", "title:strategi partner"} <= keys
    assert "title:what" not in keys and "title:both" not in query_title_keys("rates for both vendors")
    partner = next(s for s in spans if s.key == "title:strategi partner")
    assert partner.words == ("strategy", "partner")
    assert len(max(spans, key=lambda s: len(s.words)).words) == 10, "titles of up to 10 words"


def test_the_exact_title_covers_more_than_its_plural():
    spans = title_spans("Information Security Analyst")
    exact = {
        "2018 SOC Code": "15-1212",
        "2018 SOC Title": "Information Security Analysts",
        "2018 SOC Direct Match Title": "Information Security Analyst",
    }
    sibling = dict(exact, **{"2018 SOC Direct Match Title": "Network Security Analyst"})
    assert field_cover(exact, spans) == 3.0
    assert field_cover(sibling, spans) < field_cover(exact, spans)
    assert field_cover(sibling, spans) > 0, "the occupation's own title still names it"


def test_a_row_holding_both_named_fields_covers_both():
    spans = title_spans("What is Gartner's hourly rate for a Senior Director?")
    gartner = {"Labor Category": "Senior Director", "COMPANY NAME": "Gartner, Inc.", "Education": "Masters"}
    towers = dict(gartner, **{"COMPANY NAME": "Towers Watson Delaware, Inc."})
    assert field_cover(gartner, spans) == 3.0
    assert field_cover(towers, spans) == 2.0


def test_overlapping_spans_count_once():
    spans = title_spans("senior director")
    row = {"a": "Senior Director", "b": "Director", "c": "Senior"}
    assert field_cover(row, spans) == 2.0


CATEGORIES = [
    "Business Analyst",
    "Data Scientist",
    "Database Administrator",
    "Help Desk Specialist",
    "Network Engineer",
    "Quality Assurance Tester",
    "Security Engineer",
    "Software Developer",
    "Systems Administrator",
    "Technical Writer",
    "Trainer",
    "Cloud Architect",
]


def test_the_row_holding_both_names_comes_first(tmp_path, embedder):
    """Sixty vendors sell a Project Manager and one of them sells twelve other categories too: the
    row of that vendor and that category is gathered by its title keys and ranked first."""
    from core.retrieval import Filters
    from tests.conftest import make_services

    lines = ["Labor Category,Year 1/base,Education,COMPANY NAME"]
    lines += [f'Project Manager,{100 + n}.00,Bachelors,"Meridian Vendor {n} Group, Inc."' for n in range(60)]
    lines += [f'{c},{150 + i}.00,Masters,"Halcyon Federal Partners, LLC"' for i, c in enumerate(CATEGORIES)]
    lines.append('Project Manager,212.50,Masters,"Halcyon Federal Partners, LLC"')
    table = tmp_path / "labor_rates_calc.csv"
    table.write_text("\n".join(lines) + "\n")
    services = make_services(tmp_path / "data", embedder)
    try:
        result = services.indexer.index_file(table, "codes")
        assert result.status == "new" and result.doc_kind == "codes", result.reason
        retriever = services.retriever
        question = "What is Halcyon Federal Partners' hourly rate for a Project Manager?"
        q = retriever.prepare(question, Filters(doc_kinds=("codes",)), code_lookup=True)
        titles = retriever.gather_titles(q, "codes")
        both = [h for h in titles if h.chunk.fields and h.chunk.fields.get("Year 1/base") == "212.50"]
        assert both, "the row holding both names is gathered by its title keys"
        hits = retriever.search(question, ["codes"], k=3, filters=Filters(doc_kinds=("codes",))).hits
        assert hits[0].fields["Year 1/base"] == "212.50", [h.fields for h in hits]
    finally:
        services.close()
