"""Any OpenAI-compatible chat server (vLLM, llama.cpp's server, TGI): `POST /v1/chat/completions`
with server-sent events. Used to scale answers out beyond one machine."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx

from core.chat.base import GenerationStats, Message, Timer, safe_messages
from core.errors import UserFacingError


class OpenAIChat:
    backend = "openai"

    def __init__(self, base_url: str, model: str, api_key: str = "none", timeout: float = 300.0):
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.client = httpx.Client(timeout=timeout, headers={"Authorization": f"Bearer {api_key}"})

    @property
    def version(self) -> str:
        return f"openai:{self.model}"

    def stream(
        self,
        messages: list[Message],
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
        stats: GenerationStats | None = None,
    ) -> Iterator[str]:
        timer = Timer(stats)
        body = {
            "model": self.model,
            "messages": safe_messages(messages),
            "max_tokens": max_tokens,
            "temperature": temperature,
            "stream": True,
            "seed": 0,
        }
        if stop:
            body["stop"] = stop
        with self.client.stream("POST", f"{self.base_url}/chat/completions", json=body) as response:
            if response.status_code != 200:
                response.read()
                raise UserFacingError(
                    f"chat server {self.base_url} answered {response.status_code}: {response.text[:200]}"
                )
            for line in response.iter_lines():
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    break
                chunk = json.loads(data)
                choices = chunk.get("choices") or []
                delta = (choices[0].get("delta") or {}).get("content") if choices else None
                if delta:
                    timer.token()
                    yield delta
        timer.done()
