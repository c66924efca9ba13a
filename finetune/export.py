"""Export: a run's merged weights -> GGUF (f16 and a quantized file) + an Ollama Modelfile.

The export is registered in the model registry (`core.registry`) under its version, not promoted.

`runs/<version>/model.gguf` is the file to serve (the quantized one, or f16 with quantization=none);
the embedded llama.cpp backend loads it by path, and `ollama create` gets the same file, template,
stop tokens and context length when an Ollama server is configured.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from core.errors import UserFacingError
from core.settings import Settings
from finetune.artifacts import Run, finish, lineage, load_run, new_run
from finetune.base_model import load_tokenizer, load_version
from finetune.config import ExportConfig, as_dict
from finetune.modelfile import chat_format, modelfile, ollama_template, stop_tokens, verify
from finetune.tools import convert

log = logging.getLogger(__name__)

GGUF = "model.gguf"
GGUF_F16 = "model-f16.gguf"
MODELFILE = "Modelfile"
QUANTIZATIONS = ("q8_0", "q4_k_m", "none")


def quantize_k(src: Path, dst: Path, kind: str = "q4_k_m") -> Path:
    """K-quants come from llama.cpp's own quantizer (through llama-cpp-python), not the converter."""
    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = {"q4_k_m": llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_K_M}[kind]
    if llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(), params) != 0 or not dst.exists():
        raise UserFacingError(f"llama.cpp could not quantize {src} to {kind}")
    return dst


def export(settings: Settings, config: ExportConfig, version: str, ollama_client=None) -> Run:
    """Write the GGUF files and the Modelfile for `version`; `ollama create` when OLLAMA_HOST is set.

    `ollama_client` is an `ollama.Client`; by default one is made for settings.ollama_host. A failed
    export leaves nothing behind."""
    if config.quantization not in QUANTIZATIONS:
        raise UserFacingError(f"quantization must be one of {', '.join(QUANTIZATIONS)}")
    source = load_run(settings, version)
    base = source.manifest["base_model"]
    tokenizer = load_tokenizer(base["hf_dir"])
    fmt = chat_format(tokenizer)
    template = ollama_template(fmt)
    verify(tokenizer, template, fmt.default_system)
    trained = [r.manifest["config"].get("max_seq_len") for r in lineage(settings, version)]
    run = new_run(
        settings,
        "export",
        base=base,
        data=[{"source": f"run:{version}", "sha256": None}],
        config=as_dict(config),
        parent=version,
    )
    try:
        metrics, files = _write(settings, config, run, version, tokenizer)
        metrics.update(
            trained_max_seq_len=[t for t in trained if t],
            stop=stop_tokens(tokenizer, fmt),
            template=template,
            system=fmt.default_system,
        )
        (run.dir / MODELFILE).write_text(
            modelfile(GGUF, template, metrics["stop"], metrics["num_ctx"], fmt.default_system)
        )
        files["modelfile"] = MODELFILE
        if settings.ollama_host or ollama_client is not None:
            metrics["ollama_model"] = create_in_ollama(
                settings,
                run.dir / GGUF,
                config.ollama_name or f"rfp-{version}",
                template,
                metrics["stop"],
                metrics["num_ctx"],
                fmt.default_system,
                ollama_client,
            )
    except BaseException:
        shutil.rmtree(run.dir, ignore_errors=True)
        raise
    finish(run, metrics, files)
    register(settings, run, source)
    return run


def register(settings: Settings, run: Run, source: Run) -> None:
    """List the export in the model registry (not promoted), so `rfp ask` and the bot can use it by
    version and `rfp models promote` can make it current."""
    from core.registry import ModelEntry, Registry

    headline = {
        k: source.manifest["metrics"][k]
        for k in ("heldout_perplexity", "final_loss")
        if k in source.manifest["metrics"]
    }
    headline.update(
        quantization=run.manifest["metrics"]["quantization"], num_ctx=run.manifest["metrics"]["num_ctx"]
    )
    Registry(settings.models_dir).register(
        ModelEntry(
            version=run.version,
            path=str(run.dir),
            gguf=GGUF,
            created_at=run.manifest["created_at"],
            manifest=run.manifest,
            metrics=headline,
            ollama_model=run.manifest["metrics"].get("ollama_model"),
        )
    )


def _write(settings: Settings, config: ExportConfig, run: Run, version: str, tokenizer):
    """The merged weights as a Hugging Face folder (temporary), then the GGUF files."""
    base = run.manifest["base_model"]
    hf_dir = run.dir / "hf.tmp"
    model = load_version(settings, version, base)
    num_ctx = config.num_ctx or int(model.config.max_position_embeddings)
    model.save_pretrained(hf_dir)
    tokenizer.save_pretrained(hf_dir)
    del model
    try:
        f16 = convert(settings, hf_dir, run.dir / GGUF_F16, "f16")
        if config.quantization == "q8_0":
            convert(settings, hf_dir, run.dir / GGUF, "q8_0")
        elif config.quantization == "q4_k_m":
            quantize_k(f16, run.dir / GGUF)
        else:
            shutil.copyfile(f16, run.dir / GGUF)
    finally:
        shutil.rmtree(hf_dir, ignore_errors=True)
    metrics: dict[str, Any] = {
        "quantization": config.quantization,
        "gguf_bytes": (run.dir / GGUF).stat().st_size,
        "gguf_f16_bytes": f16.stat().st_size,
        "num_ctx": num_ctx,
    }
    return metrics, {"gguf_f16": GGUF_F16, "gguf": GGUF}


def create_in_ollama(
    settings: Settings,
    gguf: Path,
    name: str,
    template: str,
    stops: list[str],
    num_ctx: int,
    system: str | None,
    client=None,
) -> str:
    """Upload the GGUF as a blob and `POST /api/create` with the Modelfile's template and parameters."""
    import httpx
    import ollama

    client = client or ollama.Client(host=settings.ollama_host)
    where = settings.ollama_host or "the Ollama server"
    try:
        digest = client.create_blob(gguf)
        client.create(
            model=name,
            files={gguf.name: digest},
            template=template,
            system=system,
            parameters={"stop": stops, "num_ctx": num_ctx},
        )
    except ollama.ResponseError as exc:
        raise UserFacingError(f"{where} refused to create {name}: {str(exc.error)[:300]}") from exc
    except httpx.HTTPError as exc:
        raise UserFacingError(f"cannot reach {where}: {exc}") from exc
    log.info("created Ollama model %s", name)
    return name
