"""What this CPU can do, read from /proc/cpuinfo without importing torch.

The embedding path is chosen from it: native bfloat16 (AMX or AVX512-BF16) runs the model in torch
bfloat16; without it, int8 ONNX Runtime (see core/embedding.py). Benchmarks print `describe()` so a
figure always names the CPU it was measured on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

BF16_FLAGS = ("amx_bf16", "avx512_bf16")
# The features that decide which kernels the embedding libraries run.
SHOWN_FLAGS = ("avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_bf16", "amx_int8")


@dataclass(frozen=True)
class CpuInfo:
    model: str
    flags: frozenset[str]
    cores: int

    @property
    def native_bf16(self) -> bool:
        return any(flag in self.flags for flag in BF16_FLAGS)

    def describe(self) -> str:
        shown = " ".join(f for f in SHOWN_FLAGS if f in self.flags) or "none of " + " ".join(SHOWN_FLAGS)
        return f"{self.model}, {self.cores} cores; {shown}"


def cpu_info(cpuinfo: Path = Path("/proc/cpuinfo")) -> CpuInfo:
    """The CPU's model name and feature flags (empty where /proc/cpuinfo does not exist)."""
    model, flags = "unknown CPU", frozenset[str]()
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and model == "unknown CPU":
            model = value.strip()
        elif key == "flags" and not flags:
            flags = frozenset(value.split())
    return CpuInfo(model, flags, os.cpu_count() or 1)
