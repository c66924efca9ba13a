"""Chunks follow a section's outline: once a chunk holds a fair share of text, the next top-level
item ("(b)" after the paragraphs of "(a)") starts a new one, so an item is not split between the
tail of its neighbour and the head of the next chunk."""

from __future__ import annotations

from core.chunking import Chunker, label_class
from core.documents.markdown import parse_markdown


def test_outline_labels_are_told_apart():
    assert label_class("(b)") == "paren-letter"
    assert label_class("(2) Agencies should normally prepare their own work statements.") == "paren-number"
    assert label_class("(iii) More than one contractor") == "roman"
    assert label_class("3.1 Submission") == "outline"
    assert label_class("C. Deliverables") == "capital"
    assert label_class("The (b) paragraph") is None
    assert label_class("2026 was a year") is None


def _doc(tmp_path, body: str):
    path = tmp_path / "clause.md"
    path.write_text(body)
    return parse_markdown(path, "clause.md")


SENTENCE = "The contractor shall keep every record of the work it performs under this order for audit. "


def test_a_new_top_level_item_starts_a_chunk_when_the_current_one_is_well_filled(tmp_path, embedder):
    body = "# 9.9 A clause\n\n(a)\n\n" + "".join(f"({i}) {SENTENCE * 2}\n\n" for i in range(1, 4))
    body += "(b)\n\n(1) If a contractor prepares a work statement, it may not supply the services.\n\n"
    body += "(2) Agencies should prepare their own work statements.\n"
    chunks = Chunker(embedder.count_tokens, 200, embedder.truncate).chunk(_doc(tmp_path, body))
    texts = [c.text for c in chunks]
    starts = [t for t in texts if t.startswith("(b)")]
    assert len(starts) == 1, texts
    assert "Agencies should prepare" in starts[0] and "If a contractor prepares" in starts[0]
    assert not any("(b)" in t for t in texts if not t.startswith("(b)"))


def test_short_items_stay_together(tmp_path, embedder):
    body = "# Deliverables\n\n" + "".join(f"({c}) Report {c} is due monthly.\n\n" for c in "abcdef")
    chunks = Chunker(embedder.count_tokens, 200, embedder.truncate).chunk(_doc(tmp_path, body))
    assert len(chunks) == 1, [c.text for c in chunks]
