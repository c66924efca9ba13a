"""all-MiniLM-L6-v2 in torch: the bfloat16 path on CPUs with native bf16, and the ONNX export.

The one module in `core` that imports torch and transformers. A backend takes padded word-piece ids
and an attention mask (numpy) and returns mean-pooled, L2-normalized float32 sentence vectors.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel
from transformers.utils import logging as hf_logging

log = logging.getLogger(__name__)


def _load(model_dir: Path, dtype: torch.dtype, attention: str | None = None):
    hf_logging.set_verbosity_error()  # the pooler weights it skips are not news
    hf_logging.disable_progress_bar()
    extra = {"attn_implementation": attention} if attention else {}
    # Mean pooling uses the token states; BERT's pooler head (CLS dense + tanh) is not needed.
    model = AutoModel.from_pretrained(str(model_dir), dtype=dtype, add_pooling_layer=False, **extra)
    return model.eval()


class TorchBackend:
    def __init__(self, model_dir: Path, dtype: str, threads: int = 0):
        if threads:
            torch.set_num_threads(threads)
        self.model = _load(model_dir, getattr(torch, dtype))

    def run(self, input_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            ids, attn = torch.from_numpy(input_ids), torch.from_numpy(mask)
            hidden = self.model(
                input_ids=ids, attention_mask=attn, token_type_ids=torch.zeros_like(attn)
            ).last_hidden_state.float()
            m = attn.unsqueeze(-1).float()
            pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
            return torch.nn.functional.normalize(pooled, dim=-1).numpy()


class _Pooled(torch.nn.Module):
    """The model with mean pooling and normalization, so the ONNX graph returns the final vector."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        hidden = self.model(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
        ).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
        return torch.nn.functional.normalize(pooled, dim=-1)


def export_onnx(model_dir: Path, dest: Path) -> None:
    """Write the float32 model (with pooling) as ONNX, from the packaged safetensors, offline.

    Eager attention and the TorchScript exporter give the graph ONNX Runtime's BERT optimizer fuses
    (Attention, SkipLayerNormalization, BiasGelu); the SDPA graph of the dynamo exporter it does not."""
    model = _load(model_dir, torch.float32, attention="eager")
    ids = torch.ones((2, 16), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about Python-side shape checks
        torch.onnx.export(
            _Pooled(model),
            (ids, torch.ones_like(ids)),
            str(dest),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "embedding": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
