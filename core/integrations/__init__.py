"""Adapters that put the product's retrieval into other frameworks' pipelines (LangChain, LlamaIndex).
Each framework is imported only by its own module."""
