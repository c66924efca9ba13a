"""An answer made of quoted sentences: the sentences of the sources closest to the question in
meaning and words, each cited. Used when asked for (`--extractive`), and when a generated answer
has no supported sentence left."""

from __future__ import annotations

from collections.abc import Sequence

from core.answering.records import Answer, Claim, Source, record_row
from core.answering.sanitize import heading_or_contents, quotable
from core.answering.words import content_words
from core.embedding import Embedder


class Quoter:
    """Up to `limit` sentences, best first; a sentence scoring under `floor` times the best one is
    not quoted. On the dev set and the vendor questions' train half (`rfp eval answers
    --no-generated --baseline extractive`) a floor of 0.85 quoted 30% fewer sentences (306 -> 226),
    key-fact agreement went 0.337 -> 0.314 (dev) and 0.139 -> 0.130 (vendor), and answers stating a
    wrong value went 3 -> 1; 0.93 lost more facts (0.290, 0.108) for no fewer wrong values."""

    def __init__(self, embedder: Embedder, limit: int = 3, floor: float = 0.85):
        self.embedder = embedder
        self.limit = limit
        self.floor = floor

    def __call__(
        self, question: str, sources: list[Source], given: Sequence[tuple[int, str, str]] = ()
    ) -> Answer:
        """`given`: (source, sentence, value) for each value the question asks for (a date, a
        code, an amount: `core.answering.coverage`); they are quoted first."""
        candidates = [
            (s.n, sentence.strip())
            for s in sources
            for sentence in quotable(s.excerpt, min_words=3)
            if not heading_or_contents(sentence, s.hit.payload.section_path)
        ]
        # A table record's row, whole: the value a question asks of it is there, not in the header
        # line of column names (which stays a candidate: "what does the template ask for").
        candidates += [(s.n, row) for s in sources if s.hit.fields and (row := record_row(s.excerpt))]
        candidates = list(dict.fromkeys(candidates))
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
        quotable_now = {c[1] for c in candidates}
        for n, sentence, _value in given:
            sentence = sentence.strip()
            if sentence in quotable_now and sentence not in seen and len(chosen) < self.limit:
                seen.add(sentence)
                chosen.append((n, sentence))
        for score, n, sentence in scored:
            if len(chosen) >= self.limit:
                break
            if sentence in seen:
                continue
            if chosen and score < self.floor * scored[0][0]:
                break  # far less related than the best: not quoted
            seen.add(sentence)
            chosen.append((n, sentence))
        claims = [Claim(f'"{s}" [{n}]', [n], True, s, n) for n, s in chosen]
        text = " ".join(c.text for c in claims)
        return Answer(question, text, "extractive", sources, claims=claims)
