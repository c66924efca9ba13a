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
from core.prompt import Citation
from core.sparse import SparseEncoder
from core.store import ChunkPayload, HasId, Match, MatchAny, Store, StoredHit, Where

log = logging.getLogger(__name__)

LIVE = Match("state", "live")
CODE_QUESTION = re.compile(
    r"\b(soc|opm|(job|occupational)\s+series|series\s+(number|code)|occupation(al)?|labor categor\w*|lcat|"
    r"gsa calc|calc|oasis|crosswalk|schedule 70|hourly (rate|price)s?|labor rates?|job title|"
    r"(soc|naics|occupation(al)?|classification)\s+code)\b",
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
    payload: ChunkPayload
    dense: float = 0.0  # cosine similarity to the question (0 when not in the dense list)
    matched: list[str] = field(default_factory=list)  # which lists found it
    other_versions: list[str] = field(default_factory=list)
    versions_differ: bool = False
    superseded: bool = False  # from an older version whose latest version lacks this passage

    @property
    def text(self) -> str:
        return self.payload.text

    @property
    def path(self) -> str:
        return self.payload.path

    @property
    def page(self) -> int | None:
        return self.payload.page

    @property
    def section(self) -> str:
        return self.payload.section

    @property
    def title(self) -> str:
        return self.payload.title

    @property
    def fields(self) -> dict[str, str]:
        """A table row's or record's columns ({} for prose)."""
        return self.payload.fields or {}

    @property
    def citation(self) -> Citation:
        p = self.payload
        return Citation(p.path, p.page, p.section, p.end_page)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "page": self.page,
            "section": self.section,
            "text": self.text,
            "score": round(self.score, 6),
            "collection": self.collection,
            "title": self.title,
            "doc_kind": self.payload.doc_kind,
            "solicitation": self.payload.solicitation,
            "fields": self.payload.fields,
            "similarity": round(self.dense, 4),
            "matched": self.matched,
            "other_versions": self.other_versions,
            "versions_differ": self.versions_differ,
            "superseded": self.superseded,
        }


@dataclass
class _Candidate:
    """A point found by one or more of the ranked lists, scored by fusion; its payload is fetched
    only if it makes the final cut."""

    id: str
    collection: str
    score: float = 0.0
    stored: dict[str, Any] = field(default_factory=dict)
    dense: float = 0.0
    matched: list[str] = field(default_factory=list)

    def hit(self) -> Hit:
        return Hit(
            self.id,
            self.collection,
            self.score,
            ChunkPayload.from_dict(self.stored),
            self.dense,
            self.matched,
        )


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    best_similarity: float  # highest dense cosine among candidates: how well the corpus covers it
    ids: list[str]
    seconds: float = 0.0
    collections: list[str] = field(default_factory=list)
    where: Where | None = None


_WORD = re.compile(r"[a-z0-9]+")


