"""Shared core: settings, documents, embeddings, the Qdrant store, retrieval, chat models and citations.

`bot`, `ingest` and `finetune` build on this package and never on each other.
"""
