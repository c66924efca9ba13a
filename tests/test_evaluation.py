"""Retrieval scoring (`core/evaluation.py`) as shared/eval/README.md defines it: files compared from
the end, evidence found across separators and typography, recall@k and MRR@10 per kind, `none`
questions left out of the overall and counted as declined or not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import UserFacingError
from core.evaluation import Question, correct, load_questions, normalize, same_file, score

DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "dev_qa.jsonl"


def question(
    id_: str, kind: str = "rfp", files=("rfp/a/RFQ.md",), evidence=("quotes are due by noon",)
) -> Question:
    return Question(id_, f"question {id_}", kind, list(files), list(evidence))


def test_files_are_compared_component_by_component_from_the_end():
    assert same_file("/data/shared/rfp/a/RFQ.md", "rfp/a/RFQ.md")
    assert same_file("RFQ.md", "rfp/a/RFQ.md") and same_file("rfp\\a\\RFQ.md", "rfp/a/RFQ.md")
    assert same_file("rfp/a/PWS.pdf.txt", "rfp/a/PWS.pdf") and same_file("rfp/a/X.DOCX.txt", "rfp/a/X.DOCX")
    assert not same_file("rfp/b/RFQ.md", "rfp/a/RFQ.md")
    assert not same_file("rfp/a/notes.txt", "rfp/a/notes") and not same_file("", "rfp/a/RFQ.md")


def test_evidence_matches_across_separators_and_typography():
    assert normalize("Offeror’s “Technical” Volume — 15\u200b pages") == normalize(
        'offeror\'s "technical" volume - 15 pages'
    )
    assert normalize("Labor | Rate\n| Hours") == normalize("labor rate hours")
    assert normalize("ﬁve") == "five"  # NFKC: a ligature is its letters
    assert normalize("1,000") != normalize("1000"), "commas are kept"


def test_a_hit_is_correct_only_in_an_expected_file_holding_the_evidence():
    q = question("q1", evidence=("Quotes are due by noon", "late quotes are refused"))
    assert correct({"path": "/x/rfp/a/RFQ.md", "text": "…all QUOTES are due\nby noon on Friday"}, q)
    assert correct({"file": "rfp/a/RFQ.md", "text": "Late quotes | are refused."}, q)
    assert not correct({"path": "rfp/b/RFQ.md", "text": "Quotes are due by noon"}, q), "another RFQ"
    assert not correct({"path": "rfp/a/RFQ.md", "text": "Quotes are due by 2 PM"}, q)


def test_recall_and_mrr_per_kind_with_none_questions_left_out():
    questions = [
        question("r1"),
        question("r2"),
        question("r3"),
        question("f1", "far", ("far/FAR_part_42.md",)),
        question("n1", "none", (), ()),
        question("n2", "none", (), ()),
    ]
    good = {"path": "rfp/a/RFQ.md", "text": "Quotes are due by noon."}
    bad = {"path": "rfp/a/RFQ.md", "text": "Something else."}
    hits = {"r1": [good], "r2": [bad, bad, good], "r3": [bad] * 6 + [good], "f1": [bad, good]}
    report = score(questions, hits, declined={"n1": True})
    overall = report.as_dict()["overall"]
    assert overall["n"] == 4, "none questions have no recall"
    assert overall["recall@1"] == 0.25 and overall["recall@5"] == 0.5 and overall["recall@10"] == 0.75
    assert overall["mrr@10"] == pytest.approx((1 + 1 / 3 + 1 / 7) / 4)
    assert report.by_kind["rfp"].as_dict()["recall@5"] == pytest.approx(2 / 3)
    assert report.by_kind["far"].as_dict()["recall@10"] == 0.0, "right text in the wrong file"
    assert report.declines == {"n1": True, "n2": False}
    assert {m["id"]: m["rank"] for m in report.misses} == {"r3": 7, "f1": None}
    assert score(questions, hits).declines == {}, "declines are counted only when measured"


def test_the_development_set_loads_and_its_evidence_is_found_in_its_own_files(data_root):
    questions = load_questions(DEV)
    assert len(questions) == 40 and {q.kind for q in questions} == {"rfp", "far", "codes", "none"}
    checked = 0
    for q in questions:
        for name in q.expected_files:
            path = data_root / name
            text_version = path.with_name(path.name + ".txt")
            source = text_version if text_version.exists() else path
            if source.suffix not in (".md", ".csv", ".txt"):
                continue  # an XLSX or DOCX without a text twin
            hit = {"path": name, "text": source.read_text(encoding="utf-8")}
            if any(normalize(e) in normalize(hit["text"]) for e in q.evidence):
                assert correct(hit, q)
                assert not correct({**hit, "path": "elsewhere/" + Path(name).name + ".other"}, q)
                checked += 1
    assert checked >= 30


def test_a_bad_question_file_names_the_line(tmp_path):
    path = tmp_path / "qs.jsonl"
    path.write_text(json.dumps({"id": 1, "question": "q", "kind": "rfp"}) + "\n\n{not json}\n")
    with pytest.raises(UserFacingError, match=r"qs.jsonl:3: not a question line"):
        load_questions(path)
    path.write_text(json.dumps({"question": "no id"}) + "\n")
    with pytest.raises(UserFacingError, match=r"qs.jsonl:1: .*KeyError"):
        load_questions(path)
    with pytest.raises(UserFacingError, match="cannot read"):
        load_questions(tmp_path / "missing.jsonl")
