"""Amendment-aware answers on the sample corpus (`make demo`'s): Amendment 0001 revises L.1 and moves
the quote due date from March 16 to March 23, 2026. Ingest links the change to the RFQ's L.1
passage; answers give March 23 and say what it replaced; the RFQ's March 16 passage is never shown as
support without that mark. Real ingest, real Qdrant, real embeddings; generated answers with the
packaged SmolLM2 (llama.cpp), and with a scripted model where the test needs a known model output."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from core.amendments import DocRef, link, read_changes
from core.answer import Answerer
from core.answering.amendments import MARK
from core.chat import GenerationStats
from core.store import Match, Where, scroll_all
from tests.conftest import ROOT, make_services

CORPUS = ROOT / "samples" / "corpus"
RFQ = CORPUS / "rfq-2026-0042" / "RFQ_2026-0042_Cloud_Modernization.md"
AMENDMENT = CORPUS / "rfq-2026-0042" / "RFQ_2026-0042_Amendment_0001.txt"
QUESTION = "When are quotes for RFQ 2026-0042 due, and how are they delivered?"


class NoChat:
    backend = "none"
    version = "none"

    def stream(self, *args, **kwargs):
        raise AssertionError("the chat model was called")


class ScriptedChat:
    """A model whose output is known: what the small model says on a bad day."""

    backend = "scripted"
    version = "scripted"

    def __init__(self, text: str):
        self.text = text

    def stream(self, messages, max_tokens=0, temperature=0.0, stats: GenerationStats | None = None):
        yield self.text


@pytest.fixture(scope="module")
def services(tmp_path_factory, embedder):
    from ingest.run import ingest_paths

    services = make_services(tmp_path_factory.mktemp("demo") / "data", embedder)
    report = ingest_paths(services.indexer, [CORPUS], "public")
    assert not report.failed
    yield services
    services.close()


def live(services, collection="public"):
    return [h.chunk for h in scroll_all(services.store, collection, Where.of(Match("state", "live")))]


def l1_passage(services, collection="public"):
    (chunk,) = [c for c in live(services, collection) if c.path.endswith(RFQ.name) and "L.1" in c.section]
    return chunk


def unmarked(text: str) -> str:
    return MARK.sub("", text)


def marked(claim, text: str) -> bool:
    """Whether the claim is shown with a mark in the answer's text (a mark inside it or after it)."""
    at = text.find(claim.text)
    return (at < 0 and bool(MARK.search(text))) or bool(MARK.match(text[at + len(claim.text) :].lstrip()))


def test_ingest_links_the_amendments_change_to_the_passage_it_changes(services):
    chunk = l1_passage(services)
    assert "March 16, 2026" in chunk.text
    (change,) = chunk.amended_by
    assert change["label"] == "Amendment 0001" and change["path"].endswith(AMENDMENT.name)
    assert change["change"] == "revised" and change["section"] == "L.1"
    assert change["was"] == ["March 16, 2026"] and change["now"] == ["March 23, 2026"]
    # Only the passage the amendment changes is linked; the amendment's passage states the change.
    assert [c.path for c in live(services) if c.amended_by] == [chunk.path]
    (stating,) = [c for c in live(services) if c.amends]
    assert stating.path.endswith(AMENDMENT.name) and stating.amends[0]["statement"].startswith(
        "L.1 Submission"
    )


def test_extractive_answer_gives_march_23_and_marks_march_16_as_replaced(services):
    answerer = Answerer(services.retriever, NoChat, services.embedder, extractive=True)
    answer = answerer.answer(QUESTION, ["public"])
    assert answer.mode == "extractive"
    assert "March 23, 2026" in unmarked(answer.text), answer.text
    assert "(Amendment 0001; was March 16, 2026)" in answer.text
    assert "March 16" not in unmarked(answer.text), "the replaced date is only stated as replaced"
    (old,) = [s for s in answer.sources if s.hit.path.endswith(RFQ.name) and "L.1" in s.hit.section]
    assert old.hit.superseded
    assert any(
        note.startswith(f"[{old.n}]")
        and "Amendment 0001" in note
        and "March 16, 2026 is now March 23, 2026" in note
        for note in answer.notes
    ), answer.notes
    for claim in answer.claims:  # a quote of the superseded passage carries its mark
        if claim.quote_source == old.n:
            assert marked(claim, answer.text), answer.text


def test_generated_answer_with_the_packaged_model_marks_the_superseded_source(services):
    from core.chat.llamacpp import LlamaCppChat
    from core.models import packaged_chat_gguf

    chat = LlamaCppChat(packaged_chat_gguf(), n_ctx=2048)
    answerer = Answerer(services.retriever, lambda: chat, services.embedder, max_new_tokens=96)
    answer = answerer.answer(QUESTION, ["public"])
    old = [s for s in answer.sources if s.hit.path.endswith(RFQ.name) and "L.1" in s.hit.section]
    assert old and old[0].hit.superseded
    assert any(n.startswith(f"[{old[0].n}]") and "Amendment 0001" in n for n in answer.notes), answer.notes
    assert "March 16" not in unmarked(answer.text), answer.text
    for claim in answer.claims:
        if old[0].n in claim.citations or claim.quote_source == old[0].n:
            assert marked(claim, answer.text), answer.text
    if re.search(r"\bMarch \d", unmarked(answer.text)):
        assert "March 23, 2026" in answer.text, answer.text


