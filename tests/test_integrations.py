"""Our retrieval inside LangChain and LlamaIndex pipelines keeps its citations.

The frameworks are optional extras (`pip install '.[langchain]'`, `'.[llamaindex]'`; the `dev` extra has
both): where one is absent its test is skipped, with the reason, before the index is built."""

from __future__ import annotations

import importlib

import pytest

from tests.conftest import make_services


def needs(module: str, extra: str) -> pytest.MarkDecorator:
    try:
        importlib.import_module(module)
        missing = False
    except ImportError:
        missing = True
    return pytest.mark.skipif(missing, reason=f"{module} is not installed (pip install '.[{extra}]')")


@pytest.fixture(scope="module")
def services(tmp_path_factory, embedder, data_root):
    services = make_services(tmp_path_factory.mktemp("integrations"), embedder)
    services.indexer.index_file(data_root / "far/FAR_part_42.md", "public", display="far/FAR_part_42.md")
    yield services
    services.close()


@needs("langchain_core", "langchain")
def test_langchain_retriever(services):
    from core.integrations.langchain import RfpRetriever

    docs = RfpRetriever(retriever=services.retriever, collections=["public"], k=3).invoke(
        "How long does a contractor have to comment on a past performance evaluation?"
    )
    assert len(docs) == 3
    assert docs[0].metadata["path"] == "far/FAR_part_42.md" and docs[0].metadata["section"]
    assert any("14 calendar days" in d.page_content for d in docs)


@needs("llama_index.core", "llamaindex")
def test_llamaindex_retriever(services):
    from core.integrations.llamaindex import RfpLlamaRetriever

    nodes = RfpLlamaRetriever(services.retriever, ["public"], k=3).retrieve("CPARS comment period")
    assert len(nodes) == 3 and nodes[0].score > 0
    assert nodes[0].node.metadata["path"] == "far/FAR_part_42.md"
