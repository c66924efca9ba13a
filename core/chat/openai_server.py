"""llama-cpp-python's own OpenAI-compatible server (`/v1/chat/completions`), for serving a GGUF to
several bot replicas, with the same CPU workaround as the in-process backend.

    python -m core.chat.openai_server --model model.gguf --port 8000 [--n_ctx 2048]

Any OpenAI-compatible server (vLLM on GPUs, TGI) works the same way behind RFP_OPENAI_BASE_URL.
"""

from __future__ import annotations

import runpy
import sys

from core.chat.llamacpp import cpu_has_amx, without_extra_buffers


def main(argv: list[str] | None = None) -> None:
    if cpu_has_amx():
        without_extra_buffers()
    sys.argv = ["llama_cpp.server", *(sys.argv[1:] if argv is None else argv)]
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
