"""Export: GGUF files llama.cpp loads and generates with, and a Modelfile that matches training."""

from __future__ import annotations

import json

import pytest
from jinja2 import Template

from finetune import config as cfg
from finetune.export import GGUF, GGUF_F16, MODELFILE, export
from finetune.modelfile import PROBES, chat_format, ollama_template, parse_modelfile, render_go


@pytest.fixture(scope="session")
def exported(settings, sft_run, converter):
    return export(settings, cfg.ExportConfig(), sft_run.version)


def test_export_writes_gguf_that_llama_cpp_loads_and_generates(exported):
    import llama_cpp

    assert exported.complete and exported.manifest["parent"] is not None
    assert (exported.dir / GGUF).stat().st_size < (exported.dir / GGUF_F16).stat().st_size
    llm = llama_cpp.Llama(model_path=str(exported.dir / GGUF_F16), n_ctx=256, verbose=False)
    out = llm.create_chat_completion(
        messages=[{"role": "user", "content": "Is the work remote?"}], max_tokens=8, temperature=0
    )
    assert out["choices"][0]["message"]["content"].strip()
    assert out["usage"]["completion_tokens"] > 0


def test_export_is_registered_not_promoted(settings, exported):
    from core.registry import Registry

    registry = Registry(settings.models_dir)
    entry = registry.get(exported.version)
    assert entry is not None and entry.gguf_path == exported.dir / GGUF and entry.gguf_path.exists()
    assert entry.manifest["parent"] == exported.manifest["parent"]
    assert registry.current() is None


def test_quantized_gguf_loads_and_generates_in_the_embedded_backend(exported):
    from core.chat.llamacpp import load_llama

    # The product's loader: it turns off llama.cpp's AMX buffers, which crash quantized matmuls
    # over more than one token on this machine's CPUs (see core/chat/llamacpp.py).
    llm = load_llama(exported.dir / GGUF, n_ctx=256, verbose=False)
    assert llm.metadata["general.file_type"] == "7"  # MOSTLY_Q8_0
    out = llm.create_chat_completion(
        messages=[{"role": "user", "content": "What is the period of performance?"}],
        max_tokens=8,
        temperature=0,
    )
    assert out["usage"]["completion_tokens"] > 0 and out["usage"]["prompt_tokens"] > 1


def test_modelfile_template_matches_the_tokenizer(exported, tokenizer):
    import llama_cpp

    mf = parse_modelfile((exported.dir / MODELFILE).read_text())
    assert mf["from"] == f"./{GGUF}"
    llm = llama_cpp.Llama(model_path=str(exported.dir / GGUF_F16), n_ctx=64, vocab_only=True, verbose=False)
    gguf_template = Template(llm.metadata["tokenizer.chat_template"])
    for messages in PROBES:
        expected = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        assert render_go(mf["template"], messages, mf["system"]) == expected
        assert gguf_template.render(messages=messages, add_generation_prompt=True) == expected
    assert tokenizer.eos_token in mf["stop"] and "<|im_start|>" in mf["stop"]
    eos_id = int(llm.metadata["tokenizer.ggml.eos_token_id"])
    assert tokenizer.convert_ids_to_tokens(eos_id) in mf["stop"]
    assert mf["num_ctx"] == int(llm.metadata["llama.context_length"])
    assert mf["system"] == "You are a helpful AI assistant named SmolLM, trained by Hugging Face"


def test_template_is_chatml_without_trim_markers(tokenizer):
    template = ollama_template(chat_format(tokenizer))
    assert "{{-" not in template and "-}}" not in template
    assert template.endswith("<|im_start|>assistant\n")


def test_ollama_create_speaks_the_documented_protocol(settings, exported, httpserver):
    import hashlib

    import ollama

    from finetune.export import create_in_ollama

    digest = "sha256:" + hashlib.sha256((exported.dir / GGUF).read_bytes()).hexdigest()
    httpserver.expect_ordered_request(f"/api/blobs/{digest}", method="POST").respond_with_data("", status=201)
    httpserver.expect_ordered_request("/api/create", method="POST").respond_with_json({"status": "success"})
    mf = parse_modelfile((exported.dir / MODELFILE).read_text())
    name = create_in_ollama(
        settings,
        exported.dir / GGUF,
        "rfp-test",
        mf["template"],
        mf["stop"],
        mf["num_ctx"],
        mf["system"],
        ollama.Client(host=httpserver.url_for("")),
    )
    assert name == "rfp-test"
    httpserver.check_assertions()
    body = json.loads(httpserver.log[-1][0].get_data())
    assert body["model"] == "rfp-test" and body["files"] == {GGUF: digest}
    assert body["template"] == mf["template"] and body["system"] == mf["system"]
    assert body["parameters"] == {"stop": mf["stop"], "num_ctx": mf["num_ctx"]}


def test_ollama_error_is_shown_to_the_user(settings, exported, httpserver):
    import hashlib

    import ollama

    from core.errors import UserFacingError
    from finetune.export import create_in_ollama

    digest = "sha256:" + hashlib.sha256((exported.dir / GGUF).read_bytes()).hexdigest()
    httpserver.expect_request(f"/api/blobs/{digest}").respond_with_data("", status=201)
    httpserver.expect_request("/api/create").respond_with_json(
        {"error": "unsupported architecture"}, status=400
    )
    client = ollama.Client(host=httpserver.url_for(""))
    with pytest.raises(UserFacingError, match="unsupported architecture"):
        create_in_ollama(settings, exported.dir / GGUF, "rfp-bad", "{{ .Prompt }}", [], 2048, None, client)


def test_a_template_that_renders_differently_is_refused(tokenizer):
    from core.errors import UserFacingError
    from finetune.modelfile import verify

    fmt = chat_format(tokenizer)
    good = ollama_template(fmt)
    verify(tokenizer, good, fmt.default_system)
    with pytest.raises(UserFacingError, match="the Ollama template renders"):
        verify(tokenizer, good.replace("<|im_end|>\n", "<|im_end|>"), fmt.default_system)
    with pytest.raises(UserFacingError, match="the Ollama template renders"):
        verify(tokenizer, good, None)
