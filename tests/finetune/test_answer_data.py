"""Answer-format SFT lines (`rfp finetune answer-data`): the bot's prompt over the real Retriever, and
a target that cites the source holding each sentence, or declines when no source holds the answer."""

from __future__ import annotations

import json

import pytest

from core.answer_eval.questions import BenchQuestion
from core.prompt import SYSTEM_PROMPT
from finetune.answer_data import DECLINE, Built, document_examples, vendor_examples
from tests.conftest import make_services


@pytest.fixture
def services(tmp_path, embedder):
    services = make_services(tmp_path / "data", embedder)
    docs = tmp_path / "docs"
    docs.mkdir()
    texts = {
        "rfq.md": "# RFQ 1349024\n\n## Submission of quotes\n\nQuotes are due by 2:00 PM Eastern Time on "
        "March 16, 2026. The technical volume is limited to 15 pages in 12-point font.\n",
        "pws.md": "# Performance Work Statement\n\n## Incident response\n\nThe contractor shall respond to "
        "Severity 1 incidents within 30 minutes of notification by the government.\n",
    }
    for name, text in texts.items():
        (docs / name).write_text(text)
        services.indexer.index_file(docs / name, "public")
    yield services
    services.close()


def test_vendor_targets_cite_the_source_or_decline(services):
    questions = [
        BenchQuestion(
            "qa", "q1", "When are quotes due?", "Quotes are due on March 16, 2026 at 2:00 PM Eastern."
        ),
        BenchQuestion(
            "qa",
            "q2",
            "What is the page limit of the technical volume?",
            "It is 25 pages, not counting resumes.",
        ),
    ]
    built = Built()
    vendor_examples(services.answerer, questions, ["public"], built)
    by_id = {e["id"]: e["messages"] for e in built.examples}
    assert set(by_id) == {"q1", "q2"}
    first = by_id["q1"]
    assert [m["role"] for m in first] == ["system", "user", "assistant"]
    assert first[0]["content"] == SYSTEM_PROMPT  # the bot's prompt, sources numbered in the user turn
    assert "Question: When are quotes due?" in first[1]["content"]
    n = next(
        line[1] for line in first[1]["content"].splitlines() if line.startswith("[") and "rfq.md" in line
    )
    target = first[2]["content"]
    assert "March 16, 2026" in target and target.endswith(f"[{n}].")  # cites the RFQ's number
    assert by_id["q2"][2]["content"] == DECLINE  # 25 pages is in no source: no invented support


def test_document_questions_from_headings(services):
    built = Built()
    document_examples(services.answerer, services.store, ["public"], 5, built)
    assert built.examples, built.skipped
    for example in built.examples:
        question, answer = example["messages"][1]["content"], example["messages"][2]["content"]
        assert "say about" in question and answer.endswith("].")
    line = json.dumps(built.examples[0])
    assert '"origin": "document"' in line
