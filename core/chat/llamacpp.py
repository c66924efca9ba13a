"""llama.cpp in-process (llama-cpp-python): the embedded default, on a GGUF file.

The chat template comes from the GGUF's own metadata (`tokenizer.chat_template`), so a fine-tuned
export answers in the format it was trained with. One Llama object is not safe to call from two
threads; calls are serialized.

llama-cpp-python renders the template and tokenizes the whole prompt with `special=True`, so a
control token written inside a message (a document quoting `<|im_start|>system`) would become a
real one. Message contents are neutralized first, with the common markers and every control token
of the model's own vocabulary.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from core.chat.base import GenerationStats, Message, Timer, safe_messages

log = logging.getLogger(__name__)


def cpu_has_amx() -> bool:
    try:
        with open("/proc/cpuinfo") as f:
            return "amx_int8" in f.read()
    except OSError:
        return False


def without_extra_buffers() -> None:
    """Make every Llama loaded in this process skip llama.cpp's extra buffer types (AMX, repack).

    In llama-cpp-python 0.3.36, `ggml_backend_amx_mul_mat` crashes (SIGSEGV) on any batch of more
    than one token on CPUs with AMX (seen here with SmolLM2 Q4_1). The Python API has no switch for
    the model parameter `use_extra_bufts`, so its defaults are adjusted."""
    import llama_cpp.llama_cpp as C

    original = getattr(C.llama_model_default_params, "_rfp_original", C.llama_model_default_params)

    def params():
        p = original()
        p.use_extra_bufts = False
        return p

    params._rfp_original = original  # type: ignore[attr-defined]
    C.llama_model_default_params = params


def load_llama(model_path: Path, extra_buffers: bool | None = None, **kwargs):
    """`llama_cpp.Llama` on a GGUF, with extra buffer types off on CPUs with AMX (see above)."""
    from llama_cpp import Llama

    if extra_buffers is None:
        extra_buffers = not cpu_has_amx()
    if not extra_buffers:
        with _LOAD_LOCK:
            without_extra_buffers()
    return Llama(model_path=str(model_path), **kwargs)


_LOAD_LOCK = threading.Lock()


def control_tokens(llm) -> list[str]:
    """The texts of the vocabulary's control tokens (`<|im_start|>`, `<repo_name>`...)."""
    import llama_cpp

    model = llm._model
    out = []
    for token in range(model.n_vocab()):
        if model.token_get_attr(token) & llama_cpp.LLAMA_TOKEN_ATTR_CONTROL:
            text = model.token_get_text(token)
            if len(text) >= 3 and not text.isspace():
                out.append(text)
    return out


def _short_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read(1 << 20))
    h.update(str(path.stat().st_size).encode())
    return h.hexdigest()[:10]


class LlamaCppChat:
    backend = "llamacpp"

    def __init__(self, model_path: Path, n_ctx: int = 2048, n_threads: int = 0, version: str | None = None):
        self.model_path = Path(model_path)
        self._version = version or f"{self.model_path.stem}@{_short_hash(self.model_path)}"
        threads = n_threads or os.cpu_count() or 2
        self.llm = load_llama(
            self.model_path, n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads, verbose=False
        )
        self.n_ctx = n_ctx
        self.control_tokens = control_tokens(self.llm)
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        return self._version

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode(), add_bos=False, special=True))

    def stream(
        self,
        messages: list[Message],
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
        stats: GenerationStats | None = None,
    ) -> Iterator[str]:
        timer = Timer(stats)
        with self._lock:
            chunks = self.llm.create_chat_completion(
                messages=safe_messages(messages, self.control_tokens),
                max_tokens=max_tokens,
                temperature=temperature,
                stop=stop,
                stream=True,
                seed=0,
                repeat_penalty=1.15,
            )
            for chunk in chunks:
                delta = chunk["choices"][0].get("delta", {}).get("content")
                if delta:
                    timer.token()
                    yield delta
        timer.done()
