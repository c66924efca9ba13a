"""Chat models behind one interface; `open_chat_model(settings)` picks the backend."""

from __future__ import annotations

from pathlib import Path

from core.chat.base import ChatModel, Generation, GenerationStats, Message, complete
from core.errors import UserFacingError
from core.settings import Settings

__all__ = [
    "ChatModel",
    "CurrentModel",
    "Generation",
    "GenerationStats",
    "Message",
    "complete",
    "open_chat_model",
    "resolve_gguf",
]


def resolve_gguf(settings: Settings) -> tuple[Path, str | None]:
    """The GGUF the embedded backend loads: `chat_model` as a path or a registry version; else the
    registry's current model; else the packaged SmolLM2-135M-Instruct. Returns (path, version)."""
    from core.models import packaged_chat_gguf
    from core.registry import Registry

    registry = Registry(settings.models_dir)
    name = settings.chat_model
    if name:
        path = Path(name)
        if path.suffix == ".gguf":
            if not path.exists():
                raise UserFacingError(f"RFP_CHAT_MODEL={name}: no such file")
            return path, None
        entry = registry.get(name)
        if entry is None:
            raise UserFacingError(f"RFP_CHAT_MODEL={name}: not a .gguf file nor a registered model version")
        return entry.gguf_path, entry.version
    current = registry.current()
    if current is not None:
        return current.gguf_path, current.version
    return packaged_chat_gguf(), None


def open_chat_model(settings: Settings) -> ChatModel:
    backend = settings.resolved_chat_backend
    if backend == "ollama":
        from core.chat.ollama import OllamaChat
        from core.registry import Registry

        assert settings.ollama_host
        current = Registry(settings.models_dir).current()
        name = (current.ollama_model if current and current.ollama_model else None) or settings.chat_model
        return OllamaChat(settings.ollama_host, name or "rfp-copilot", n_ctx=settings.n_ctx)
    if backend == "openai":
        from core.chat.openai import OpenAIChat

        if not settings.openai_base_url:
            raise UserFacingError("RFP_CHAT_BACKEND=openai needs RFP_OPENAI_BASE_URL")
        return OpenAIChat(settings.openai_base_url, settings.chat_model or "default", settings.openai_api_key)
    from core.chat.llamacpp import LlamaCppChat

    path, version = resolve_gguf(settings)
    return LlamaCppChat(path, n_ctx=settings.n_ctx, n_threads=settings.n_threads, version=version)


class CurrentModel:
    """The chat model to answer with now: the registry's current version, reopened when a
    promotion or a rollback rewrites the registry, so a running bot picks it up without a restart.
    Call it to get the model; the check is one stat() of the registry file."""

    def __init__(self, settings: Settings, opener=open_chat_model):
        from core.registry import Registry

        self.settings = settings
        self.registry = Registry(settings.models_dir)
        self._opener = opener
        self._model: ChatModel | None = None
        self._stamp: float | None = None
        import threading

        self._lock = threading.Lock()

    def __call__(self) -> ChatModel:
        stamp = self.registry.stamp()
        with self._lock:
            if self._model is None or stamp != self._stamp:
                previous = self._model.version if self._model is not None else None
                self._model = self._opener(self.settings)
                self._stamp = stamp
                if previous is not None and previous != self._model.version:
                    import logging

                    logging.getLogger(__name__).info(
                        "chat model reloaded: %s -> %s", previous, self._model.version
                    )
            return self._model
