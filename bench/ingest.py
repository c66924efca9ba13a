"""Ingest all of ../shared/data and compare the whole pipeline with the embedding model alone, for the
bfloat16 path and for the path a CPU without bfloat16 gets, in one run, with the CPU named.

For each path, in a fresh data folder (so the embedding cache starts empty):
- `pipeline`: parse, chunk, embed (through the cache), sparse, store, index build;
- `embedder alone`: the same chunk texts embedded by the same backend, nothing else; target ratio
  pipeline/alone >= 0.8, and without bf16 the whole ingest in at most 300 s on two cores.
Then `sentence-transformers` with its defaults (fp32) on a sample of the texts, for scale.

The path without bf16 is what `RFP_EMBED_DTYPE=float32` gets (`--no-bf16-backend` overrides); on this
machine it is measured with the CPU's own int8 kernels (AVX512-VNNI where the CPU has it: an
AVX2-only CPU runs slower ones, see the README).

    python bench/ingest.py [--data ../shared/data] [--paths bf16,no-bf16] [--st-sample 1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def run_path(label: str, backend: str, data: Path, workers: int, keep: Path | None = None) -> list[str]:
    from rich.console import Console

    from core.embedding import Embedder
    from core.services import Services
    from core.settings import Settings
    from ingest.run import ingest_paths

    embedder = Embedder(backend=backend)
    embedder.embed(["warm up"])  # loads the model (and builds the ONNX files the first time)
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep / backend if keep else Path(tmp)
        if folder.exists() and any(folder.iterdir()):
            raise SystemExit(f"--keep: {folder} is not empty (the run needs a fresh data folder)")
        settings = Settings(data_dir=folder, _env_file=None, ingest_workers=workers)
        services = Services(settings, embedder=embedder)
        texts: list[str] = []
        cached = services.cached_embedder
        real = cached.embed_counted

        def recording(batch):
            texts.extend(batch)
            return real(batch)

        cached.embed_counted = recording
        before = embedder.embedded
        started = time.perf_counter()
        report = ingest_paths(services.indexer, [data], "public", console=Console(stderr=True, quiet=True))
        services.store.optimize("public")
        pipeline_s = time.perf_counter() - started
        phases = dict(services.indexer.timings)
        reached = embedder.embedded - before
        services.close()

    chunks = report.chunks_written
    print(f"\n{label}: backend {backend}, ingest workers {services.indexer.workers}")
    print(
        f"  files: {len(report.results) - report.count('skipped')} ({report.count('new')} ingested, "
        f"{report.count('failed')} refused, {report.count('skipped')} text exports skipped); chunks: {chunks} "
        f"({reached} embedded, {len(texts) - reached} identical texts reused)"
    )
    print(
        f"  pipeline: {pipeline_s:.1f} s, {chunks / pipeline_s:.1f} chunks/s (waiting for parsing "
        f"{phases['prepare']:.1f} s, embed {phases['embed']:.1f} s, write {phases['commit']:.1f} s, "
        f"index build and the rest {pipeline_s - sum(phases.values()):.1f} s)"
    )
    started = time.perf_counter()
    embedder.embed(texts)
    alone_s = time.perf_counter() - started
    print(
        f"  embedder alone ({backend}), the same {len(texts)} texts: {alone_s:.1f} s, "
        f"{len(texts) / alone_s:.1f} chunks/s"
    )
    print(
        f"  ratio pipeline/embedder alone: {(chunks / pipeline_s) / (len(texts) / alone_s):.2f} (target >= 0.8)"
    )
    return texts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--paths", default="bf16,no-bf16")
    parser.add_argument("--no-bf16-backend", default=None, help="default: what RFP_EMBED_DTYPE=float32 gets")
    parser.add_argument("--workers", type=int, default=-1, help="RFP_INGEST_WORKERS for both paths")
    parser.add_argument("--st-sample", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="keep each path's data folder under this folder")
    args = parser.parse_args()

    from core.cpu import cpu_info
    from core.embedding import resolve_backend

    info = cpu_info()
    print(f"CPU: {info.describe()}; native bf16: {'yes' if info.native_bf16 else 'no'}")
    paths = {
        "bf16": ("bf16 path", "torch-bf16"),
        "no-bf16": (
            "path without bf16 (RFP_EMBED_DTYPE=float32)",
            args.no_bf16_backend or resolve_backend("auto", "float32"),
        ),
    }
    texts: list[str] = []
    for name in args.paths.split(","):
        texts = run_path(*paths[name], args.data, args.workers, args.keep) or texts

    if args.st_sample and texts:
        from sentence_transformers import SentenceTransformer

        from core.embedding import packaged_model_dir

        sample = texts[:: max(1, len(texts) // args.st_sample)][: args.st_sample]
        model = SentenceTransformer(str(packaged_model_dir()), device="cpu")
        started = time.perf_counter()
        model.encode(sample, batch_size=32)
        st_rate = len(sample) / (time.perf_counter() - started)
        print(
            f"\nsentence-transformers defaults (fp32), {len(sample)} of the same texts: {st_rate:.1f} chunks/s "
            f"-> the whole corpus would take {len(texts) / st_rate:.0f} s to embed"
        )


if __name__ == "__main__":
    main()
