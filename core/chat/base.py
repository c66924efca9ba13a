"""The chat-model contract: messages in, streamed text out. Three backends keep it: llama.cpp
in-process (the embedded default), Ollama over HTTP, and any OpenAI-compatible server (vLLM,
llama.cpp's server) for scale-out. Each one sends `safe_messages(messages)`: servers and llama.cpp
render a chat template and then read control tokens in the whole prompt, so a `<|im_start|>system`
quoted from a document would open a real system turn."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from core.safety import neutralize

Message = dict[str, str]  # {"role": "system"|"user"|"assistant", "content": "..."}


@dataclass
class GenerationStats:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    first_token_s: float | None = None
    total_s: float = 0.0

    @property
    def tokens_per_s(self) -> float:
        gen = self.total_s - (self.first_token_s or 0.0)
        return (self.completion_tokens - 1) / gen if gen > 0 and self.completion_tokens > 1 else 0.0


@dataclass
class Generation:
    text: str
    stats: GenerationStats = field(default_factory=GenerationStats)


class ChatModel(Protocol):
    backend: str

    @property
    def version(self) -> str:
        """Which model answered (a registry version, a file hash or a server model name)."""
        ...

    def stream(
        self,
        messages: list[Message],
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
        stats: GenerationStats | None = None,
    ) -> Iterator[str]: ...


def safe_messages(messages: list[Message], control_tokens: Iterable[str] = ()) -> list[Message]:
    """The messages with model control strings in their content neutralized (`core.safety`), plus
    the model's own control tokens where the backend knows them."""
    control_tokens = tuple(control_tokens)
    return [{**m, "content": neutralize(m.get("content") or "", control_tokens)} for m in messages]


def complete(model: ChatModel, messages: list[Message], **kwargs) -> Generation:
    stats = GenerationStats()
    text = "".join(model.stream(messages, stats=stats, **kwargs))
    return Generation(text, stats)


class Timer:
    """Fills GenerationStats while a backend streams."""

    def __init__(self, stats: GenerationStats | None):
        self.stats = stats if stats is not None else GenerationStats()
        self.start = time.perf_counter()

    def token(self) -> None:
        self.stats.completion_tokens += 1
        if self.stats.first_token_s is None:
            self.stats.first_token_s = time.perf_counter() - self.start

    def done(self) -> None:
        self.stats.total_s = time.perf_counter() - self.start
