"""`rfp models publish --to-ollama`: the current model (or the packaged base) reaches an Ollama server
through its documented API (`POST /api/blobs/sha256:<digest>`, then `POST /api/create`), served here
by a local HTTP server."""

from __future__ import annotations

import hashlib
import json

import ollama
import pytest

from core.errors import UserFacingError
from core.models import packaged_chat_gguf
from core.registry import ModelEntry, Registry
from core.settings import Settings
from finetune.publish import publish

TEMPLATE = "{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}{{ .Prompt }}"


def digest_of(path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def registered(tmp_path, metrics: dict) -> tuple[Settings, ModelEntry]:
    """A data folder whose registry's current model is an exported run with these manifest metrics."""
    settings = Settings(data_dir=tmp_path / "data", ollama_host=None, _env_file=None)
    run = tmp_path / "runs" / "export-1"
    run.mkdir(parents=True)
    (run / "model.gguf").write_bytes(b"GGUF" + bytes(range(256)) * 64)
    entry = ModelEntry(
        "export-1", str(run), "model.gguf", "2026-03-01T00:00:00+00:00", manifest={"metrics": metrics}
    )
    registry = Registry(settings.models_dir)
    registry.register(entry)
    registry.promote("export-1")
    return settings, entry


def test_publishing_needs_an_ollama_server(tmp_path):
    with pytest.raises(UserFacingError, match="set OLLAMA_HOST"):
        publish(Settings(data_dir=tmp_path, ollama_host=None, _env_file=None))


def test_the_current_model_is_created_with_its_exported_format(tmp_path, httpserver):
    settings, entry = registered(
        tmp_path,
        {
            "template": TEMPLATE,
            "stop": ["<|im_end|>", "<|im_start|>"],
            "num_ctx": 8192,
            "system": "Be brief.",
        },
    )
    digest = digest_of(entry.gguf_path)
    httpserver.expect_ordered_request(f"/api/blobs/{digest}", method="POST").respond_with_data("", status=201)
    httpserver.expect_ordered_request("/api/create", method="POST").respond_with_json({"status": "success"})
    name = publish(settings, "rfp-team", ollama.Client(host=httpserver.url_for("")))
    assert name == "rfp-team"
    httpserver.check_assertions()
    blob, create = httpserver.log
    assert blob[0].get_data() == entry.gguf_path.read_bytes()
    body = json.loads(create[0].get_data())
    assert body["model"] == "rfp-team" and body["files"] == {"model.gguf": digest}
    assert body["template"] == TEMPLATE and body["system"] == "Be brief."
    assert body["parameters"] == {"stop": ["<|im_end|>", "<|im_start|>"], "num_ctx": 8192}
    assert Registry(settings.models_dir).current().ollama_model == "rfp-team", (
        "the bot then asks for it by name"
    )


def test_a_current_model_without_its_format_must_be_exported_again(tmp_path, httpserver):
    settings, _ = registered(tmp_path, {"num_ctx": 8192})
    with pytest.raises(UserFacingError, match="lacks template, stop; export it again"):
        publish(settings, "rfp-team", ollama.Client(host=httpserver.url_for("")))
    assert not httpserver.log, "nothing is sent"
    assert Registry(settings.models_dir).current().ollama_model is None


def test_without_a_current_model_the_packaged_base_is_published(settings, base, tokenizer, httpserver):
    assert Registry(settings.models_dir).current() is None
    gguf = packaged_chat_gguf()
    digest = digest_of(gguf)
    httpserver.expect_ordered_request(f"/api/blobs/{digest}", method="POST").respond_with_data("", status=201)
    httpserver.expect_ordered_request("/api/create", method="POST").respond_with_json({"status": "success"})
    assert publish(settings, None, ollama.Client(host=httpserver.url_for(""))) == "rfp-copilot"
    httpserver.check_assertions()
    body = json.loads(httpserver.log[-1][0].get_data())
    assert body["model"] == "rfp-copilot" and body["files"] == {gguf.name: digest}
    assert body["parameters"]["num_ctx"] == 8192 and tokenizer.eos_token in body["parameters"]["stop"]
    assert body["system"] == "You are a helpful AI assistant named SmolLM, trained by Hugging Face"
    assert body["template"].endswith("<|im_start|>assistant\n")
