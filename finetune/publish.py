"""Putting the current model into an Ollama server (`rfp models publish --to-ollama`): the registry's
current version, or the packaged base model when none is promoted yet. compose.yaml's `model-init`
runs it so a fresh stack answers from the first request."""

from __future__ import annotations

from pathlib import Path

from core.errors import UserFacingError
from core.settings import Settings


def publish(settings: Settings, name: str | None = None, client=None) -> str:
    from core.registry import Registry
    from finetune.export import create_in_ollama

    if not settings.ollama_host and client is None:
        raise UserFacingError("set OLLAMA_HOST to publish a model to Ollama")
    name = name or settings.chat_model or "rfp-copilot"
    registry = Registry(settings.models_dir)
    current = registry.current()
    if current is not None:
        metrics = current.manifest.get("metrics", {})
        missing = [k for k in ("template", "stop", "num_ctx") if k not in metrics]
        if missing:
            raise UserFacingError(
                f"model {current.version}: its manifest lacks {', '.join(missing)}; export it again"
            )
        create_in_ollama(
            settings,
            current.gguf_path,
            name,
            metrics["template"],
            metrics["stop"],
            metrics["num_ctx"],
            metrics.get("system"),
            client,
        )
        current.ollama_model = name
        registry.register(current)
        return name
    gguf, template, stops, num_ctx, system = base_model_format(settings)
    return create_in_ollama(settings, gguf, name, template, stops, num_ctx, system, client)


def base_model_format(settings: Settings) -> tuple[Path, str, list[str], int, str | None]:
    """The packaged GGUF with the Modelfile parts derived from its own tokenizer's chat template."""
    from core.models import packaged_chat_gguf
    from finetune.base_model import load_tokenizer, resolve_base
    from finetune.modelfile import chat_format, ollama_template, stop_tokens, verify

    base = resolve_base(settings)
    tokenizer = load_tokenizer(base["hf_dir"])
    fmt = chat_format(tokenizer)
    template = ollama_template(fmt)
    verify(tokenizer, template, fmt.default_system)
    import json

    config = json.loads((Path(base["hf_dir"]) / "config.json").read_text())
    num_ctx = int(config.get("max_position_embeddings") or 2048)
    return packaged_chat_gguf(), template, stop_tokens(tokenizer, fmt), num_ctx, fmt.default_system
