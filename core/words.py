"""Words as the code compares them: lowercase word tokens, stems, stopwords and shingles.

Two stemmers and two stopword lists live here side by side because their users give different
results with each, and those results are measured (retrieval, the answer benchmark):
- `stem` (English Snowball) and `stem_word` (Snowball, numbers kept as they are), with `STOPWORDS`,
  are what the sparse index, title keys and answer support use;
- `suffix_stem` (drops -ing, -ed, -es, -s) with `FACT_STOPWORDS` is what the answer benchmark's
  fact and citation checks use (core/answer_eval/facts.py).
"""

from __future__ import annotations

import re
import threading
import zlib
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[a-z0-9]+")  # a lowercase word or number, punctuation and accents split it


def words(text: str) -> list[str]:
    """The text's lowercase words and numbers, in order ("RFQ-1349024's" gives rfq, 1349024, s)."""
    return WORD.findall(text.lower())


def shingles(tokens: list[str], n: int = 5) -> set[int]:
    """CRC32 hashes of every run of n words (one run, however short, when there are fewer)."""
    return {zlib.crc32(" ".join(tokens[i : i + n]).encode()) for i in range(max(1, len(tokens) - n + 1))}


STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most
    my myself no nor not now of off on once only or other our ours ourselves out over own same she should
    so some such than that the their theirs them themselves then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would you
    your yours yourself yourselves shall may must us also""".split()
)

_stemmer = snowballstemmer.stemmer("english")
_stemmer_lock = threading.Lock()  # a Snowball stemmer keeps its state on the object


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The English Snowball stem of a lowercase word (cached: a corpus repeats its words)."""
    with _stemmer_lock:
        return _stemmer.stemWord(word)


def stem_words(words: Iterable[str]) -> list[str]:
    return [stem(w) for w in words]


def stem_word(word: str) -> str:
    """A word as the index keeps it: stemmed, unless it starts with a digit."""
    return word if word[0].isdigit() else stem(word)


# The answer benchmark's stopwords: common words of three letters or more (its words are that long).
FACT_STOPWORDS = frozenset(
    """
the and for are but not you all any can had her was one our out has him his how its may new now
old see two way who did get let put say she too use that with have this will your from they been
were said each which their there what about would make like into than then them these some could
other more very when also only such shall should must does being those upon per under over both
it's yes please within where while here after before between through during
""".split()
)


def suffix_stem(word: str) -> str:
    """A crude stem: -ing, -ed, -es or -s dropped from a word at least four letters longer than it."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word
