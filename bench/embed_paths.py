"""The embedding paths side by side on this CPU: the same chunk texts through each backend, each in its
own process (so one backend's thread pool never slows another's), in interleaved rounds, with the
cosine similarity of each path's vectors to torch float32's.

The texts are the product's own chunks (parser and chunker, as ingest makes them) of the files under
`--data`, sampled evenly. The path chosen without bf16 (`RFP_EMBED_DTYPE=float32`) is printed last,
with the CPU's features. Each path's matrix work per second (the model's six layers' products, per
token) is printed beside this CPU's float32 matrix-product rate measured with numpy on the same
shapes: how far a faster kernel could still take a path on this machine.

    python bench/embed_paths.py [--data ../shared/data] [--n 1000] [--rounds 2]
        [--backends torch-fp32,onnx-fp32,onnx-int8,torch-bf16]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def chunk_texts(data: Path, n: int) -> list[str]:
    """`n` chunk texts, sampled evenly from every file ingest would read under `data` (OCR off)."""
    from core.chunking import Chunker
    from core.documents import parse
    from core.embedding import Embedder
    from core.errors import DocumentError
    from core.indexing.workers import walk

    tokens = Embedder(backend="onnx-fp32")  # tokenizer only: no model is loaded
    chunker = Chunker(tokens.count_tokens, 200, tokens.truncate)
    texts: list[str] = []
    files, _ = walk([data])
    for path, shown in files:
        try:
            texts += [c.embed_text for c in chunker.chunk(parse(path, shown, ocr=False))]
        except DocumentError:
            continue
    step = max(1, len(texts) // n)
    return texts[::step][:n]


HIDDEN, FFN, LAYERS = 384, 1536, 6  # all-MiniLM-L6-v2
FLOPS_PER_TOKEN = 2 * LAYERS * (4 * HIDDEN * HIDDEN + 2 * HIDDEN * FFN)  # Q, K, V, output; FFN in, out


def gemm_rate(rows: int = 4096, repeats: int = 30) -> float:
    """This CPU's float32 matrix-product rate (GFLOP/s, numpy's BLAS on all cores) on the model's
    largest shape: (tokens x 384) @ (384 x 1536)."""
    rng = np.random.default_rng(0)
    a = rng.random((rows, HIDDEN), dtype=np.float32)
    b = rng.random((HIDDEN, FFN), dtype=np.float32)
    for _ in range(3):
        a @ b
    started = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * rows * HIDDEN * FFN * repeats / (time.perf_counter() - started) / 1e9


def child(backend: str, texts_file: Path, out: Path, threads: int) -> None:
    from core.embedding import Embedder

    texts = json.loads(texts_file.read_text())
    embedder = Embedder(backend=backend, threads=threads)
    embedder.embed(texts[:32])  # load (and build the ONNX file the first time), warm the kernels
    started = time.perf_counter()
    vectors = embedder.embed(texts)
    seconds = time.perf_counter() - started
    np.save(out, vectors)
    print(json.dumps({"seconds": seconds}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=0, help="0: the backend's default (all cores)")
    parser.add_argument("--backends", default="torch-fp32,onnx-fp32,onnx-int8,torch-bf16")
    parser.add_argument("--child", nargs=3, metavar=("BACKEND", "TEXTS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]), args.threads)
        return

    from core.cpu import cpu_info
    from core.embedding import resolve_backend

    info = cpu_info()
    print(f"CPU: {info.describe()}; native bf16: {'yes' if info.native_bf16 else 'no'}")
    started = time.perf_counter()
    texts = chunk_texts(args.data, args.n)
    print(
        f"{len(texts)} chunk texts from {args.data} (parsed and chunked in {time.perf_counter() - started:.0f} s)"
    )
    from core.embedding import Embedder

    tokens = sum(Embedder(backend="onnx-fp32").count_tokens(texts)) + 2 * len(texts)  # with [CLS], [SEP]
    peak = gemm_rate()
    print(
        f"{tokens} tokens ({tokens / len(texts):.0f} a text); numpy float32 matrix products: {peak:.1f} GFLOP/s"
    )
    backends = args.backends.split(",")
    rates: dict[str, list[float]] = {b: [] for b in backends}
    with tempfile.TemporaryDirectory() as tmp:
        texts_file = Path(tmp) / "texts.json"
        texts_file.write_text(json.dumps(texts))
        for round_ in range(args.rounds):
            for backend in backends if round_ % 2 == 0 else backends[::-1]:
                out = Path(tmp) / f"{backend}.npy"
                command = [sys.executable, __file__, "--threads", str(args.threads), "--child", backend]
                done = subprocess.run(
                    [*command, str(texts_file), str(out)], capture_output=True, text=True, check=True
                )
                seconds = json.loads(done.stdout.strip().splitlines()[-1])["seconds"]
                rates[backend].append(len(texts) / seconds)
                print(f"  round {round_ + 1}, {backend}: {len(texts) / seconds:.1f} chunks/s", flush=True)
        reference = np.load(Path(tmp) / "torch-fp32.npy") if "torch-fp32" in backends else None
        print(
            "\nbackend       chunks/s (median)   tokens/s   matrix GFLOP/s (share of numpy fp32)   cosine to torch-fp32 (min / mean)"
        )
        for backend in backends:
            cosine = ""
            if reference is not None:
                vectors = np.load(Path(tmp) / f"{backend}.npy")
                sims = np.sum(vectors * reference, axis=1)  # both L2-normalised
                cosine = f"{sims.min():.4f} / {sims.mean():.5f}"
            rate = statistics.median(rates[backend])
            per_token = tokens / len(texts)
            work = rate * per_token * FLOPS_PER_TOKEN / 1e9
            print(
                f"{backend:<13} {rate:>8.1f}            {rate * per_token:>8.0f}   "
                f"{work:>6.1f} ({work / peak:.2f})                         {cosine}"
            )
    print(f"\nchosen without bf16 (RFP_EMBED_DTYPE=float32): {resolve_backend('auto', 'float32')}")


if __name__ == "__main__":
    main()
