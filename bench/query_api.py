"""Qdrant's Query API against the retriever's own gathering, on both backends, in one run.

`Retriever.search` gathers with one Qdrant query per ranked list (dense, sparse, the exact tiers),
completes each candidate's score in the list that missed it, and fuses by relative score (each
list divided by its best). Qdrant's Query API can do part of that in one call. Three ways are
timed and scored here, each a `Retriever` that overrides only its gathering (and, for Qdrant's
fusion, its fusion):

- stages: the retriever as it is;
- batch: the same queries sent as one batch per stage (`query_batch` / `query_batch_points`):
  the lists in one call, the score completion in another; same fusion, so the same ranking;
- rrf / dbsf: dense and sparse as prefetches fused by Qdrant (reciprocal rank, distribution-based)
  in one call, batched with one dense query for the best similarity and the exact tiers; the
  exact bonuses are added to Qdrant's fused score (divided by its best); no score completion.

For each: recall@5 and MRR@10 on the dev set (`shared/eval/dev_qa.jsonl`, scored as `rfp eval
retrieval` scores it), codes recall@5, and p50/p95 of `search` over the dev questions and the
extra identifier queries of bench/query.py, variants interleaved question by question.

    python bench/query_api.py --data-dir DIR [--backends edge,local] [--rounds 2]

DIR is a data folder with `../shared/data` ingested into `public` on qdrant-edge (as bench/query.py
makes it); the local-mode copy is built from its points in a temporary folder.
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
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from core.retrieval import Lists, Query, Retriever, _Candidate  # noqa: E402
from core.store import HasId, MatchAny, StoredHit, Where  # noqa: E402
from core.store.base import DENSE, SPARSE  # noqa: E402

VARIANTS = ("stages", "batch", "rrf", "dbsf")


class Raw:
    """One backend's batch and fusion calls (what the Store protocol does not offer)."""

    def __init__(self, store):
        self.store = store
        self.edge = store.backend == "edge"
        if self.edge:
            import qdrant_edge as qe

            from core.store.edge import to_filter

            self.qe, self.to_filter = qe, to_filter
        else:
            from qdrant_client import models

            from core.store.qdrant import to_filter

            self.models, self.to_filter = models, to_filter

    def nearest(self, q: Query, using: str):
        if self.edge:
            qe = self.qe
            if using == DENSE:
                return qe.Query.Nearest(q.vector.tolist(), using=DENSE)
            return qe.Query.Nearest(qe.SparseVector(q.sparse.indices, q.sparse.values), using=SPARSE)
        if using == DENSE:
            return q.vector.tolist()
        return self.models.SparseVector(indices=q.sparse.indices, values=q.sparse.values)

    def request(self, q: Query, using: str, where: Where, limit: int, payload: bool):
        if self.edge:
            return self.qe.QueryRequest(
                limit=limit,
                query=self.nearest(q, using),
                filter=self.to_filter(where),
                with_payload=payload,
            )
        return self.models.QueryRequest(
            query=self.nearest(q, using),
            using=using,
            filter=self.to_filter(where),
            limit=limit,
            with_payload=payload,
        )

    def fused(self, q: Query, where: Where, limit: int, method: str):
        flt = self.to_filter(where)
        if self.edge:
            qe = self.qe
            prefetches = [qe.Prefetch(limit=limit, query=self.nearest(q, DENSE), filter=flt)]
            if q.sparse.indices:
                prefetches.append(qe.Prefetch(limit=limit, query=self.nearest(q, SPARSE), filter=flt))
            fusion = qe.Fusion.Rrf(k=60) if method == "rrf" else qe.Fusion.Dbsf()
            return qe.QueryRequest(limit=limit, query=fusion, prefetches=prefetches, with_payload=False)
        m = self.models
        prefetch = [m.Prefetch(query=self.nearest(q, DENSE), using=DENSE, filter=flt, limit=limit)]
        if q.sparse.indices:
            prefetch.append(m.Prefetch(query=self.nearest(q, SPARSE), using=SPARSE, filter=flt, limit=limit))
        fusion = m.Fusion.RRF if method == "rrf" else m.Fusion.DBSF
        return m.QueryRequest(
            prefetch=prefetch, query=m.FusionQuery(fusion=fusion), limit=limit, with_payload=False
        )

    def batch(self, name: str, requests: list) -> list[list[StoredHit]]:
        if not requests:
            return []
        if self.edge:
            out = self.store._shard(name).query_batch(self.qe.QueryBatchRequest(requests))
            return [[_hit(p) for p in points] for points in out]
        out = self.store.client.query_batch_points(name, requests=requests)
        return [[_hit(p) for p in r.points] for r in out]


def _hit(p) -> StoredHit:
    return StoredHit(str(p.id), float(getattr(p, "score", 0.0) or 0.0), dict(p.payload or {}))


