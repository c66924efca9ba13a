"""What an answer is: its mode, its numbered sources, its checked claims."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from core.chat import GenerationStats, Message
from core.retrieval import Hit

AnswerMode = Literal["generated", "extractive", "declined"]


@dataclass
class Source:
    """A retrieved passage as numbered for the model and the reader."""

    n: int
    hit: Hit
    excerpt: str
    sanitized: bool = False  # instruction-like text was removed from it

    @property
    def label(self) -> str:
        return self.hit.citation.label()

    def to_json(self) -> dict[str, Any]:
        d = self.hit.to_json()
        d.update({"n": self.n, "excerpt": self.excerpt, "sanitized": self.sanitized})
        return d


@dataclass
class Claim:
    text: str
    citations: list[int]
    supported: bool
    quote: str | None = None
    quote_source: int | None = None


@dataclass
class Answer:
    question: str
    text: str
    mode: AnswerMode
    sources: list[Source]
    claims: list[Claim] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    model_version: str | None = None
    stats: GenerationStats | None = None
    retrieval_s: float = 0.0
    raw: str = ""
    prompt: list[Message] = field(default_factory=list)  # the messages the model was sent (none: not asked)

    @property
    def declined(self) -> bool:
        return self.mode == "declined"

    @property
    def quotes(self) -> list[tuple[int, str]]:
        seen: dict[tuple[int, str], None] = {}
        for c in self.claims:
            if c.quote and c.quote_source:
                seen[(c.quote_source, c.quote)] = None
        return list(seen)

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "mode": self.mode,
            "declined": self.declined,
            "claims": [asdict(c) for c in self.claims],
            "dropped": self.dropped,
            "notes": self.notes,
            "quotes": [{"source": n, "text": q} for n, q in self.quotes],
            "sources": [s.to_json() for s in self.sources],
            "model": self.model_version,
            "retrieval_s": round(self.retrieval_s, 4),
            "time_to_first_token_s": self.stats.first_token_s if self.stats else None,
            "tokens_per_s": round(self.stats.tokens_per_s, 2) if self.stats else None,
        }


def record_row(text: str) -> str:
    """A table record's row: its text is its header line (the column names), then the row."""
    return text.split("\n", 1)[-1].strip()