def _shingles(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


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

        lists: dict[str, list[tuple[str, StoredHit]]] = {
            "dense": [],
            "sparse": [],
            "defines": [],
            "ids": [],
            "titles": [],
        }
        for name in collections:
            # Candidates come without payloads (ids and scores); payloads are fetched for the
            # few that make the final cut.
            lists["dense"] += [(name, h) for h in self.store.search_dense(name, vector, where, n, False)]
            lists["sparse"] += [(name, h) for h in self.store.search_sparse(name, sparse, where, n, False)]
            if ids:
                # The clause or code itself (its heading or row names it), then passages citing it.
                defines = where.and_(Where.of(MatchAny("defines", tuple(ids))))
                lists["defines"] += [(name, h) for h in self.store.search_dense(name, vector, defines, 10)]
                exact = where.and_(Where.of(MatchAny("ids", tuple(ids))))
                lists["ids"] += [(name, h) for h in self.store.search_dense(name, vector, exact, 20)]
            if titles:
                by_title = where.and_(Where.of(MatchAny("ids", tuple(titles))))
                lists["titles"] += [(name, h) for h in self.store.search_dense(name, vector, by_title, 30)]
        # A candidate found by only one list gets its true score in the other, so that fusion
        # compares like with like (a long passage can be first by words and far down by meaning).
        for name in collections:
            dense_ids = {h.id for c, h in lists["dense"] if c == name}
            sparse_ids = {h.id for c, h in lists["sparse"] if c == name}
            exact_ids = {h.id for key in ("defines", "ids", "titles") for c, h in lists[key] if c == name}
            missing_dense = tuple((sparse_ids | exact_ids) - dense_ids)
            missing_sparse = tuple((dense_ids | exact_ids) - sparse_ids)
            if missing_dense:
                found = self.store.search_dense(
                    name, vector, where.and_(Where.of(HasId(missing_dense))), len(missing_dense), False
                )
                lists["dense"] += [(name, h) for h in found]
            if missing_sparse and sparse.indices:
                found = self.store.search_sparse(
                    name, sparse, where.and_(Where.of(HasId(missing_sparse))), len(missing_sparse), False
                )
                lists["sparse"] += [(name, h) for h in found]
        # With several collections each list is merged by its own score.
        for key in ("dense", "sparse"):
            lists[key].sort(key=lambda item: -item[1].score)

        fused: dict[tuple[str, str], _Candidate] = {}

        def candidate(name: str, stored: StoredHit, key: str) -> _Candidate:
            found = fused.get((name, stored.id))
            if found is None:
                found = fused[(name, stored.id)] = _Candidate(stored.id, name, 0.0, stored.payload)
            elif stored.payload and not found.stored:
                found.stored = stored.payload
            if key not in found.matched:
                found.matched.append(key)
            return found

        # Relative score fusion: each list's scores are divided by its best score, so meaning and
        # words count equally whatever their scales; exact identifier/title matches add a bonus.
        for key in ("dense", "sparse"):
            items = lists[key]
            top = max((h.score for _, h in items), default=0.0) or 1.0
            share = self.alpha if key == "sparse" else 1.0 - self.alpha
            for name, stored in items:
                c = candidate(name, stored, key)
                c.score += share * max(stored.score, 0.0) / top
                if key == "dense":
                    c.dense = stored.score
        # Exact matches get a flat bonus (the clause or row itself the most, a mention of the
        # identifier less, a title match by how many of its words the question names); meaning
        # and words then order them, so "Cloud Architect 4 at Aquilent" finds Aquilent's row.
        longest = max((self._title_words(h, titles) for _, h in lists["titles"]), default=1) or 1
        for key, share in (("defines", 1.0), ("ids", 0.6), ("titles", None)):
            seen: set[tuple[str, str]] = set()
            for name, stored in lists[key]:
                if (name, stored.id) in seen:
                    continue
                seen.add((name, stored.id))
                weight = share if share is not None else self._title_words(stored, titles) / longest
                candidate(name, stored, key).score += self.exact_weight * weight
        best_similarity = max((h.score for _, h in lists["dense"]), default=0.0)
        top_candidates = sorted(fused.values(), key=lambda h: -h.score)[: max(k * 3, 30)]
        by_collection: dict[str, list[str]] = {}
        for c in top_candidates:
            if not c.stored:
                by_collection.setdefault(c.collection, []).append(c.id)
        for name, point_ids in by_collection.items():
            payloads = {p.id: p.payload for p in self.store.retrieve(name, point_ids)}
            for c in top_candidates:
                if c.collection == name and not c.stored:
                    c.stored = payloads.get(c.id, {})
        ranked = [c.hit() for c in top_candidates if c.stored]
        # Two live versions of one file can only coexist after a crash mid-swap: newest wins.
        newest: dict[str, int] = {}
        for h in ranked:
            newest[h.payload.doc_id] = max(newest.get(h.payload.doc_id, 0), h.payload.seq)
        ranked = [h for h in ranked if h.payload.seq == newest[h.payload.doc_id]]
        ranked = self._latest_versions(ranked)
        return SearchResult(
            query, ranked[:k], best_similarity, ids, time.perf_counter() - started, collections, where
        )

    def mentions(self, term: str, collections: Iterable[str], where: Where | None = None) -> bool:
        """Whether any searchable passage contains `term` as a word (one sparse-index lookup)."""
        vector = self.sparse.encode_query(term)
        if not vector.indices:
            return False
        pattern = re.compile(rf"(?<![a-z0-9]){re.escape(term.lower())}(?![a-z0-9])")
        for name in collections:
            if not self.store.has_collection(name):
                continue
            for hit in self.store.search_sparse(name, vector, where or Where.of(LIVE), 5):
                if pattern.search(hit.chunk.text.lower()):
                    return True
        return False

    @staticmethod
    def _title_words(hit: StoredHit, titles: list[str]) -> int:
        keys = set(hit.chunk.ids)
        return max((len(t.split()) for t in titles if t in keys), default=0)

    def _latest_versions(self, hits: list[Hit]) -> list[Hit]:
        """Prefer the latest version of a document. A hit from an older version is replaced by the
        matching passage of the latest version when there is one (noting whether the wording
        changed); a passage the latest version no longer has stays, marked as from an older version.
        Then the same passage found twice (boilerplate, or two formats) is kept once."""
        out: list[Hit] = []
        for hit in hits:
            latest = hit.payload.family_latest
            if latest and latest != hit.payload.doc_id:
                twin = self._counterpart(hit, latest)
                if twin is not None:
                    differ = _normal(twin.text) != _normal(hit.text)
                    twin.score, twin.dense, twin.matched = hit.score, hit.dense, hit.matched
                    twin.other_versions = [hit.path]
                    twin.versions_differ = differ
                    hit = twin
                else:
                    # Text a later version dropped is history: it ranks below current text.
                    hit.superseded = True
                    hit.score *= SUPERSEDED_WEIGHT
            out.append(hit)
        out.sort(key=lambda h: -h.score)
        kept: list[tuple[Hit, set[str]]] = []
        for hit in out:
            shingles = _shingles(hit.text)
            duplicate = None
            for other, other_shingles in kept:
                overlap = len(shingles & other_shingles) / max(1, min(len(shingles), len(other_shingles)))
                if other.id == hit.id or overlap >= 0.8:
                    duplicate = other
                    break
            if duplicate is None:
                kept.append((hit, shingles))
            elif hit.path != duplicate.path and hit.path not in duplicate.other_versions:
                duplicate.other_versions.append(hit.path)
                duplicate.versions_differ = duplicate.versions_differ or _normal(hit.text) != _normal(
                    duplicate.text
                )
        return [h for h, _ in kept]

    def _counterpart(self, hit: Hit, latest_doc: str) -> Hit | None:
        """The passage of the latest version that matches an older version's passage."""
        where = Where.of(LIVE, Match("doc_id", latest_doc))
        found = self.store.search_sparse(hit.collection, self.sparse.encode_query(hit.text), where, 3)
        shingles = _shingles(hit.text)
        for stored in found:
            other = _shingles(stored.chunk.text)
            if len(shingles & other) / max(1, min(len(shingles), len(other))) >= 0.5:
                return Hit(stored.id, hit.collection, 0.0, stored.chunk)
        return None


SUPERSEDED_WEIGHT = 0.85


def _normal(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
