"""The product's hybrid retrieval as a LangChain retriever, for teams that compose chains:

    from core.integrations.langchain import RfpRetriever
    retriever = RfpRetriever(retriever=services.retriever, collections=["public"], k=5)
    docs = retriever.invoke("page limits for the technical volume")

Each Document carries the citation fields (path, page, section) and the identifiers in metadata.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from core.retrieval import Filters, Retriever

METADATA_KEYS = ("path", "page", "section", "title", "doc_kind", "solicitation", "fields")


class RfpRetriever(BaseRetriever):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Retriever
    collections: list[str]
    k: int = 5
    filters: Filters | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        result = self.retriever.search(query, self.collections, k=self.k, filters=self.filters)
        documents = []
        for hit in result.hits:
            metadata: dict[str, Any] = {key: getattr(hit.payload, key) for key in METADATA_KEYS}
            metadata.update(score=hit.score, collection=hit.collection, other_versions=hit.other_versions)
            documents.append(Document(page_content=hit.text, metadata=metadata, id=hit.id))
        return documents
