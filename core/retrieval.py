"""Hybrid retrieval with an exact tier for government identifiers.

For a question, four ranked lists come out of Qdrant and are fused (relative score fusion: dense and
sparse scores normalized by their best and weighted equally, exact matches add a bonus):
- dense: all-MiniLM-L6-v2 similarity (meaning);
- sparse: BM25 over tokens that keep identifiers whole (words and exact strings);
- ids: chunks whose payload names an identifier the question names (FAR 52.204-21, SOC 15-1252,
  OPM 2210, RFQ1349024, CLIN 0001);
- titles: code-table rows whose title column equals a phrase of the question ("software developer"
  -> SOC 15-1252 "Software Developers"), when the question asks for a code, series, rate or category.
Near-duplicate passages from different versions of a document (an RFQ and its amendment, a draft and
the final) are collapsed to the latest version, and the hit says which other versions say it too.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from core.embedding import Embedder
from core.identifiers import query_ids, query_title_keys
from core.sparse import SparseEncoder
from core.store import Match, MatchAny, Store, StoredHit, Where

log = logging.getLogger(__name__)

LIVE = Match("state", "live")
CODE_QUESTION = re.compile(
    r"\b(soc|opm|series|occupation(al)?|labor categor\w*|lcat|gsa calc|calc|oasis|crosswalk|schedule 70|"
    r"hourly (rate|price)|rates?|job title|code)\b",
    re.IGNORECASE,
)
EXCLUDED_TAGS = ("status=expired", "status=withdrawn")


@dataclass
class Filters:
    doc_kinds: tuple[str, ...] = ()
    solicitation: str | None = None
    tags: tuple[str, ...] = ()  # "key=value"
    include_expired: bool = False

    def where(self) -> Where:
        must: list = [LIVE]
        if self.doc_kinds:
            must.append(MatchAny("doc_kind", tuple(self.doc_kinds)))
        if self.solicitation:
            must.append(Match("solicitation", self.solicitation))
        for tag in self.tags:
            must.append(Match("tag_list", tag))
        must_not = () if self.include_expired else (MatchAny("tag_list", EXCLUDED_TAGS),)
        return Where(tuple(must), must_not)


@dataclass
class Hit:
    id: str
    collection: str
    score: float
    payload: dict[str, Any]
    dense: float = 0.0  # cosine similarity to the question (0 when not in the dense list)
    matched: list[str] = field(default_factory=list)  # which lists found it
    other_versions: list[str] = field(default_factory=list)
    versions_differ: bool = False

    @property
    def text(self) -> str:
        return self.payload.get("text", "")

    @property
    def path(self) -> str:
        return self.payload.get("path", "")

    @property
    def page(self) -> int | None:
        return self.payload.get("page")

    @property
    def section(self) -> str:
        return self.payload.get("section", "")

    @property
    def title(self) -> str:
        return self.payload.get("title", "")

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "page": self.page,
            "section": self.section,
            "text": self.text,
            "score": round(self.score, 6),
            "collection": self.collection,
            "title": self.title,
            "doc_kind": self.payload.get("doc_kind"),
            "solicitation": self.payload.get("solicitation"),
            "fields": self.payload.get("fields"),
            "similarity": round(self.dense, 4),
            "matched": self.matched,
            "other_versions": self.other_versions,
            "versions_differ": self.versions_differ,
        }


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    best_similarity: float  # highest dense cosine among candidates: how well the corpus covers it
    ids: list[str]
    seconds: float = 0.0


_WORD = re.compile(r"[a-z0-9]+")


def _shingles(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


def _recency(payload: dict[str, Any]) -> tuple:
    """Sort key for 'which version is latest': amendments and finals over drafts, then a date in
    the file name, then when it was ingested."""
    name = (payload.get("path") or "").lower()
    kind_rank = 2 if payload.get("doc_kind") == "amendment" or re.search(r"modif|amend|revis", name) else 1
    if "draft" in name:
        kind_rank = 0
    elif "final" in name:
        kind_rank = max(kind_rank, 1)
    date = ""
    m = re.search(r"(20\d\d)[-_]?([01]\d)[-_]?([0-3]\d)", name)
    if m:
        date = "".join(m.groups())
    # The same content in two formats is not two versions: prefer the one whose text quotes the
    # file verbatim as plain text (a CSV row over the XLSX cells, Markdown over DOCX).
    plain = payload.get("format") in ("csv", "markdown", "text", "html")
    return (kind_rank, date, plain, payload.get("seq", 0))


class Retriever:
    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        sparse: SparseEncoder | None = None,
        candidates: int = 100,
        alpha: float = 0.5,
        exact_weight: float = 0.8,
    ):
        self.store = store
        self.embedder = embedder
        self.sparse = sparse or SparseEncoder()
        self.candidates = candidates
        self.alpha = alpha  # share of the lexical (sparse) score
        self.exact_weight = exact_weight

    def search(
        self,
        query: str,
        collections: Iterable[str],
        k: int = 10,
        filters: Filters | None = None,
        code_lookup: bool = False,
    ) -> SearchResult:
        import time

        started = time.perf_counter()
        collections = [c for c in collections if self.store.has_collection(c)]
        where = (filters or Filters()).where()
        ids = query_ids(query)
        titles = query_title_keys(query) if code_lookup or CODE_QUESTION.search(query) else []
        vector = self.embedder.embed_query(query)
        sparse = self.sparse.encode_query(query)
        n = self.candidates

        lists: dict[str, list[tuple[str, StoredHit]]] = {"dense": [], "sparse": [], "ids": [], "titles": []}
        for name in collections:
            lists["dense"] += [(name, h) for h in self.store.search_dense(name, vector, where, n)]
            lists["sparse"] += [(name, h) for h in self.store.search_sparse(name, sparse, where, n)]
            if ids:
                exact = where.and_(Where.of(MatchAny("ids", tuple(ids))))
                lists["ids"] += [(name, h) for h in self.store.search_dense(name, vector, exact, 20)]
            if titles:
                by_title = where.and_(Where.of(MatchAny("ids", tuple(titles))))
                found = self.store.search_dense(name, vector, by_title, 30)
                # Longer phrase matches first ("software developer" over "developer").
                found.sort(key=lambda h: -max((len(t.split()) for t in titles if t in h.payload.get("ids", [])), default=0))
                lists["titles"] += [(name, h) for h in found]
        # With several collections each list is merged by its own score.
        for key in ("dense", "sparse"):
            lists[key].sort(key=lambda item: -item[1].score)

        fused: dict[tuple[str, str], Hit] = {}

        def hit_for(name: str, stored: StoredHit, key: str) -> Hit:
            hit = fused.get((name, stored.id))
            if hit is None:
                hit = fused[(name, stored.id)] = Hit(stored.id, name, 0.0, stored.payload)
            if key not in hit.matched:
                hit.matched.append(key)
            return hit

        # Relative score fusion: each list's scores are divided by its best score, so meaning and
        # words count equally whatever their scales; exact identifier/title matches add a bonus.
        for key in ("dense", "sparse"):
            items = lists[key]
            top = max((h.score for _, h in items), default=0.0) or 1.0
            share = self.alpha if key == "sparse" else 1.0 - self.alpha
            for name, stored in items:
                hit = hit_for(name, stored, key)
                hit.score += share * max(stored.score, 0.0) / top
                if key == "dense":
                    hit.dense = stored.score
        for key in ("ids", "titles"):
            for rank, (name, stored) in enumerate(lists[key]):
                hit = hit_for(name, stored, key)
                hit.score += self.exact_weight / (1.0 + 0.1 * rank)
                if key == "ids" and set(ids) & set(stored.payload.get("defines") or ()):
                    hit.score += self.exact_weight  # the clause or code itself, not a mention of it
        best_similarity = max((h.score for _, h in lists["dense"]), default=0.0)
        ranked = sorted(fused.values(), key=lambda h: -h.score)
        ranked = self._one_version(ranked)
        return SearchResult(query, ranked[:k], best_similarity, ids, time.perf_counter() - started)

    def _one_version(self, hits: list[Hit]) -> list[Hit]:
        """Collapse the same passage found in several documents (versions) to the latest one, and
        keep only the newest ingested version of any one document."""
        newest_seq: dict[str, int] = {}
        for h in hits:
            doc = h.payload.get("doc_id", "")
            newest_seq[doc] = max(newest_seq.get(doc, 0), h.payload.get("seq", 0))
        hits = [h for h in hits if h.payload.get("seq", 0) == newest_seq[h.payload.get("doc_id", "")]]

        kept: list[tuple[Hit, set[str]]] = []
        for hit in hits:
            shingles = _shingles(hit.text)
            for i, (other, other_shingles) in enumerate(kept):
                same_doc = other.payload.get("doc_id") == hit.payload.get("doc_id")
                if same_doc and shingles != other_shingles:
                    continue
                overlap = len(shingles & other_shingles) / max(1, min(len(shingles), len(other_shingles)))
                if overlap >= 0.8:
                    differ = shingles != other_shingles
                    if _recency(hit.payload) > _recency(other.payload):
                        hit.score = max(hit.score, other.score)
                        hit.other_versions = [*other.other_versions, other.path]
                        hit.versions_differ = other.versions_differ or differ
                        kept[i] = (hit, shingles)
                    else:
                        other.other_versions.append(hit.path)
                        other.versions_differ = other.versions_differ or differ
                    break
            else:
                kept.append((hit, shingles))
        return [h for h, _ in kept]


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
