"""Content words and numbers: what claim support and question coverage compare."""

from __future__ import annotations

import re

from core.sparse import STOPWORDS, stem_word

_WORD = re.compile(r"[a-z0-9][a-z0-9.\-/]*[a-z0-9]|[a-z0-9]", re.IGNORECASE)
# Question words that say nothing about the subject.
GENERIC = frozenset(
    {"what", "which", "when", "where", "how", "many", "much", "does", "need", "want", "tell", "kind"}
)


def content_words(text: str) -> set[str]:
    """Stemmed words that carry meaning: no stopwords or question words, no one- or two-letter words
    (numbers stay)."""
    words = (w.lower() for w in _WORD.findall(text))
    return {
        stem_word(w) for w in words if w not in STOPWORDS and w not in GENERIC and (len(w) > 2 or w.isdigit())
    }


def numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}
