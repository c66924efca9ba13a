"""The product's hybrid retrieval as a LlamaIndex retriever (query engines, agents):

    from core.integrations.llamaindex import RfpLlamaRetriever
    nodes = RfpLlamaRetriever(services.retriever, ["public"], k=5).retrieve("Section M evaluation factors")

Each node's metadata carries the citation fields (path, page, section)."""

from __future__ import annotations

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from core.retrieval import Filters, Retriever

METADATA_KEYS = ("path", "page", "section", "title", "doc_kind", "solicitation")


class RfpLlamaRetriever(BaseRetriever):
    def __init__(
        self, retriever: Retriever, collections: list[str], k: int = 5, filters: Filters | None = None
    ):
        super().__init__()
        self._retriever = retriever
        self._collections = collections
        self._k = k
        self._filters = filters

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        result = self._retriever.search(
            query_bundle.query_str, self._collections, k=self._k, filters=self._filters
        )
        return [
            NodeWithScore(
                node=TextNode(
                    id_=hit.id,
                    text=hit.text,
                    metadata={
                        key: getattr(hit.payload, key) for key in METADATA_KEYS if getattr(hit.payload, key)
                    },
                ),
                score=hit.score,
            )
            for hit in result.hits
        ]
