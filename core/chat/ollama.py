"""Ollama over HTTP (the `ollama` client): production, and `ollama create` of exported models."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from core.chat.base import GenerationStats, Message, Timer, safe_messages


class OllamaChat:
    backend = "ollama"

    def __init__(self, host: str, model: str, n_ctx: int = 2048, timeout: float = 300.0):
        import ollama

        self.client = ollama.Client(host=host, timeout=timeout)
        self.model = model
        self.n_ctx = n_ctx

    @property
    def version(self) -> str:
        return f"ollama:{self.model}"

    def stream(
        self,
        messages: list[Message],
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
        stats: GenerationStats | None = None,
    ) -> Iterator[str]:
        timer = Timer(stats)
        options: dict[str, Any] = {
            "temperature": temperature,
            "num_predict": max_tokens,
            "num_ctx": self.n_ctx,
            "seed": 0,
            "repeat_penalty": 1.15,
        }
        if stop:
            options["stop"] = stop
        parts = self.client.chat(
            model=self.model, messages=safe_messages(messages), stream=True, options=options
        )
        for part in parts:
            content = part.message.content if part.message else ""
            if content:
                timer.token()
                yield content
            if part.done and stats is not None:
                stats.prompt_tokens = part.prompt_eval_count or 0
        timer.done()
