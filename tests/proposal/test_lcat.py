"""Labor categories found in real solicitations, mapped to SOC codes, OPM series and GSA CALC rates from
the real code tables ingested into a collection (real embeddings, real Qdrant)."""

from __future__ import annotations

import json
import time

import pytest

from core.documents import parse
from proposal.lcat import find_labor_categories
from proposal.lcat_codes import LcatMapper
from tests.conftest import make_services

VA = "rfp/va-appeals-caseflow-task-order-2016/VA11816F10050003RTEP.pdf"
ADS = "rfp/gsa-18f-agile-delivery-services-bpa-2015/ADS_RFQ_Final_2015-06-16.pdf"
CODE_TABLES = [
    "codes/bls_soc_2018_direct_match_titles.csv",
    "codes/bls_soc_2018_definitions.csv",
    "codes/opm_fedscope_occupational_series_DTocc.csv",
    "codes/gsa_calc_it_schedule70_labor_rates_2017.csv",
]
# What an analyst would accept for each VA team role (2018 SOC).
PLAUSIBLE = {
    "Product Manager": {"11-3021", "11-2021", "13-1082", "15-1299", "11-9199", "13-1111"},
    "Front-End Engineer": {"15-1254", "15-1252", "15-1255"},
    "Back-End Engineer": {"15-1252", "15-1254", "15-1251", "15-1299"},
    "Infrastructure Engineer": {"15-1241", "15-1244", "15-1299", "15-1252", "15-1231"},
    "Interaction Designer": {"15-1255", "27-1024", "27-1021"},
    "Testing/Quality Assurance (QA) Software Tester": {"15-1253"},
}


@pytest.fixture(scope="module")
def codes(tmp_path_factory, embedder, data_root):
    services = make_services(tmp_path_factory.mktemp("codes"), embedder)
    started = time.perf_counter()
    for name in CODE_TABLES:
        result = services.indexer.index_file(data_root / name, "codes", display=name)
        assert result.status == "new" and result.doc_kind == "codes", (name, result.reason)
    services.store.optimize("codes")
    print(f"\ningested {len(CODE_TABLES)} code tables in {time.perf_counter() - started:.0f}s")
    yield services
    services.close()


def test_va_task_order_labor_categories_are_found_on_their_page(data_root):
    categories = find_labor_categories(parse(data_root / VA), "VA.pdf")
    assert [c.title for c in categories] == list(PLAUSIBLE)
    assert all(c.page in (27, 28) for c in categories), [(c.title, c.page) for c in categories]
    assert "TECHNICAL TEAM RESPONSIBILITIES" in categories[0].section
    assert "product manager support" in categories[0].context, "what the role does comes along"


def test_numbered_categories_of_the_ads_rfq(data_root):
    titles = {c.title for c in find_labor_categories(parse(data_root / ADS))}
    assert {
        "Product Manager",
        "Technical Architect",
        "DevOps Engineer",
        "Agile Coach",
        "Business Analyst",
        "Digital Performance Analyst",
        "Interaction Designer/User Researcher/Usability Tester",
    } <= titles
    assert not any(t.lower().startswith("category") for t in titles)


def test_va_categories_map_to_plausible_soc_codes_or_are_flagged(codes, data_root):
    categories = find_labor_categories(parse(data_root / VA), "VA.pdf")
    mapper = LcatMapper(codes.retriever, codes.store, codes.embedder)
    started = time.perf_counter()
    mappings = {m.category.title: m for m in mapper.map(categories, ["codes"])}
    print(f"mapped {len(mappings)} categories in {time.perf_counter() - started:.1f}s")
    for title, m in mappings.items():
        print(
            f"  {title}: SOC {m.soc.label() if m.soc else None}; OPM {m.opm.label() if m.opm else None}; "
            f"rates {m.rates.label() if m.rates else None}; flags {m.flags}"
        )
    plausible = [t for t, m in mappings.items() if m.soc and m.soc.code in PLAUSIBLE[t]]
    for title, m in mappings.items():
        assert m.soc is not None and m.opm is not None
        assert title in plausible or any("SOC" in f for f in m.flags), (title, m.soc.label(), m.flags)
    assert len(plausible) >= len(mappings) / 2, plausible
    tester = mappings["Testing/Quality Assurance (QA) Software Tester"]
    assert tester.soc.code == "15-1253" and not any("SOC" in f for f in tester.flags)
    assert tester.rates is not None and tester.rates.n >= 5 and "Software Tester" in tester.rates.titles
    assert tester.rates.low <= tester.rates.median <= tester.rates.high
    json.dumps([m.to_json() for m in mappings.values()])  # what `rfp lcat --json` prints


def test_rates_are_min_median_max_of_every_calc_row_with_the_title(codes, data_root):
    import csv
    import statistics

    from proposal.lcat import LaborCategory
    from proposal.rates import price

    mapper = LcatMapper(codes.retriever, codes.store, codes.embedder)
    (m,) = mapper.map([LaborCategory("Business Analyst", "test", None, "", "")], ["codes"])
    with (data_root / "codes/gsa_calc_it_schedule70_labor_rates_2017.csv").open(
        encoding="utf-8", errors="replace"
    ) as f:
        titles = {
            "business analyst",
            "senior business analyst",
            "junior business analyst",
            "business analyst i",
            "business analyst ii",
            "business analyst iii",
        }
        expected = [
            price(r["PRICE OFFERED TO GSA (including IFF)"])
            for r in csv.DictReader(f)
            if r["SERVICE PROPOSED (e.g. Job Title/Task)"].strip().lower() in titles
            and r["UNIT OF ISSUE (e.g. Hour, Task, Sq ft)"].strip().lower().startswith("hour")
        ]
    expected = [p for p in expected if p]
    assert m.rates is not None and m.rates.n >= len(expected) > 5
    assert m.rates.low <= min(expected) and m.rates.high >= max(expected)
    assert abs(m.rates.median - statistics.median(expected)) / statistics.median(expected) < 0.15
    assert m.soc is not None and m.soc.code == "13-1111" and m.soc.exact, (
        "BLS lists 'Business Analyst' itself"
    )


def test_lcat_cli_without_code_tables_says_what_to_ingest(data_root, tmp_path):
    from typer.testing import CliRunner

    from rfp.cli import app

    result = CliRunner().invoke(
        app, ["--data-dir", str(tmp_path / "empty"), "lcat", "--rfp", str(data_root / VA), "-c", "codes"]
    )
    assert result.exit_code != 0
    assert "ingest the code tables first" in str(result.exception or result.output)
