"""all-MiniLM-L6-v2 in ONNX Runtime: the fast path on CPUs without native bfloat16, and the query path.

The one module in `core` that imports onnxruntime. The graph comes from our own export of the
packaged safetensors (core/embed_torch.py, never downloaded); `optimize` fuses it with ONNX
Runtime's BERT optimizer and `quantize` makes the dynamic int8 variant: per-channel int8 weights
for the matrix products (MatMul and the fused Attention), word embeddings and layer norms left in
float32. Measured choices are in the README ("Choices measured before making them").
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import onnxruntime as ort

log = logging.getLogger(__name__)

HEADS, HIDDEN = 12, 384  # all-MiniLM-L6-v2


class OnnxBackend:
    def __init__(self, path: Path, threads: int = 0, spin: bool = True, prepack: bool = True):
        """`spin=False`: threads sleep instead of spinning between runs, leaving the cores to other
        processes (ingest's parser process) while the main one tokenizes, writes or waits.
        `prepack=False`: weights are not repacked for the matrix kernels at load time, which a
        command that embeds a few texts does not earn back (load 0.37 -> 0.30 s on 2 AVX2 cores,
        a batch of 27 sentences as fast)."""
        options = ort.SessionOptions()
        # The file is already fused offline: what is left to do at load time is cheap.
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            options.intra_op_num_threads = threads
        options.log_severity_level = 3
        if not spin:
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        if not prepack:
            options.add_session_config_entry("session.disable_prepacking", "1")
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def run(self, input_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.session.run(None, {"input_ids": input_ids, "attention_mask": mask})[0]


def optimize(raw: Path, dest: Path) -> None:
    """Fuse the exported graph (EmbedLayerNormalization, Attention, SkipLayerNormalization, BiasGelu)."""
    from onnxruntime.transformers import optimizer

    model = optimizer.optimize_model(
        str(raw), model_type="bert", num_heads=HEADS, hidden_size=HIDDEN, opt_level=1
    )
    fused = {k: v for k, v in model.get_fused_operator_statistics().items() if v}
    log.debug("fused ONNX graph: %s", fused)
    model.save_model_to_file(str(dest))


def quantize(fp32: Path, dest: Path) -> None:
    """Dynamic int8: weights per output channel, activations quantized per batch at run time."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(fp32),
        str(dest),
        per_channel=True,
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul", "Attention"],
        # The fused contrib ops have no shape inference: their outputs are float32.
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
