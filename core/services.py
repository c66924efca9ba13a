"""Building the product's parts from Settings, once per process, lazily.

Entry points create one `Services(settings)` and hand its parts to the code that needs them;
nothing here is a module global, so tests build their own.
"""

from __future__ import annotations

import threading
from functools import cached_property

from core.settings import Settings


class Services:
    def __init__(self, settings: Settings, **parts):
        """`parts` pre-empt what would be built (tests share one embedder: `Services(s, embedder=e)`)."""
        self.settings = settings
        self._lock = threading.Lock()
        if "embedder" in parts and "bulk_embedder" not in parts:
            parts["bulk_embedder"] = parts["embedder"]
        self.__dict__.update(parts)

    @cached_property
    def embedder(self):
        """For questions and answers: a few texts at a time, fast to start (ONNX, no torch import)."""
        from core.embedding import Embedder

        s = self.settings
        return Embedder(s.embed_model_dir, "auto", s.embed_batch_size, s.embed_threads,
                        backend=s.resolved_query_backend, artifacts_dir=s.embed_artifacts_dir)

    @cached_property
    def bulk_embedder(self):
        """For ingest: the fastest accepted path on this CPU (torch bf16, else int8 ONNX)."""
        from core.embedding import Embedder

        s = self.settings
        return Embedder(s.embed_model_dir, s.embed_dtype, s.embed_batch_size, s.embed_threads,
                        backend=s.embed_backend, artifacts_dir=s.embed_artifacts_dir)

    @cached_property
    def cached_embedder(self):
        """The ingest embedder behind the data folder's embedding cache (or alone, with no cache)."""
        from core.embed_cache import CachedEmbedder, rows_for

        s = self.settings
        if not s.embed_cache_mb:
            return self.bulk_embedder
        return CachedEmbedder(self.bulk_embedder, s.embed_cache_path, rows_for(s.embed_cache_mb))

    @cached_property
    def store(self):
        from core.store import open_store

        return open_store(self.settings)

    @cached_property
    def manifest(self):
        from core.manifest import Manifest

        return Manifest(self.settings.manifest_path)

    @cached_property
    def indexer(self):
        from core.indexing import Indexer

        s = self.settings
        return Indexer(
            self.store, self.cached_embedder, self.manifest, chunk_tokens=s.chunk_tokens,
            max_file_bytes=int(s.max_file_mb * 2**20), max_expanded_bytes=int(s.max_expanded_mb * 2**20),
            workers=s.ingest_workers,
        )

    @cached_property
    def retriever(self):
        from core.retrieval import Retriever

        return Retriever(self.store, self.embedder)

    @cached_property
    def current_model(self):
        """Callable giving the chat model to use now (follows the registry's current version)."""
        from core.chat import CurrentModel

        return CurrentModel(self.settings)

    @property
    def chat(self):
        return self.current_model()

    @cached_property
    def answerer(self):
        from core.answer import Answerer

        s = self.settings
        return Answerer(
            self.retriever, self.current_model, self.embedder, top_k=s.top_k, max_new_tokens=s.max_new_tokens,
            extractive=s.extractive, min_relevance=s.min_relevance,
        )

    def close(self) -> None:
        for name in ("store", "manifest", "cached_embedder"):
            part = self.__dict__.get(name)
            if hasattr(part, "close"):  # an Embedder alone (no cache) has nothing to close
                part.close()