class BatchRetriever(Retriever):
    """The same lists and completion, each stage's queries in one batch call per collection."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.raw = Raw(self.store)

    def _exact_requests(self, q: Query) -> list[tuple[str, object]]:
        out = []
        if q.ids:
            defines = q.where.and_(Where.of(MatchAny("defines", tuple(q.ids))))
            out.append(("defines", self.raw.request(q, DENSE, defines, 10, True)))
            exact = q.where.and_(Where.of(MatchAny("ids", tuple(q.ids))))
            out.append(("ids", self.raw.request(q, DENSE, exact, 20, True)))
        return out

    def gather(self, q: Query, collections: list[str]) -> Lists:
        lists: Lists = {"dense": [], "sparse": [], "defines": [], "ids": [], "titles": []}
        n = self.candidates
        for name in collections:
            named = [("dense", self.raw.request(q, DENSE, q.where, n, False))]
            if q.sparse.indices:
                named.append(("sparse", self.raw.request(q, SPARSE, q.where, n, False)))
            named += self._exact_requests(q)
            for (key, _), found in zip(named, self.raw.batch(name, [r for _, r in named]), strict=True):
                lists[key] += [(name, h) for h in found]
            if q.spans:
                lists["titles"] += [(name, h) for h in self.gather_titles(q, name)]
        return lists

    def complete_scores(self, q: Query, collections: list[str], lists: Lists) -> None:
        for name in collections:
            dense_ids = {h.id for c, h in lists["dense"] if c == name}
            sparse_ids = {h.id for c, h in lists["sparse"] if c == name}
            exact_ids = {h.id for key in ("defines", "ids", "titles") for c, h in lists[key] if c == name}
            named = []
            missing = tuple((sparse_ids | exact_ids) - dense_ids)
            if missing:
                where = q.where.and_(Where.of(HasId(missing)))
                named.append(("dense", self.raw.request(q, DENSE, where, len(missing), False)))
            missing = tuple((dense_ids | exact_ids) - sparse_ids)
            if missing and q.sparse.indices:
                where = q.where.and_(Where.of(HasId(missing)))
                named.append(("sparse", self.raw.request(q, SPARSE, where, len(missing), False)))
            for (key, _), found in zip(named, self.raw.batch(name, [r for _, r in named]), strict=True):
                lists[key] += [(name, h) for h in found]
        for key in ("dense", "sparse"):
            lists[key].sort(key=lambda item: -item[1].score)


class FusionRetriever(BatchRetriever):
    """Dense and sparse fused by Qdrant in one call (prefetches + RRF or DBSF)."""

    def __init__(self, *args, method: str = "rrf", **kwargs):
        super().__init__(*args, **kwargs)
        self.method = method

    def gather(self, q: Query, collections: list[str]) -> Lists:
        lists: Lists = {"fused": [], "dense": [], "defines": [], "ids": [], "titles": []}
        for name in collections:
            named = [
                ("fused", self.raw.fused(q, q.where, self.candidates, self.method)),
                ("dense", self.raw.request(q, DENSE, q.where, 1, False)),  # the best similarity
            ]
            named += self._exact_requests(q)
            for (key, _), found in zip(named, self.raw.batch(name, [r for _, r in named]), strict=True):
                lists[key] += [(name, h) for h in found]
            if q.spans:
                lists["titles"] += [(name, h) for h in self.gather_titles(q, name)]
        return lists

    def complete_scores(self, q: Query, collections: list[str], lists: Lists) -> None:
        """Qdrant's fusion has no score completion."""

    def fuse(self, q: Query, lists: Lists) -> tuple[list[_Candidate], float]:
        fused: dict[tuple[str, str], _Candidate] = {}
        top = max((h.score for _, h in lists["fused"]), default=0.0) or 1.0
        for name, h in lists["fused"]:
            fused[(name, h.id)] = _Candidate(h.id, name, h.score / top, {}, 0.0, ["fused"])
        covers = {(name, h.id): self._cover(h, q) for name, h in lists["titles"]}
        most = max(covers.values(), default=0.0) or 1.0
        for key, share in (("defines", 1.0), ("ids", 0.6), ("titles", None)):
            seen: set[tuple[str, str]] = set()
            for name, h in lists[key]:
                if (name, h.id) in seen:
                    continue
                seen.add((name, h.id))
                c = fused.setdefault((name, h.id), _Candidate(h.id, name, 0.0, h.payload))
                c.stored = c.stored or h.payload
                c.matched.append(key)
                weight = share if share is not None else covers[(name, h.id)] / most
                c.score += self.exact_weight * weight
        best = max((h.score for _, h in lists["dense"]), default=0.0)
        return sorted(fused.values(), key=lambda c: -c.score), best


