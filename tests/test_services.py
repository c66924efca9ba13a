"""`Services` builds each part once from Settings; a part handed in is used, and stays its giver's."""

from __future__ import annotations

import pytest

from core.services import Services
from core.settings import Settings


def test_a_misspelled_part_is_refused(tmp_path, embedder):
    with pytest.raises(TypeError, match="embeder"):
        Services(Settings(data_dir=tmp_path, _env_file=None), embeder=embedder)


def test_parts_are_built_once_and_given_ones_are_not_closed(tmp_path, embedder):
    settings = Settings(data_dir=tmp_path, top_k=3, min_relevance=0.2, _env_file=None)
    owner = Services(settings, embedder=embedder)
    store = owner.store
    services = Services(settings, embedder=embedder, store=store, current_model=lambda: None)
    assert services.store is store and services.retriever is services.retriever
    assert services.embedder is embedder and services.bulk_embedder is embedder
    answerer = services.answerer
    assert answerer is services.answerer and answerer.retriever is services.retriever
    assert answerer.top_k == 3 and answerer.coverage.min_relevance == 0.2 and answerer.chat() is None
    services.close()
    assert store.collections() == [], "a store handed in stays open for its giver"
    owner.close()
