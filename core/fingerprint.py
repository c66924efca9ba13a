"""Document fingerprints (MinHash over word 5-grams) to recognise versions of one document: an RFQ
and its amendment, a draft and the final, the same table saved as XLSX and as CSV."""

from __future__ import annotations

import numpy as np

from core.words import shingles, words

PERMUTATIONS = 64
_PRIME = (1 << 61) - 1
_rng = np.random.default_rng(20260428)
_A = _rng.integers(1, _PRIME, PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, PERMUTATIONS, dtype=np.uint64)


def minhash(texts: list[str]) -> list[int]:
    hashes = shingles(words(" ".join(texts)), 5)
    if not hashes:
        return [0] * PERMUTATIONS
    values = np.fromiter(hashes, dtype=np.uint64)
    with np.errstate(over="ignore"):
        hashed = (values[:, None] * _A[None, :] + _B[None, :]) % np.uint64(_PRIME)
    return [int(x) for x in hashed.min(axis=0)]


def similarity(a: list[int], b: list[int]) -> float:
    if not a or not b:
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
