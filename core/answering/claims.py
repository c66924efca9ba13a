"""Checking a generated answer: each sentence must cite a retrieved source that supports it (its
content words appear in one of that source's sentences, and every number it states is there too).
Invented source numbers are removed; unsupported sentences are kept as unsupported claims for the
caller to drop and report. A sentence that asks something, or only restates the question (a small
model echoing its prompt: "Question: When are quotes due?"), states nothing and is not a claim, even
though every word of it is in the sources."""

from __future__ import annotations

import re

from core.answering.records import Claim, Source
from core.answering.sanitize import quotable
from core.answering.words import content_words, numbers
from core.documents.text import split_sentences
from core.prompt import CITATION, cited_numbers


def support(claim: str, sentence: str) -> float:
    """Share of the claim's content words found in the sentence; 0 when the claim states a number
    the sentence does not have (a wrong date, price or count is the costliest error)."""
    claim = CITATION.sub("", claim)
    claim_words = content_words(claim)
    if not claim_words or not numbers(claim) <= numbers(sentence):
        return 0.0
    return len(claim_words & content_words(sentence)) / len(claim_words)


def degenerate(text: str) -> bool:
    """A small model stuck in a loop ("2018 SOC Code, 2018 SOC Code, ...")."""
    words = re.findall(r"\w+", text.lower())
    if len(words) < 12:
        return False
    return len(set(words)) / len(words) < 0.45


def restates(sentence: str, question: str) -> bool:
    """The sentence asks a question, or says nothing the question did not: no content word and no
    number beyond the question's."""
    if sentence.rstrip().endswith("?"):
        return True
    if not question:
        return False
    if _negated(sentence) and not _negated(question):  # "No, the volume is not limited." answers
        return False
    return content_words(sentence) <= content_words(question) and numbers(sentence) <= numbers(question)


_NEGATION = re.compile(r"\b(?:no|not|never|none|nor|cannot)\b|n't\b", re.IGNORECASE)


def _negated(text: str) -> bool:
    return bool(_NEGATION.search(text))


def check_claims(
    raw: str, sources: list[Source], min_support: float = 0.5, question: str = ""
) -> tuple[list[Claim], list[str]]:
    """Split the model's answer into claims and verify each against the sources it cites (an
    uncited sentence may still be supported by any source, and gets that citation). Returns the
    claims and notes on what was removed."""
    by_n = {s.n: s for s in sources}
    # An instruction-like sentence is never support, even if it reached an excerpt.
    sentence_sets = {s.n: quotable(s.excerpt) for s in sources}
    claims: list[Claim] = []
    dropped: list[str] = []
    for sentence in split_sentences(raw.replace("\n", " ")):
        cited = cited_numbers(sentence)
        invented = [n for n in cited if n not in by_n]
        cited = [n for n in dict.fromkeys(cited) if n in by_n]
        clean = CITATION.sub(lambda m: m.group(0) if int(m.group(1)) in by_n else "", sentence).strip()
        if invented:
            dropped.append(f"citation {', '.join(f'[{n}]' for n in invented)} removed: no such source")
        if not content_words(clean):
            continue
        if restates(CITATION.sub("", clean), question):
            dropped.append(f"not a claim (asks or restates the question): {clean}")
            continue
        candidates = cited or list(by_n)
        best: tuple[float, int | None, str | None] = (0.0, None, None)
        for n in candidates:
            for src_sentence in sentence_sets[n]:
                value = support(clean, src_sentence)
                if value > best[0]:
                    best = (value, n, src_sentence)
        source_n = best[1]
        ok = best[0] >= min_support and source_n is not None and not degenerate(clean)
        if ok and not cited and source_n is not None:
            clean = f"{clean} [{source_n}]"
            cited = [source_n]
        claims.append(Claim(clean, cited, ok, best[2] if ok else None, source_n if ok else None))
    return claims, dropped
