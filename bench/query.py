"""Query latency and generation speed, each next to the raw library doing the same work, in one run.

1. Retrieval at the shared corpus size: p50/p95 of `Retriever.search` (embed the question, dense +
   sparse + exact tiers, score completion, fusion, version handling) over the dev questions, next to
   the bare minimum (embed + one dense query in qdrant-edge).
2. The same at 100k chunks (the corpus's real vectors, payloads and sparse vectors repeated with
   small noise until there are 100k points), with qdrant-edge (the default) and qdrant-client's local
   mode (brute force), the reason for the default.
3. Generation: tokens/s of the answer path (`Answerer` -> `LlamaCppChat.stream`, what `rfp ask`
   runs) divided by raw `llama_cpp.Llama.create_chat_completion` on the same messages.
4. Cold start: wall time of `rfp search`, `rfp codes` and `rfp ask --extractive` run as a person
   runs them, each a fresh process of the real `rfp` entry point (the OS file cache is warm after
   the first run; the first run of each is printed apart), target at most 2 s.

    python bench/query.py [--data-dir .rfp-bench] [--points 100000] [--parts cold]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

EXTRA_QUERIES = [
    "52.204-21",
    "15-1252",
    "OPM series 2210",
    "RFQ1349024",
    "CLIN 0001",
    "software developer SOC code",
]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(name: str, seconds: list[float]) -> tuple[float, float]:
    ms = [s * 1000 for s in seconds]
    p50, p95 = statistics.median(ms), pct(ms, 95)
    print(f"  {name:<44} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   (n={len(ms)})")
    return p50, p95


def questions() -> list[str]:
    path = ROOT.parent / "shared" / "eval" / "dev_qa.jsonl"
    qs = [json.loads(line)["question"] for line in path.read_text().splitlines() if line.strip()]
    return qs + EXTRA_QUERIES


def time_retrieval(
    services, collection: str, qs: list[str], rounds: int = 2
) -> tuple[list[float], list[float]]:
    from core.store import Match, Where

    where = Where.of(Match("state", "live"))
    for q in qs[:3]:
        services.retriever.search(q, [collection], k=10)
    ours, raw = [], []
    for _ in range(rounds):
        for q in qs:
            t = time.perf_counter()
            services.retriever.search(q, [collection], k=10)
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            vector = services.embedder.embed_query(q)
            services.store.search_dense(collection, vector, where, 10)
            raw.append(time.perf_counter() - t)
    return ours, raw


def ensure_corpus(data_dir: Path) -> None:
    from rich.console import Console

    from core.services import Services
    from core.settings import Settings
    from ingest.run import ingest_paths

    services = Services(Settings(data_dir=data_dir, _env_file=None))
    started = time.perf_counter()
    result = ingest_paths(
        services.indexer,
        [ROOT.parent / "shared" / "data"],
        "public",
        console=Console(stderr=True, quiet=True),
    )
    if result.chunks_written:
        services.store.optimize("public")
    print(
        f"corpus: {services.store.count('public')} chunks in {data_dir} "
        f"({result.chunks_written} written now, {time.perf_counter() - started:.0f} s)"
    )
    services.close()


COLD = [
    ("rfp search", ["search", "What are the page limits for the technical volume?"]),
    ("rfp codes", ["codes", "software developer"]),
    ("rfp ask --extractive", ["ask", "--extractive", "Which FAR clauses are incorporated by reference?"]),
]


def cold_start(data_dir: Path, runs: int) -> None:
    """Each command in a new process, interleaved, as the `rfp` console script runs it. Wall time is
    what a person waits; CPU time (user + system) is printed beside it because on a busy machine
    the wall time mostly measures the other processes."""
    import resource
    import shutil
    import subprocess

    from core.cpu import cpu_info

    rfp = shutil.which("rfp", path=str(Path(sys.executable).parent)) or "rfp"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RFP_")}
    print(f"\ncold start ({cpu_info().describe()}; wall time of a new `rfp` process, target <= 2 s):")
    times: dict[str, list[float]] = {name: [] for name, _ in COLD}
    cpu: dict[str, list[float]] = {name: [] for name, _ in COLD}
    for _ in range(runs + 1):
        for name, args in COLD:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(
                [rfp, "--data-dir", str(data_dir), *args], env=env, capture_output=True, text=True
            )
            times[name].append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            if done.returncode != 0:
                raise SystemExit(f"{name} failed ({done.returncode}): {done.stderr[-2000:]}")
    for name, seconds in times.items():
        rest = seconds[1:]
        print(
            f"  {name:<24} wall median {statistics.median(rest):5.2f} s, max {max(rest):5.2f} s; "
            f"CPU median {statistics.median(cpu[name][1:]):5.2f} s "
            f"(first run {seconds[0]:.2f} s; n={len(rest)}; load average {os.getloadavg()[0]:.1f})"
        )


def build_large(src_dir: Path, dst_dir: Path, points: int, backend: str) -> None:
    """Repeat the corpus's real points (vectors with 1% noise) up to `points`."""
    import numpy as np
    import qdrant_edge as qe

    from core.sparse import SparseVector
    from core.store.base import PointData
    from core.store.edge import EdgeStore
    from core.store.qdrant import QdrantStore

    shard = qe.EdgeShard.load(str(src_dir / "qdrant" / "edge" / "public"))
    records, offset = [], None
    while True:
        batch, offset = shard.scroll(
            qe.ScrollRequest(offset=offset, limit=1000, with_payload=True, with_vector=True)
        )
        records.extend(batch)
        if offset is None:
            break
    shard.close()
    store = (
        EdgeStore(dst_dir / "qdrant") if backend == "edge" else QdrantStore(path=dst_dir / "qdrant" / "local")
    )
    store.ensure_collection("public")
    rng = np.random.default_rng(0)
    written, copy = 0, 0
    while written < points:
        chunk = []
        for r in records:
            if written + len(chunk) >= points:
                break
            dense = np.asarray(r.vector["dense"], dtype=np.float32)
            if copy:
                dense = dense + rng.normal(0, 0.01, dense.shape).astype(np.float32)
                dense /= np.linalg.norm(dense)
            sparse = r.vector["sparse"]
            payload = dict(r.payload)
            payload["doc_id"] = f"{payload['doc_id']}-{copy}"
            chunk.append(
                PointData(
                    f"{copy:08x}-{str(r.id)[9:]}",
                    dense,
                    SparseVector(list(sparse.indices), list(sparse.values)),
                    payload,
                )
            )
            if len(chunk) == 512:
                store.upsert("public", chunk)
                written += len(chunk)
                chunk = []
        if chunk:
            store.upsert("public", chunk)
            written += len(chunk)
        copy += 1
    store.optimize("public")
    store.close()