def retrievers(store, embedder, sparse) -> dict[str, Retriever]:
    return {
        "stages": Retriever(store, embedder, sparse),
        "batch": BatchRetriever(store, embedder, sparse),
        "rrf": FusionRetriever(store, embedder, sparse, method="rrf"),
        "dbsf": FusionRetriever(store, embedder, sparse, method="dbsf"),
    }


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(store, embedder, label: str, rounds: int, limit: int | None) -> None:
    from bench.query import EXTRA_QUERIES
    from core.evaluation import load_questions, score
    from core.sparse import SparseEncoder

    dev = load_questions(ROOT.parent / "shared" / "eval" / "dev_qa.jsonl")
    texts = [q.question for q in dev] + EXTRA_QUERIES
    if limit:
        texts = texts[:limit]
    variants = retrievers(store, embedder, SparseEncoder())
    for r in variants.values():  # warm up each path once
        r.search(texts[0], ["public"], k=10)
    times: dict[str, list[float]] = {v: [] for v in variants}
    hits: dict[str, dict[str, list[dict]]] = {v: {} for v in variants}
    for round_ in range(rounds):
        order = list(variants) if round_ % 2 == 0 else list(reversed(variants))
        for i, text in enumerate(texts):
            for v in order:
                started = time.perf_counter()
                result = variants[v].search(text, ["public"], k=10)
                times[v].append(time.perf_counter() - started)
                if round_ == 0 and i < len(dev):
                    hits[v][dev[i].id] = [h.to_json() for h in result.hits]
    print(f"\n{label} ({store.count('public')} chunks; {len(texts)} queries x {rounds} rounds, interleaved):")
    print(f"  {'':8} {'recall@5':>9} {'MRR@10':>7} {'codes@5':>8} {'p50 ms':>7} {'p95 ms':>7}")
    asked = [q for q in dev if q.id in hits["stages"]]
    for v in variants:
        report = score(asked, hits[v]).as_dict()
        codes = report["by_kind"].get("codes", {}).get("recall@5", float("nan"))
        ms = [t * 1000 for t in times[v]]
        print(
            f"  {v:8} {report['overall']['recall@5']:9.3f} {report['overall']['mrr@10']:7.3f} {codes:8.3f} "
            f"{statistics.median(ms):7.1f} {pct(ms, 95):7.1f}"
        )
    print(json.dumps({v: {"p95_ms": round(pct([t * 1000 for t in times[v]], 95), 1)} for v in variants}))


def copy_to_local(src_dir: Path, dst_dir: Path) -> int:
    """The edge shard's points, vectors and payloads unchanged, into qdrant-client local mode."""
    import qdrant_edge as qe

    from core.sparse import SparseVector
    from core.store.base import PointData
    from core.store.qdrant import QdrantStore

    shard = qe.EdgeShard.load(str(src_dir / "qdrant" / "edge" / "public"))
    store = QdrantStore(path=dst_dir / "qdrant" / "local")
    store.ensure_collection("public")
    offset, n = None, 0
    while True:
        batch, offset = shard.scroll(
            qe.ScrollRequest(offset=offset, limit=512, with_payload=True, with_vector=True)
        )
        points = []
        for r in batch:
            sparse = r.vector.get(SPARSE)
            indices = list(sparse.indices) if sparse is not None else []
            values = list(sparse.values) if sparse is not None else []
            points.append(
                PointData(str(r.id), r.vector.get(DENSE), SparseVector(indices, values), dict(r.payload))
            )
        store.upsert("public", points)
        n += len(points)
        if offset is None:
            break
    shard.close()
    store.close()
    return n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--backends", default="edge,local")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--local-queries", type=int, default=0, help="questions on local mode (0: all; it is brute force)"
    )
    parser.add_argument(
        "--local-dir",
        type=Path,
        help="keep the local-mode copy here and reuse it (default: a temporary folder)",
    )
    args = parser.parse_args()

    from core.embedding import Embedder
    from core.services import Services
    from core.settings import Settings

    embedder = Embedder(backend=Settings(_env_file=None).resolved_query_backend)
    backends = args.backends.split(",")
    if "edge" in backends:
        services = Services(Settings(data_dir=args.data_dir, _env_file=None), embedder=embedder)
        run(services.store, embedder, "qdrant-edge (embedded)", args.rounds, None)
        services.close()
    if "local" in backends:
        with tempfile.TemporaryDirectory() as tmp:
            local = args.local_dir or Path(tmp)
            if not (local / "qdrant" / "local").exists():
                started = time.perf_counter()
                n = copy_to_local(args.data_dir, local)
                print(f"\nlocal-mode copy of {n} points built in {time.perf_counter() - started:.0f} s")
            settings = Settings(data_dir=local, _env_file=None, store_backend="local")
            services = Services(settings, embedder=embedder)
            label = "qdrant-client local mode (the server's client and API, brute force)"
            run(services.store, embedder, label, 1, args.local_queries or None)
            services.close()


if __name__ == "__main__":
    main()
