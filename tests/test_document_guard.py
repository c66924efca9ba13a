"""The guard that keeps document reading general (issue 10, item 6): over every PDF, DOCX, Markdown and HTML
file of the shared data, not only the annotated ones, matrix rows are whole sentences (at most 2% are
fragments, proposal/wholeness.py), chunks end where sentences end, and no zero-width character is left.
The figures and examples are printed (`bench/documents.py` prints the same report)."""

from __future__ import annotations

import pytest

from bench.documents import files, measure, report, totals

pytestmark = (
    pytest.mark.slow
)  # parses, shreds and chunks 89 files, OCR included: about two minutes on two cores


@pytest.fixture(scope="module")
def figures(data_root):
    found = measure(data_root)
    print("\n" + report(found, examples=30, per_file=False))
    return found


def test_every_shared_document_is_measured(figures, data_root):
    assert len(figures) == len(files(data_root)) >= 80
    assert [f.path for f in figures if f.error] == []


def test_at_most_two_percent_of_matrix_rows_are_fragments(figures):
    t = totals(figures)
    assert t.rows > 10_000
    assert t.fragment_share <= 0.02, report(figures, examples=60, per_file=False)


def test_chunks_end_where_sentences_end(figures):
    t = totals(figures)
    assert t.text_chunks > 5_000
    assert t.cut_share <= 0.03, report(figures, examples=60, per_file=False)


def test_no_zero_width_characters_are_left(figures):
    assert totals(figures).zero_width == 0
