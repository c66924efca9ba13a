"""Building the product's parts from Settings, once per process, lazily.

Entry points create one `Services(settings)` and hand its parts to the code that needs them;
nothing here is a module global, so tests build their own. A part given to the constructor is used
instead of building one (tests share one embedder: `Services(settings, embedder=e)`); whoever gave
it closes it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from core.settings import Settings

if TYPE_CHECKING:
    from core.answer import Answerer
    from core.chat import ChatModel, CurrentModel
    from core.embed_cache import CachedEmbedder
    from core.embedding import Embedder
    from core.indexing import Indexer
    from core.manifest import Manifest
    from core.retrieval import Retriever
    from core.store import Store

T = TypeVar("T")


class Services:
    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        bulk_embedder: Embedder | None = None,
        store: Store | None = None,
        current_model: Callable[[], ChatModel] | None = None,
    ):
        """`embedder` serves questions, `bulk_embedder` ingest (default: `embedder` when given);
        `current_model` gives the chat model to answer with (default: the registry's current one)."""
        self.settings = settings
        self._lock = threading.RLock()
        self._parts: dict[str, Any] = {}
        self._owned: list[str] = []  # built here, closed here
        given = {
            "embedder": embedder,
            "bulk_embedder": bulk_embedder or embedder,
            "store": store,
            "current_model": current_model,
        }
        self._parts.update({name: part for name, part in given.items() if part is not None})

    def _part(self, name: str, build: Callable[[], T]) -> T:
        with self._lock:
            if name not in self._parts:
                self._parts[name] = build()
                self._owned.append(name)
            return self._parts[name]

    @property
    def embedder(self) -> Embedder:
        """For questions and answers: a few texts at a time, fast to start (ONNX, no torch import)."""

        def build() -> Embedder:
            from core.embedding import Embedder

            s = self.settings
            return Embedder(
                s.embed_model_dir,
                "auto",
                s.embed_batch_size,
                s.embed_threads,
                backend=s.resolved_query_backend,
                artifacts_dir=s.embed_artifacts_dir,
                tight=True,  # questions and candidate sentences: short texts of mixed lengths
            )

        return self._part("embedder", build)

    def warm(self, collections: list[str]) -> None:
        """Before a question: the embedding model loads in a thread while the store opens the
        collections here (both leave the GIL), so a cold command waits for the longer of the two,
        not for both."""
        self.embedder.preload()
        for name in collections:
            self.store.open(name)

    @property
    def bulk_embedder(self) -> Embedder:
        """For ingest: the fastest accepted path on this CPU (torch bf16, else int8 ONNX)."""

        def build() -> Embedder:
            from core.embedding import Embedder

            s = self.settings
            return Embedder(
                s.embed_model_dir,
                s.embed_dtype,
                s.embed_batch_size,
                s.embed_threads,
                backend=s.embed_backend,
                artifacts_dir=s.embed_artifacts_dir,
                spin=False,  # the parser process gets the cores between batches (README, ingest)
            )

        return self._part("bulk_embedder", build)

    @property
    def cached_embedder(self) -> Embedder | CachedEmbedder:
        """The ingest embedder behind the data folder's embedding cache (or alone, with no cache)."""

        def build() -> Embedder | CachedEmbedder:
            from core.embed_cache import CachedEmbedder, rows_for

            s = self.settings
            if not s.embed_cache_mb:
                return self.bulk_embedder
            return CachedEmbedder(self.bulk_embedder, s.embed_cache_path, rows_for(s.embed_cache_mb))

        return self._part("cached_embedder", build)

    @property
    def store(self) -> Store:
        def build() -> Store:
            from core.store import open_store

            return open_store(self.settings)

        return self._part("store", build)

    @property
    def manifest(self) -> Manifest:
        def build() -> Manifest:
            from core.manifest import Manifest

            return Manifest(self.settings.manifest_path)

        return self._part("manifest", build)

    @property
    def indexer(self) -> Indexer:
        def build() -> Indexer:
            from core.documents import ReadOptions
            from core.indexing import Indexer

            s = self.settings
            return Indexer(
                self.store,
                self.cached_embedder,
                self.manifest,
                chunk_tokens=s.chunk_tokens,
                workers=s.ingest_workers,
                read=ReadOptions.from_settings(s),
            )

        return self._part("indexer", build)

    @property
    def retriever(self) -> Retriever:
        def build() -> Retriever:
            from core.retrieval import Retriever

            return Retriever(self.store, self.embedder)

        return self._part("retriever", build)

    @property
    def current_model(self) -> Callable[[], ChatModel]:
        """Callable giving the chat model to use now (follows the registry's current version)."""

        def build() -> CurrentModel:
            from core.chat import CurrentModel

            return CurrentModel(self.settings)

        return self._part("current_model", build)

    @property
    def chat(self) -> ChatModel:
        return self.current_model()

    @property
    def answerer(self) -> Answerer:
        def build() -> Answerer:
            from core.answer import build_answerer

            return build_answerer(
                self.settings, retriever=self.retriever, chat=self.current_model, embedder=self.embedder
            )

        return self._part("answerer", build)

    def close(self) -> None:
        """Close what was built here (the store, the manifest, the embedding cache), once a model
        still loading in the background has finished."""
        embedder = self._parts.get("embedder")
        if embedder is not None and hasattr(embedder, "settle"):
            embedder.settle()
        for name in ("store", "manifest", "cached_embedder"):
            part = self._parts.get(name)
            # an Embedder alone has nothing to close
            if name in self._owned and part is not None and hasattr(part, "close"):
                part.close()