def test_a_generated_sentence_with_the_replaced_date_takes_the_current_one(services):
    answerer = Answerer(services.retriever, lambda: None, services.embedder)
    prepared = answerer.prepare(QUESTION, ["public"])
    old = next(s.n for s in prepared.sources if s.hit.path.endswith(RFQ.name) and "L.1" in s.hit.section)
    new = next(s.n for s in prepared.sources if s.hit.path.endswith(AMENDMENT.name) and "L.1" in s.excerpt)
    chat = ScriptedChat(
        f"Quotes are due on March 16, 2026. [{old}] Quotes are sent by email to the Contracting Officer. [{old}]"
    )
    answerer.chat = lambda: chat
    answer = answerer.answer(QUESTION, ["public"])
    assert answer.mode == "generated"
    first, second = answer.claims
    assert answer.text.startswith(
        f"Quotes are due on March 23, 2026 (Amendment 0001; was March 16, 2026). [{new}]"
    )
    # The claim is what its quote supports; the mark is in the answer's text only.
    assert first.text == f"Quotes are due on March 23, 2026. [{new}]"
    assert first.quote_source == new and "March 23, 2026" in first.quote
    # Wording of the revised section that the amendment's new wording also supports cites the amendment.
    assert second.citations == [new] and second.quote_source == new
    assert "March 16" not in unmarked(answer.text)


def test_links_follow_the_amendment_whichever_file_comes_first_and_go_when_it_goes(tmp_path, embedder):
    services = make_services(tmp_path / "data", embedder)
    folder = tmp_path / "rfq"
    folder.mkdir()
    rfq, amendment = folder / RFQ.name, folder / AMENDMENT.name
    shutil.copy(RFQ, rfq)
    indexer = services.indexer
    indexer.index_file(rfq, "public", "rfq.md")
    assert not l1_passage_of(services).amended_by
    shutil.copy(AMENDMENT, amendment)
    indexer.index_file(amendment, "public", "amendment.txt")  # after the RFQ: it updates the stored passage
    assert [(c["was"], c["now"]) for c in l1_passage_of(services).amended_by] == [
        (["March 16, 2026"], ["March 23, 2026"])
    ]
    # A new version of the amendment replaces its links rather than adding to them.
    amendment.write_text(AMENDMENT.read_text().replace("March 23, 2026", "March 30, 2026"))
    indexer.index_file(amendment, "public", "amendment.txt")
    assert [c["now"] for c in l1_passage_of(services).amended_by] == [["March 30, 2026"]]
    # The RFQ ingested again (after its amendment) takes the amendment's link when it is written.
    rfq.write_text(rfq.read_text() + "\n")
    indexer.index_file(rfq, "public", "rfq.md")
    assert [c["now"] for c in l1_passage_of(services).amended_by] == [["March 30, 2026"]]
    indexer.remove("public", str(amendment.resolve()))
    assert not l1_passage_of(services).amended_by
    services.close()


def l1_passage_of(services):
    (chunk,) = [c for c in live(services) if c.path == "rfq.md" and "L.1" in c.section]
    return chunk


def test_stated_changes_are_recognised_by_their_form_not_the_samples_words():
    units = [
        ("AMENDMENT 0003", None, True),
        ("3.2 Period of Performance is revised to read: The base period is 12 months.", 2, False),
        ("The option periods are unchanged.", 2, False),
        ("Changes", 3, True),
        ("Paragraph 5.4 is deleted in its entirety.", 3, False),
        (
            "Answer 4: The closing date for receipt of quotations is hereby extended to April 2, 2026 at 4:00 p.m. EST.",
            4,
            False,
        ),
        ("Section C.7 Travel is added: Travel is reimbursed at cost.", 4, False),
    ]
    revised, deleted, date, added = read_changes(units)
    assert (revised.num, revised.verb, revised.title) == ("3.2", "revised", "Period of Performance")
    assert revised.new_text == "The base period is 12 months. The option periods are unchanged."
    assert (deleted.num, deleted.removes, deleted.texts) == ("5.4", True, [])
    assert (date.kind, date.what, date.value) == ("date", "due", "April 2, 2026, 4:00 p.m. EST")
    assert (added.num, added.adds) == ("C.7", True)

    amendment = DocRef("a3", "Amendment_0003.pdf", title="Amendment 0003")
    rfq_text = (
        "Quotations must be received no later than 2:00 p.m. EST on March 27, 2026. "
        "The Monthly Status Report is due on May 1, 2026."
    )
    found = link(date, amendment, rfq_text, ["Section L", "L.3 Deadlines"])
    assert found and found["label"] == "Amendment 0003"
    assert (found["was"], found["now"]) == (
        ["March 27, 2026", "2:00 p.m. EST"],
        ["April 2, 2026", "4:00 p.m. EST"],
    )
    # A deliverable's due date is not the quote due date.
    assert (
        link(date, amendment, "The Monthly Status Report is due on May 1, 2026.", ["C.4 Deliverables"])
        is None
    )
    # A revision changes passages under its section and its subsections, not a section that shares digits.
    assert link(revised, amendment, "The base period is 9 months.", ["3 Terms", "3.2.1 Base Period"])
    assert link(revised, amendment, "Deliverables are listed below.", ["3.25 Deliverables"]) is None
    assert link(deleted, amendment, "Key personnel are listed.", ["5.4 Key Personnel"])["change"] == "deleted"
    assert link(added, amendment, "Travel is not reimbursed.", ["C.7 Travel"]) is None


def test_the_shredder_applies_the_samples_revision_with_the_same_statements():
    from proposal.shred import shred_files

    matrix = shred_files([RFQ, AMENDMENT])
    (row,) = [r for r in matrix.rows if "March 23, 2026" in r.text and r.live]
    assert row.change == "changed" and row.amendment == AMENDMENT.name
    assert "March 16, 2026" in row.previous
    assert not [r for r in matrix.rows if r.live and "March 16, 2026" in r.text]


@pytest.fixture(autouse=True)
def _paths_exist():
    assert Path(RFQ).exists() and Path(AMENDMENT).exists()
