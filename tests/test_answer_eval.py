"""The answer benchmark: key facts and their agreement, citation support, declines, the split, and
`rfp eval answers` run end to end through the real entry point on the sample corpus."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.answer_eval.agreement import agreement, key_facts
from core.answer_eval.citations import check_citations
from core.answer_eval.facts import extract
from core.answer_eval.questions import BenchQuestion, load_questions
from core.answer_eval.report import score_answer, summarize
from core.answer_eval.split import in_split, make_split
from core.errors import UserFacingError

ROOT = Path(__file__).resolve().parents[1]


def values(text: str, kind: str) -> set[str]:
    return {f.value for f in extract(text) if f.kind == kind}


# --- facts and agreement --------------------------------------------------------------------------


def test_one_date_written_three_ways_is_one_fact():
    assert (
        values("due March 23, 2026", "date")
        == values("due 3/23/2026", "date")
        == values("2026-03-23", "date")
    )
    assert values("due 23 March 2026", "date") == {"2026-03-23"}
    assert values("due March 16, 2026", "date") == {"2026-03-16"}


def test_dates_in_two_formats_agree():
    a = agreement("Quotes are due March 23, 2026.", "Quotes are due by 3/23/2026 [1].")
    assert a.score == 1.0 and not a.disagrees


def test_a_date_without_its_year_states_it_but_a_month_alone_does_not():
    assert agreement("March 23, 2026.", "They are due March 23 [1].").score == 1.0
    a = agreement("March 23, 2026.", "They are due in March 2026 [1].")
    assert a.score == 0.0 and a.disagrees


def test_a_wrong_date_disagrees_and_names_both():
    a = agreement("Quotes are due March 23, 2026.", "Quotes are due March 16, 2026 [1].")
    assert a.score == 0.0 and a.disagrees
    assert "March 16, 2026" in a.conflicts[0] and "March 23, 2026" in a.conflicts[0]


def test_a_wrong_number_disagrees_and_the_right_one_agrees():
    assert agreement("Up to 35 annual licenses.", "Up to 25 annual licenses [2].").disagrees
    right = agreement("Up to 35 annual licenses.", "The vendor provides 35 licenses [2].")
    assert right.score == 1.0 and not right.disagrees


def test_a_number_about_something_else_does_not_disagree():
    other = agreement(
        "Two monthly reports.",
        "It handles 30 customer email requests a month [1].",
        "What reports are due each month?",
    )
    assert other.score == 0.0 and not other.disagrees
    assert agreement("~50", "It hosts 64 tenants [1].", "How many tenants are hosted?").disagrees


def test_statutes_fractions_and_csv_fields_read_as_they_are_meant():
    assert values("billed in accordance with 31 U.S.C. 3324", "number") == set()
    assert values("each invoice is 1/12 of the annual price", "number") == {"1/12"}
    assert "854" in values("08,08xx-ENGINEERING,0854,0854-COMPUTER ENGINEERING", "number")


def test_money_and_times_compare_by_value():
    assert agreement("Approximately $750K.", "About $750,000 a year [1].").score == 1.0
    assert agreement("$1,500.00 per iteration.", "$1500 each [1].").score == 1.0
    assert agreement("Due at 2:00 PM.", "Due at 14:00 [1].").score == 1.0
    assert agreement("Due at 2:00 PM.", "Due at 4:00 PM [1].").disagrees


def test_yes_against_no_disagrees_and_yes_against_yes_agrees():
    assert agreement("Yes.", "No, key personnel must be on site [1].").disagrees
    assert agreement("No, the RFQ does not allow it.", "No. It is not allowed [1].").score == 1.0
    assert not agreement("Yes.", "Key personnel may work remotely [1].").disagrees  # no stated polarity


def test_no_later_than_is_not_a_no():
    assert "polarity" not in {f.kind for f in extract("No later than March 5, 2026.")}


def test_what_the_question_already_says_is_not_a_key_fact():
    facts = key_facts("Yes, the limit is 10 pages.", "Is the technical volume limited to 10 pages?")
    assert [(f.kind, f.value) for f in facts] == [("polarity", "yes")]


def test_a_pointer_to_another_answer_has_no_key_facts():
    assert key_facts("See answer to question #27.") == []
    assert agreement("See Amendment 0001 of the RFQ.", "It is 27 days [1].").score is None


def test_names_and_acronyms_are_found_whatever_their_case():
    a = agreement(
        "The incumbent is Blue Beacon Consulting under GSA TTS.",
        "blue beacon consulting holds it for TTS [1].",
    )
    assert {f.value for f in a.found} >= {"blue beacon consulting", "tts"}
    assert agreement("Blue Beacon Consulting.", "Red Lantern Partners [1].").score == 0.0


def test_a_clause_keeps_its_number_whole():
    assert values("under FAR 52.212-4(c) and 15.208(b)(1)", "code") == {"52.212-4", "15.208"}
    assert values("under FAR 52.212-4(c) and 15.208(b)(1)", "number") == set()


# --- citation support -----------------------------------------------------------------------------

SOURCES = [
    {
        "n": 1,
        "path": "rfq.md",
        "page": None,
        "section": "L.1",
        "text": "Quotes are due no later than 2:00 PM Eastern Time on March 23, 2026, by email.",
        "excerpt": "Quotes are due no later than 2:00 PM Eastern Time on March 23, 2026, by email.",
    },
    {
        "n": 2,
        "path": "pws.md",
        "page": 3,
        "section": "C.3",
        "text": "The Contractor shall maintain 99.9 percent monthly availability.",
        "excerpt": "The Contractor shall maintain 99.9 percent monthly availability.",
    },
]


def answer(*claims: dict, text: str | None = None, declined: bool = False) -> dict:
    body = " ".join(c["text"] for c in claims) if text is None else text
    return {
        "answer": body,
        "mode": "declined" if declined else "generated",
        "declined": declined,
        "claims": list(claims),
        "sources": SOURCES,
        "model": "test",
    }


def claim(text: str, cited: list[int], quote: str | None, source: int | None) -> dict:
    return {"text": text, "citations": cited, "supported": True, "quote": quote, "quote_source": source}


def test_a_quote_that_holds_the_claims_date_supports_it():
    c = claim("Quotes are due March 23, 2026 [1].", [1], SOURCES[0]["text"], 1)
    check = check_citations(answer(c))
    assert check.score == 1.0 and check.invented == []


def test_a_quote_without_the_claims_date_does_not_support_it():
    c = claim("Quotes are due March 16, 2026 [1].", [1], SOURCES[0]["text"], 1)
    check = check_citations(answer(c))
    assert check.score == 0.0
    assert "March 16, 2026" in (check.claims[0].reason or "")


def test_a_quote_that_shares_its_number_but_not_its_words_does_not_support_it():
    c = claim("The source number for the 99.9 operations is [2].", [2], SOURCES[1]["text"], 2)
    check = check_citations(answer(c))
    assert check.score == 0.0 and "of its words" in (check.claims[0].reason or "")


def test_an_invented_source_number_fails_even_with_a_good_quote():
    c = claim("Availability is 99.9 percent [2][7].", [2, 7], SOURCES[1]["text"], 2)
    check = check_citations(answer(c, text="Availability is 99.9 percent [2][7]."), raw="It is 99.9 [7] [9].")
    assert check.score == 0.0 and "[7]" in (check.claims[0].reason or "")
    assert check.invented == [7] and check.raw_invented == [7, 9]


def test_a_quote_that_is_not_in_its_source_or_from_an_uncited_source_fails():
    made_up = claim("Availability is 99.9 percent [2].", [2], "Availability is 99.9 percent.", 2)
    other = claim("Availability is 99.9 percent [1].", [1], SOURCES[1]["text"], 2)
    uncited = claim("Availability is 99.9 percent.", [], None, None)
    check = check_citations(answer(made_up, other, uncited))
    assert [c.supported for c in check.claims] == [False, False, False]
    assert "not in source [2]" in (check.claims[0].reason or "")
    assert "does not cite" in (check.claims[1].reason or "")
    assert check.claims[2].reason == "cites no source"


# --- scoring one answer: declines, wrong but confident, leaks ---------------------------------------


def question(**kw) -> BenchQuestion:
    base = {"set": "s.jsonl", "id": "q1", "question": "When are quotes due?", "reference": "March 23, 2026."}
    base.update(kw)
    return BenchQuestion(**base)


def test_declining_an_unanswerable_question_is_correct_and_declining_an_answerable_one_is_not():
    unanswerable = question(reference="", kind="none", expect_decline=True)
    declined = score_answer(
        unanswerable, "extractive", answer(text="The documents don't cover this.", declined=True), "", 0.5
    )
    assert declined.decline_correct and declined.support is None and not declined.wrong_confident
    answered = score_answer(
        unanswerable,
        "extractive",
        answer(claim("It is March 23, 2026 [1].", [1], SOURCES[0]["text"], 1)),
        "",
        0.5,
    )
    assert not answered.decline_correct
    wrongly = score_answer(question(), "extractive", answer(text="not covered", declined=True), "", 0.5)
    figures = summarize([declined, wrongly])
    assert figures["unanswerable_declined"] == 1.0 and figures["wrongly_declined"] == 1.0
    assert figures["decline_accuracy"] == 0.5


def test_a_confident_wrong_date_counts_as_wrong_but_confident():
    wrong = score_answer(
        question(),
        "generated",
        answer(claim("Quotes are due March 16, 2026 [1].", [1], SOURCES[0]["text"], 1)),
        "",
        2.0,
    )
    right = score_answer(
        question(id="q2"),
        "generated",
        answer(claim("Quotes are due March 23, 2026 [1].", [1], SOURCES[0]["text"], 1)),
        "",
        1.0,
    )
    assert wrong.wrong_confident and not right.wrong_confident
    figures = summarize([wrong, right])
    assert figures["wrong_confident"] == 1 and figures["wrong_confident_share"] == 0.5
    assert figures["key_fact_agreement"] == 0.5 and figures["citation_support"] == 0.5
    assert figures["seconds_total"] == 3.0


def test_citing_the_document_the_reference_came_from_is_a_leak():
    q = question(source_file="qa/source_pdfs/pws.md", context_files=["rfp/x/rfq.md"])
    r = score_answer(
        q, "extractive", answer(claim("It is 99.9 percent [2].", [2], SOURCES[1]["text"], 2)), "", 1.0
    )
    assert r.leak and r.context_hit
    clean = score_answer(
        q, "extractive", answer(claim("Due March 23, 2026 [1].", [1], SOURCES[0]["text"], 1)), "", 1.0
    )
    assert not clean.leak


# --- question files and the split ------------------------------------------------------------------


def test_a_bad_question_line_is_named(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text('{"id": "a", "question": "When?", "answer": "Now."}\n{"id": "b"}\n')
    with pytest.raises(UserFacingError, match=r"q.jsonl:2"):
        load_questions(f)


def test_kind_none_or_no_answer_with_the_flag_must_be_declined(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text(
        '{"id": "a", "question": "Who won?", "kind": "none"}\n{"id": "b", "question": "When?"}\n'
        '{"id": "c", "question": "Where?", "answer": "Here."}\n'
    )
    assert [q.expect_decline for q in load_questions(f)] == [True, False, False]
    assert [q.expect_decline for q in load_questions(f, unanswered_is_none=True)] == [True, True, False]


def test_the_split_halves_each_group_the_same_way_every_time():
    rows = [(f"a-{i}", "A") for i in range(9)] + [(f"b-{i}", "B") for i in range(4)]
    split = make_split(rows)
    assert split == make_split(list(reversed(rows)))
    assert len([i for i in split["held_back"] if i.startswith("a-")]) == 4
    assert len([i for i in split["held_back"] if i.startswith("b-")]) == 2
    assert set(split["train"]) | set(split["held_back"]) == {r[0] for r in rows}
    assert not set(split["train"]) & set(split["held_back"])


def test_the_committed_vendor_split_is_the_rule_applied_to_the_vendor_questions(data_root):
    committed = json.loads((ROOT / "eval" / "vendor_split.json").read_text())
    rows = [
        json.loads(line)
        for line in (data_root / "qa/gsa-tts-rfq-vendor-qa/gsa_tts_rfq_vendor_qa.jsonl")
        .read_text()
        .splitlines()
        if line
    ]
    again = make_split([(r["id"], r["rfq_number"]) for r in rows])  # ids and groups only
    assert committed["train"] == again["train"] and committed["held_back"] == again["held_back"]
    assert (len(again["train"]), len(again["held_back"])) == (70, 68)
    split = {k: set(v) for k, v in again.items()}
    assert in_split(again["held_back"][0], split, "held_back") and not in_split(
        again["train"][0], split, "held_back"
    )
    assert in_split("dev001", split, "held_back")  # another set's questions are kept


# --- the command, end to end -----------------------------------------------------------------------


def rfp(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rfp", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)},
    )


QUESTIONS = [
    {
        "id": "pages",
        "question": "How many pages may the Volume I Technical Approach have?",
        "answer": "It is limited to 15 pages.",
    },
    {
        "id": "availability",
        "question": "What monthly availability must the contractor maintain?",
        "answer": "99.9 percent.",
    },
    {
        "id": "due",
        "question": "When are quotes for RFQ 2026-0042 due?",
        "answer": "March 23, 2026, at 2:00 PM ET.",
        "source_file": "rfq-2026-0042/RFQ_2026-0042_Amendment_0001.txt",
    },
    {
        "id": "cmmc",
        "question": "What CMMC level does the Department of Example Services require?",
        "kind": "none",
    },
    {"id": "training", "question": "Who is the Program Manager?", "answer": "Not used: a train question."},
]


def test_rfp_eval_answers_scores_extractive_answers_on_the_sample_corpus(tmp_path):
    data = tmp_path / "data"
    ingest = rfp("--data-dir", str(data), "ingest", str(ROOT / "samples" / "corpus"), cwd=tmp_path)
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    qfile = tmp_path / "mine.jsonl"
    qfile.write_text("".join(json.dumps(q) + "\n" for q in QUESTIONS))
    split = tmp_path / "split.json"
    split.write_text(
        json.dumps({"train": ["training"], "held_back": ["pages", "availability", "due", "cmmc"]})
    )
    details = tmp_path / "details.jsonl"
    run = rfp(
        "--data-dir",
        str(data),
        "eval",
        "answers",
        str(qfile),
        "--no-generated",
        "--baseline",
        "extractive",
        "--split",
        "held_back",
        "--split-file",
        str(split),
        "--json",
        "--details",
        str(details),
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    out = json.loads(run.stdout)
    figures = out["by_set"]["mine.jsonl"]["extractive"]
    assert (figures["n"], figures["answerable"], figures["unanswerable"]) == (
        4,
        3,
        1,
    )  # the train one left out
    assert figures["unanswerable_declined"] == 1.0 and figures["wrongly_declined"] == 0.0
    assert figures["citation_support"] == 1.0 and figures["invented_citations"] == 0
    assert figures["leaks"] == 1  # the due-date answer quotes the amendment, named as the reference's source

    lines = {d["id"]: d for d in map(json.loads, details.read_text().splitlines())}
    assert set(lines) == {"pages", "availability", "due", "cmmc"}
    assert lines["cmmc"]["mode"] == "declined" and lines["cmmc"]["decline_correct"]
    assert lines["pages"]["agreement"]["score"] == 1.0  # "15" is in the quoted sentence
    assert any("Amendment_0001" in c["path"] for c in lines["due"]["citations"])
    assert lines["due"]["seconds"] > 0

    again = rfp("eval", "answers", "--rescore", str(details), "--json", cwd=tmp_path)  # no data folder needed
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["by_set"] == out["by_set"]

    table = rfp(
        "--data-dir",
        str(data),
        "eval",
        "answers",
        str(qfile),
        "--no-generated",
        "--baseline",
        "extractive",
        "--limit",
        "2",
        cwd=tmp_path,
    )
    assert table.returncode == 0, table.stderr
    assert "key-fact agreement" in table.stdout and "citation support" in table.stdout