def generation(services) -> None:
    from core.chat.llamacpp import LlamaCppChat, load_llama
    from core.models import packaged_chat_gguf

    question = "How many days does a contractor get to comment on a CPARS past performance evaluation?"
    answerer = services.answerer
    chat = LlamaCppChat(packaged_chat_gguf(), n_ctx=2048)
    result = services.retriever.search(question, ["public"], k=answerer.top_k)
    sources = answerer.sources(question, result.hits)
    messages = answerer.messages(question, sources)
    raw = load_llama(
        packaged_chat_gguf(),
        n_ctx=2048,
        n_threads=os.cpu_count(),
        n_threads_batch=os.cpu_count(),
        verbose=False,
    )
    ours_rates, raw_rates = [], []
    for _ in range(3):
        chat.llm.reset()  # no prompt reuse from the previous round: time the prompt too
        raw.reset()
        answer = answerer._generate(question, sources, chat, None, None, [], 0.0)
        st = answer.stats
        ours_rates.append(st.tokens_per_s)
        first = None
        n = 0
        for chunk in raw.create_chat_completion(
            messages=messages,
            max_tokens=answerer.max_new_tokens,
            temperature=0.0,
            stream=True,
            seed=0,
            repeat_penalty=1.15,
        ):
            if chunk["choices"][0].get("delta", {}).get("content"):
                n += 1
                if first is None:
                    first = time.perf_counter()
        end = time.perf_counter()
        raw_rates.append((n - 1) / (end - first) if first and n > 1 else 0.0)
    ours, theirs = statistics.median(ours_rates), statistics.median(raw_rates)
    print(
        f"  answer path (rfp ask): {ours:.1f} tokens/s; raw llama-cpp-python, same prompt: {theirs:.1f} tokens/s"
    )
    print(
        f"  ratio: {ours / theirs:.2f} (target >= 0.95); prompt {len(raw.tokenize(json.dumps(messages).encode()))} "
        f"tokens, time to first token {st.first_token_s:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".rfp-bench")
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument(
        "--parts",
        default="cold,corpus,generation,edge,local",
        help="which parts to run: cold, corpus, generation, edge (100k), local (100k)",
    )
    parser.add_argument("--cold-runs", type=int, default=5, help="timed runs of each command, cold start")
    parser.add_argument(
        "--local-queries",
        type=int,
        default=10,
        help="questions timed on qdrant-client local mode at 100k (it is slow)",
    )
    args = parser.parse_args()

    from core.embedding import Embedder
    from core.services import Services
    from core.settings import Settings

    ensure_corpus(args.data_dir)
    parts = set(args.parts.split(","))
    if "cold" in parts:
        cold_start(args.data_dir, args.cold_runs)
    query_backend = Settings(_env_file=None).resolved_query_backend
    embedder = Embedder(backend=query_backend)  # what `rfp search` and the bot embed questions with
    print(f"questions embedded with {query_backend}")
    qs = questions()

    services = Services(Settings(data_dir=args.data_dir, _env_file=None), embedder=embedder)
    if "corpus" in parts:
        print(
            f"\nretrieval at the shared corpus size ({services.store.count('public')} chunks, qdrant-edge):"
        )
        ours, raw = time_retrieval(services, "public", qs)
        report("ours: Retriever.search (hybrid + exact)", ours)
        report("raw: embed + one qdrant-edge dense query", raw)
    if "generation" in parts:
        print("\ngeneration:")
        generation(services)
    services.close()

    for backend in ("edge", "local"):
        if backend not in parts:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            build_large(args.data_dir, Path(tmp), args.points, backend)
            settings = Settings(data_dir=Path(tmp), _env_file=None, store_backend=backend)
            services = Services(settings, embedder=embedder)
            n = services.store.count("public")
            print(
                f"\nretrieval at {n} chunks, {'qdrant-edge' if backend == 'edge' else 'qdrant-client local mode'} "
                f"(built in {time.perf_counter() - started:.0f} s):"
            )
            timed = qs if backend == "edge" else qs[: args.local_queries]
            ours, raw = time_retrieval(services, "public", timed, rounds=1)
            report("ours: Retriever.search (hybrid + exact)", ours)
            report("raw: embed + one dense query", raw)
            services.close()


if __name__ == "__main__":
    main()
