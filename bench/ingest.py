"""Ingest all of ../shared/data and compare the whole pipeline with the embedding model alone.

Prints: files, chunks, seconds and chunks/s for the pipeline (parse, chunk, embed, sparse, store,
index build), then the same chunk texts embedded by the model alone in the same run:
- `ours alone`: our Embedder (bf16 on CPUs with native bf16, length-sorted batches), the cost the
  pipeline cannot avoid; target ratio pipeline/alone >= 0.8;
- `sentence-transformers`: the raw library with its defaults (fp32), on a sample, for scale.

    python bench/ingest.py [--data ../shared/data] [--st-sample 1000]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--st-sample", type=int, default=1000)
    args = parser.parse_args()

    from rich.console import Console

    from core.embedding import Embedder
    from core.services import Services
    from core.settings import Settings
    from ingest.run import ingest_paths

    embedder = Embedder()
    embedder.embed(["warm up"])
    texts: list[str] = []
    real_embed = embedder.embed

    def recording(batch):
        texts.extend(batch)
        return real_embed(batch)

    embedder.embed = recording
    with tempfile.TemporaryDirectory() as tmp:
        services = Services(Settings(data_dir=Path(tmp), _env_file=None), embedder=embedder)
        started = time.perf_counter()
        report = ingest_paths(services.indexer, [args.data], "public", console=Console(stderr=True, quiet=True))
        services.store.optimize("public")
        pipeline_s = time.perf_counter() - started
        phases = dict(services.indexer.timings)
        services.close()
    embedder.embed = real_embed

    files = len(report.results) - report.count("skipped")
    chunks = report.chunks_written
    print(f"files: {files} ({report.count('new')} ingested, {report.count('failed')} refused, "
          f"{report.count('skipped')} text exports skipped)")
    print(f"chunks: {chunks}")
    print(f"pipeline: {pipeline_s:.1f} s, {chunks / pipeline_s:.1f} chunks/s "
          f"(parse+chunk+sparse {phases['prepare']:.1f} s, embed {phases['embed']:.1f} s, "
          f"write {phases['commit']:.1f} s, index build {pipeline_s - sum(phases.values()):.1f} s)")

    started = time.perf_counter()
    embedder.embed(texts)
    alone_s = time.perf_counter() - started
    print(f"ours alone ({embedder.dtype}): {alone_s:.1f} s, {len(texts) / alone_s:.1f} chunks/s")
    print(f"ratio pipeline/embedding alone: {(chunks / pipeline_s) / (len(texts) / alone_s):.2f} (target >= 0.8)")

    if args.st_sample:
        from sentence_transformers import SentenceTransformer

        from core.embedding import packaged_model_dir

        sample = texts[:: max(1, len(texts) // args.st_sample)][: args.st_sample]
        model = SentenceTransformer(str(packaged_model_dir()), device="cpu")
        started = time.perf_counter()
        model.encode(sample, batch_size=32)
        st_s = time.perf_counter() - started
        st_rate = len(sample) / st_s
        print(f"sentence-transformers defaults (fp32), {len(sample)} of the same texts: {st_rate:.1f} chunks/s "
              f"-> the whole corpus would take {len(texts) / st_rate:.0f} s to embed")
        print(f"ratio pipeline/sentence-transformers: {(chunks / pipeline_s) / st_rate:.2f}")


if __name__ == "__main__":
    main()
