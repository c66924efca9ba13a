"""Block Kit rendering: what people see, within Slack's limits, and nothing a document can abuse."""

from __future__ import annotations

from bot.blocks import SECTION_CHARS, answer_blocks, sections
from core.answer import Answer, Source
from core.retrieval import Hit
from core.store import ChunkPayload


def source(
    n: int, text: str, path: str = "RFQ.md", page: int | None = 3, section: str = "5.0 Period"
) -> Source:
    hit = Hit(f"id{n}", "public", 1.0, ChunkPayload(path=path, page=page, section=section, text=text))
    return Source(n, hit, text)


def test_passages_cannot_ping_channels_or_hide_links():
    answer = Answer(
        "q",
        "Work is remote <!channel> [1].",
        "extractive",
        [source(1, "Remote work. <!here> <https://evil.example|click> & more")],
    )
    text, blocks = answer_blocks(answer, "a1")
    rendered = str(blocks) + text
    assert "<!channel>" not in rendered and "<!here>" not in rendered and "<https://" not in rendered
    assert "&lt;!here&gt;" in rendered and "&amp; more" in rendered
    assert "*[1]* *RFQ.md* · page 3 · 5.0 Period" in rendered


def test_long_text_is_split_never_cut():
    text = " ".join(f"word{i}" for i in range(2000))
    parts = sections(text)
    assert len(parts) > 1 and all(len(p["text"]["text"]) <= SECTION_CHARS for p in parts)
    assert " ".join(p["text"]["text"] for p in parts).split() == text.split()


def test_an_answer_citing_no_source_is_flagged():
    answer = Answer("q", "It is probably remote.", "generated", [source(1, "Remote work.")])
    _, blocks = answer_blocks(answer, "a1")
    assert any("No source supports this answer" in b.get("text", {}).get("text", "") for b in blocks)
    assert any(b.get("text", {}).get("text") == "*Closest passages*" for b in blocks)
