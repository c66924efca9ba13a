"""Code-table rows (SOC, OPM series, GSA CALC, OASIS) for a code or a title."""

from __future__ import annotations

from bot.blocks import codes_blocks
from bot.conversation import Conversation
from core.retrieval import Filters, Retriever


class LookupCodes:
    def __init__(self, retriever: Retriever, k: int = 8):
        self.retriever = retriever
        self.k = k

    def __call__(self, conv: Conversation, query: str, collections: list[str], show_asker: bool) -> int:
        result = self.retriever.search(
            query, collections, k=self.k, filters=Filters(doc_kinds=("codes",)), code_lookup=True
        )
        rows = [h for h in result.hits if h.fields]
        text, blocks = codes_blocks(query, rows, conv.user if show_asker else None)
        conv.post(text, blocks)
        return len(rows)
