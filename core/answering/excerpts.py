"""The part of a retrieved passage most about the question, within a token budget: the sentence
sharing the most content words with the question, grown by its neighbours while they fit."""

from __future__ import annotations

import numpy as np

from core.answering.sanitize import sentences
from core.answering.words import content_words
from core.embedding import Embedder


class Excerpter:
    def __init__(self, embedder: Embedder, max_tokens: int = 130):
        self.embedder = embedder  # counts tokens with the embedding model's tokenizer
        self.max_tokens = max_tokens

    def __call__(self, text: str, question_words: set[str]) -> str:
        if self.embedder.count_tokens([text])[0] <= self.max_tokens:
            return text
        parts = sentences(text)
        counts = self.embedder.count_tokens(parts)
        scores = [len(content_words(s) & question_words) for s in parts]
        best = int(np.argmax(scores)) if scores else 0
        lo = hi = best
        size = counts[best] if counts else 0
        while True:
            grew = False
            if hi + 1 < len(parts) and size + counts[hi + 1] <= self.max_tokens:
                hi += 1
                size += counts[hi]
                grew = True
            if lo - 1 >= 0 and size + counts[lo - 1] <= self.max_tokens:
                lo -= 1
                size += counts[lo]
                grew = True
            if not grew:
                break
        return " ".join(parts[lo : hi + 1])
