"""An answer made of quoted sentences: the sentences of the sources closest to the question in
meaning and words, each cited. Used when asked for (`--extractive`), and when a generated answer
has no supported sentence left."""

from __future__ import annotations

from core.answering.records import Answer, Claim, Source
from core.answering.sanitize import heading_or_contents, quotable
from core.answering.words import content_words
from core.embedding import Embedder


class Quoter:
    def __init__(self, embedder: Embedder, limit: int = 3):
        self.embedder = embedder
        self.limit = limit

    def __call__(self, question: str, sources: list[Source]) -> Answer:
        candidates = [
            (s.n, sentence.strip())
            for s in sources
            for sentence in quotable(s.excerpt, min_words=3)
            if not heading_or_contents(sentence)
        ]
        if not candidates:
            return Answer(question, "The sources found have no quotable sentence.", "extractive", sources)
        vectors = self.embedder.embed([c[1] for c in candidates])
        sims = vectors @ self.embedder.embed_query(question)
        qwords = content_words(question)
        scored = []
        for (n, sentence), sim in zip(candidates, sims, strict=True):
            overlap = len(content_words(sentence) & qwords) / max(1, len(qwords))
            scored.append((float(sim) + 0.5 * overlap, n, sentence))
        scored.sort(key=lambda x: -x[0])
        chosen: list[tuple[int, str]] = []
        seen: set[str] = set()
        for _, n, sentence in scored:
            if sentence in seen:
                continue
            seen.add(sentence)
            chosen.append((n, sentence))
            if len(chosen) == self.limit:
                break
        claims = [Claim(f'"{s}" [{n}]', [n], True, s, n) for n, s in chosen]
        text = " ".join(c.text for c in claims)
        return Answer(question, text, "extractive", sources, claims=claims)
