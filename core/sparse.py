"""BM25-style sparse vectors that Qdrant scores with its IDF modifier.

Documents get a saturated, length-normalized term frequency per token; queries get 1.0 per token;
Qdrant multiplies by the collection's IDF. The tokenizer keeps identifiers whole ("52.204-21",
"15-1252", "rfq1349024", "gs-35f-360ca") and also indexes their parts, stems English words and drops
stopwords. Token ids are CRC32 hashes, so the vectors need no vocabulary file and any process can
encode a query.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import dataclass

from core.words import STOPWORDS, stem_word

__all__ = ["STOPWORDS", "SparseEncoder", "SparseVector", "stem_word"]  # the first and last: core.words

_TOKEN_RE = re.compile(r"[a-z0-9]+(?:[.\-/&][a-z0-9]+)*")
_NUM_COMMA_RE = re.compile(r"(?<=\d),(?=\d{3}\b)")
_SEPARATOR_RE = re.compile(r"[.\-/&]")


@dataclass(frozen=True)
class SparseVector:
    indices: list[int]
    values: list[float]


class SparseEncoder:
    """Tokens -> hashed BM25 weights. k1 and b as in Okapi BM25; `avg_len` is the expected chunk
    length in tokens (chunks are bounded by the embedding window, so a constant is close)."""

    def __init__(self, k1: float = 1.2, b: float = 0.75, avg_len: float = 120.0):
        self.k1, self.b, self.avg_len = k1, b, avg_len

    def tokens(self, text: str) -> list[str]:
        text = _NUM_COMMA_RE.sub("", text.lower())
        out: list[str] = []
        for m in _TOKEN_RE.finditer(text):
            token = m.group(0)
            if not token.isalnum():  # joined by . - / or &: kept whole, and its parts too
                out.append(token)
                for part in _SEPARATOR_RE.split(token):
                    if len(part) > 1 and part not in STOPWORDS:
                        out.append(stem_word(part))
            elif token not in STOPWORDS:
                out.append(stem_word(token))
        return out

    @staticmethod
    def token_id(token: str) -> int:
        return zlib.crc32(token.encode()) & 0x7FFFFFFF

    def encode_document(self, text: str) -> SparseVector:
        counts = Counter(self.token_id(t) for t in self.tokens(text))
        length = sum(counts.values()) or 1
        norm = self.k1 * (1 - self.b + self.b * length / self.avg_len)
        indices = sorted(counts)
        values = [counts[i] * (self.k1 + 1) / (counts[i] + norm) for i in indices]
        return SparseVector(indices, values)

    def encode_query(self, text: str) -> SparseVector:
        indices = sorted({self.token_id(t) for t in self.tokens(text)})
        return SparseVector(indices, [1.0] * len(indices))
