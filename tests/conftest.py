"""Shared fixtures: the real embedding model (loaded once), real Qdrant stores in temp folders, and
the shared public data set beside the repository (`../shared/data`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
DATA = SHARED / "data"


def pytest_configure(config):
    # Settings must come from the tests, never from a developer's .env or environment.
    for key in list(os.environ):
        if key.startswith("RFP_") or key in ("QDRANT_URL", "OLLAMA_HOST"):
            del os.environ[key]


@pytest.fixture(scope="session")
def data_root() -> Path:
    if not DATA.exists():
        pytest.fail(f"the shared data set is missing: expected it at {DATA}")
    return DATA


@pytest.fixture(scope="session")
def embedder():
    from core.embedding import Embedder

    return Embedder()


@pytest.fixture
def settings(tmp_path):
    from core.settings import Settings

    return Settings(data_dir=tmp_path / "data", _env_file=None)


@pytest.fixture
def services(settings, embedder):
    from core.services import Services

    s = Services(settings, embedder=embedder)
    yield s
    s.close()


def make_services(tmp_path: Path, embedder, **overrides):
    from core.services import Services
    from core.settings import Settings

    return Services(Settings(data_dir=tmp_path, _env_file=None, **overrides), embedder=embedder)
