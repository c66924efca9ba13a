"""compose.yaml runs the code paths the tests exercise, with health checks, volumes and settings."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_services_volumes_and_health_checks(compose):
    services = compose["services"]
    assert {"qdrant", "ollama", "bot", "ingest-watcher", "trainer"} <= set(services)
    for name in ("qdrant", "ollama", "bot", "ingest-watcher", "trainer"):
        assert "healthcheck" in services[name], name
        assert services[name]["healthcheck"]["test"], name
    assert set(compose["volumes"]) >= {"rfp_data", "qdrant_storage", "ollama_models"}
    assert "qdrant_storage:/qdrant/storage" in services["qdrant"]["volumes"]
    assert services["trainer"]["profiles"] == ["train"]
    gpu = services["trainer-gpu"]["deploy"]["resources"]["reservations"]["devices"][0]
    assert gpu["driver"] == "nvidia" and services["trainer-gpu"]["profiles"] == ["train-gpu"]


def test_app_services_use_the_servers_and_the_same_commands(compose):
    services = compose["services"]
    for name in ("bot", "ingest-watcher", "trainer", "model-init"):
        env = services[name]["environment"]
        assert env["QDRANT_URL"] == "http://qdrant:6333" and env["OLLAMA_HOST"] == "http://ollama:11434", name
        assert services[name]["env_file"] == ".env"
        assert "rfp_data:/data" in services[name]["volumes"]
    assert services["bot"]["command"][:3] == ["python", "-m", "bot"]
    assert services["ingest-watcher"]["command"][:3] == ["python", "-m", "ingest"]
    assert "--watch" in services["ingest-watcher"]["command"]
    assert services["bot"]["depends_on"]["qdrant"]["condition"] == "service_healthy"


def test_compose_settings_select_the_tested_backends(compose, tmp_path, monkeypatch):
    """With compose's environment, Settings pick qdrant-client against a server and the Ollama chat
    backend: the classes tests/test_store.py and tests/test_chat_backends.py exercise."""
    import re

    from core.chat import open_chat_model
    from core.chat.ollama import OllamaChat
    from core.settings import Settings
    from core.store import open_store
    from core.store.qdrant import QdrantStore

    env = compose["services"]["bot"]["environment"]
    for key, value in env.items():  # compose's ${VAR:-default} with VAR unset
        monkeypatch.setenv(key, re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value)))
    monkeypatch.setenv("RFP_DATA_DIR", str(tmp_path))
    settings = Settings(_env_file=None)
    assert settings.resolved_store_backend == "server" and settings.resolved_chat_backend == "ollama"
    store = open_store(settings)  # qdrant-client connects lazily: no server needed to build it
    assert type(store) is QdrantStore and store.backend == "server"
    chat = open_chat_model(settings)
    assert type(chat) is OllamaChat and chat.model == "rfp-copilot"


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose is not installed")
def test_docker_compose_accepts_it(tmp_path):
    shutil.copy(ROOT / "compose.yaml", tmp_path / "compose.yaml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        ["docker-compose", "--profile", "train", "--profile", "train-gpu", "config", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_dockerfile_installs_the_project_and_pins_torch():
    text = (ROOT / "Dockerfile").read_text()
    assert "torch==2.13.0" in text and "pip install '.[server]'" in text
