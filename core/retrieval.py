"""Hybrid retrieval with an exact tier for government identifiers and table lookups.

For a question, ranked lists come out of Qdrant and are fused (relative score fusion: dense and
sparse scores normalized by their best and weighted equally, exact matches add a bonus):
- dense: all-MiniLM-L6-v2 similarity (meaning);
- sparse: BM25 over tokens that keep identifiers whole (words and exact strings);
- defines / ids: chunks that are, or name, an identifier the question names (FAR 52.204-21,
  SOC 15-1252, OPM 2210, RFQ1349024, CLIN 0001);
- titles: table rows with a column equal to a run of the question's words ("software developer" ->
  SOC 15-1252 "Software Developers"; "Gartner" and "Senior Director" -> the CALC row holding both),
  when the question asks for a code, series, rate or category. The bonus grows with how much of the
  question the row's columns name, the question's own words before their plural.
Near-duplicate passages from different versions of a document (an RFQ and its amendment, a draft and
the final) are collapsed to the latest version, and the hit says which other versions say it too.
`Retriever.search` runs these as named stages; docs/retrieval.md has the figures.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.documents.text import split_sentences
from core.embedding import Embedder
from core.identifiers import TitleSpan, field_cover, query_ids, title_spans
from core.prompt import Citation
from core.sparse import SparseEncoder, SparseVector
from core.store import ChunkPayload, HasId, Match, MatchAny, Store, StoredHit, Where
from core.words import words

log = logging.getLogger(__name__)

LIVE = Match("state", "live")
CODE_QUESTION = re.compile(
    r"\b(soc|opm|(job|occupational)\s+series|series\s+(number|code)|occupation(al)?|labor categor\w*|lcat|"
    r"gsa calc|calc|oasis|crosswalk|schedule 70|hourly (rate|price)s?|labor rates?|job title|"
    r"(soc|naics|occupation(al)?|classification)\s+code)\b",
    re.IGNORECASE,
)
EXCLUDED_TAGS = ("status=expired", "status=withdrawn")
TITLE_ROWS = 30  # rows gathered for the question's title keys, nearest by meaning first


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


@dataclass(frozen=True)
class VersionChange:
    """How another version of a document differs in one passage: its sentences that this version's
    document does not have, and this passage's sentences that the other document does not have
    (sentence by sentence against the whole document, so where the two files' chunks begin and end
    does not count). `missing`: the other version has no such passage at all."""

    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    missing: bool = False
    text: str = ""  # the other version's passage
    doc_id: str = ""


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
    # What the other versions of the document say differently (path -> the change): what a
    # conformed copy or a revision changed in this passage.
    older: dict[str, VersionChange] = field(default_factory=dict)

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
            "changes": {
                path: {"removed": list(c.removed), "added": list(c.added), "missing": c.missing}
                for path, c in self.older.items()
            },
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


@dataclass
class Query:
    """A question as every stage sees it: its vectors, filter, identifier keys and title spans."""

    text: str
    where: Where
    ids: list[str]
    spans: list[TitleSpan]  # empty unless the question asks for a code, series, rate or category
    vector: np.ndarray
    sparse: SparseVector

    @property
    def titles(self) -> list[str]:
        return list(dict.fromkeys(s.key for s in self.spans))


# list name -> (collection, point) in rank order: what gathering finds
Lists = dict[str, list[tuple[str, StoredHit]]]
EXACT_LISTS = ("defines", "ids", "titles")


def _shingles(text: str) -> set[str]:
    tokens = words(text)
    return {" ".join(tokens[i : i + 3]) for i in range(max(1, len(tokens) - 2))}


class Retriever:
    """`search` runs five named stages: gather (ranked lists from Qdrant), complete scores (each
    candidate's true score in the lists that missed it), fuse (relative score fusion plus exact
    bonuses), fetch payloads (for the final cut only) and collapse versions.

    Gathering is one Qdrant query per list. Qdrant's Query API fusion (dense and sparse as
    prefetches, fused by RRF or DBSF in one call) ranks worse on the dev set than relative score
    fusion with completed scores (bench/query_api.py; figures in docs/retrieval.md), and returns no
    cosine similarity, which answers use to judge coverage: it is not used."""

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
        started = time.perf_counter()
        collections = [c for c in collections if self.store.has_collection(c)]
        q = self.prepare(query, filters, code_lookup)
        lists = self.gather(q, collections)
        self.complete_scores(q, collections, lists)
        fused, best_similarity = self.fuse(q, lists)
        top = self.fetch_payloads(fused[: max(k * 3, 30)])
        ranked = self.collapse_versions([c.hit() for c in top])
        self.compare_versions(ranked[:k])
        return SearchResult(
            query, ranked[:k], best_similarity, q.ids, time.perf_counter() - started, collections, q.where
        )

    def prepare(self, query: str, filters: Filters | None = None, code_lookup: bool = False) -> Query:
        asks_code = code_lookup or bool(CODE_QUESTION.search(query))
        return Query(
            query,
            (filters or Filters()).where(),
            query_ids(query),
            title_spans(query) if asks_code else [],
            self.embedder.embed_query(query),
            self.sparse.encode_query(query),
        )

    # --- 1. gather ---------------------------------------------------------------------------------
    def gather(self, q: Query, collections: list[str]) -> Lists:
        """The ranked lists, without payloads except for the exact tiers (ids and scores; payloads
        are fetched for the few that make the final cut):
        - dense and sparse: the `candidates` nearest by meaning and by words;
        - defines: the clause or code row itself (its heading or row names an identifier the
          question names), ids: passages citing it;
        - titles: table rows with a column equal to a run of the question's words (see
          `gather_titles`)."""
        lists: Lists = {"dense": [], "sparse": [], "defines": [], "ids": [], "titles": []}
        n, where = self.candidates, q.where
        for name in collections:
            lists["dense"] += [(name, h) for h in self.store.search_dense(name, q.vector, where, n, False)]
            lists["sparse"] += [(name, h) for h in self.store.search_sparse(name, q.sparse, where, n, False)]
            if q.ids:
                defines = where.and_(Where.of(MatchAny("defines", tuple(q.ids))))
                lists["defines"] += [(name, h) for h in self.store.search_dense(name, q.vector, defines, 10)]
                exact = where.and_(Where.of(MatchAny("ids", tuple(q.ids))))
                lists["ids"] += [(name, h) for h in self.store.search_dense(name, q.vector, exact, 20)]
            if q.spans:
                lists["titles"] += [(name, h) for h in self.gather_titles(q, name)]
        return lists

    def gather_titles(self, q: Query, name: str) -> list[StoredHit]:
        """Rows keyed by a title the question names (ingest keys every short column value of a
        code table, `core.identifiers.title_key`), nearest by meaning first, with payloads: fusion
        reads their columns. A first search and then rounds for keys not seen yet and for rows
        holding two keys were tried: on 192 vendor-and-category questions over the CALC tables the
        rounds gathered no row the first search had missed, so there is one search."""
        where = q.where.and_(Where.of(MatchAny("ids", tuple(q.titles))))
        return self.store.search_dense(name, q.vector, where, TITLE_ROWS)

    # --- 2. complete scores ----------------------------------------------------------------------
    def complete_scores(self, q: Query, collections: list[str], lists: Lists) -> None:
        """A candidate found by only one list gets its true score in the other, so that fusion
        compares like with like (a long passage can be first by words and far down by meaning).
        With several collections each list is then merged by its own score."""
        for name in collections:
            dense_ids = {h.id for c, h in lists["dense"] if c == name}
            sparse_ids = {h.id for c, h in lists["sparse"] if c == name}
            exact_ids = {h.id for key in EXACT_LISTS for c, h in lists[key] if c == name}
            missing_dense = tuple((sparse_ids | exact_ids) - dense_ids)
            missing_sparse = tuple((dense_ids | exact_ids) - sparse_ids)
            if missing_dense:
                where = q.where.and_(Where.of(HasId(missing_dense)))
                found = self.store.search_dense(name, q.vector, where, len(missing_dense), False)
                lists["dense"] += [(name, h) for h in found]
            if missing_sparse and q.sparse.indices:
                where = q.where.and_(Where.of(HasId(missing_sparse)))
                found = self.store.search_sparse(name, q.sparse, where, len(missing_sparse), False)
                lists["sparse"] += [(name, h) for h in found]
        for key in ("dense", "sparse"):
            lists[key].sort(key=lambda item: -item[1].score)

    # --- 3. fuse -------------------------------------------------------------------------------------
    def fuse(self, q: Query, lists: Lists) -> tuple[list[_Candidate], float]:
        """Relative score fusion: each list's scores are divided by its best score, so meaning and
        words count equally whatever their scales. Exact matches add a flat bonus: the clause or row
        itself the most, a mention of the identifier less, a table row by how much of the question
        its columns name exactly (`field_cover`: the exact title before its plural, a vendor's row
        for the category asked before other vendors' rows); meaning and words then order rows of
        equal bonus. Returns the candidates best first and the best cosine similarity."""
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

        for key in ("dense", "sparse"):
            items = lists[key]
            top = max((h.score for _, h in items), default=0.0) or 1.0
            share = self.alpha if key == "sparse" else 1.0 - self.alpha
            for name, stored in items:
                c = candidate(name, stored, key)
                c.score += share * max(stored.score, 0.0) / top
                if key == "dense":
                    c.dense = stored.score
        covers = {(name, h.id): self._cover(h, q) for name, h in lists["titles"]}
        most = max(covers.values(), default=0.0) or 1.0
        bonuses: tuple[tuple[str, float | None], ...] = (("defines", 1.0), ("ids", 0.6), ("titles", None))
        for key, bonus in bonuses:
            seen: set[tuple[str, str]] = set()
            for name, stored in lists[key]:
                if (name, stored.id) in seen:
                    continue
                seen.add((name, stored.id))
                weight = bonus if bonus is not None else covers[(name, stored.id)] / most
                candidate(name, stored, key).score += self.exact_weight * weight
        best_similarity = max((h.score for _, h in lists["dense"]), default=0.0)
        return sorted(fused.values(), key=lambda c: -c.score), best_similarity

    @staticmethod
    def _cover(hit: StoredHit, q: Query) -> float:
        """How much of the question a title-tier row names: from its columns, or, for a point without
        columns, the longest title key it holds."""
        chunk = hit.chunk
        if chunk.fields:
            return field_cover(chunk.fields, q.spans)
        keys = set(chunk.ids)
        return max((float(len(s.words)) for s in q.spans if s.key in keys), default=0.0)

    # --- 4. fetch payloads ---------------------------------------------------------------------------
    def fetch_payloads(self, top: list[_Candidate]) -> list[_Candidate]:
        """Payloads for the final cut, one retrieve per collection; points gone since gathering are
        dropped."""
        by_collection: dict[str, list[str]] = {}
        for c in top:
            if not c.stored:
                by_collection.setdefault(c.collection, []).append(c.id)
        for name, point_ids in by_collection.items():
            payloads = {p.id: p.payload for p in self.store.retrieve(name, point_ids)}
            for c in top:
                if c.collection == name and not c.stored:
                    c.stored = payloads.get(c.id, {})
        return [c for c in top if c.stored]

    # --- 5. collapse versions ------------------------------------------------------------------------
    def collapse_versions(self, ranked: list[Hit]) -> list[Hit]:
        """Two live versions of one file can only coexist after a crash mid-swap: newest wins. Then
        each document family's latest version is preferred (`_latest_versions`)."""
        newest: dict[str, int] = {}
        for h in ranked:
            newest[h.payload.doc_id] = max(newest.get(h.payload.doc_id, 0), h.payload.seq)
        ranked = [h for h in ranked if h.payload.seq == newest[h.payload.doc_id]]
        return self._latest_versions(ranked)

    def mentions(
        self,
        term: str,
        collections: Iterable[str],
        where: Where | None = None,
        pattern: re.Pattern[str] | None = None,
        k: int = 5,
    ) -> bool:
        """Whether any searchable passage has `term` as a word (or as `pattern` writes it) in its
        heading or text: one sparse-index lookup of `k` passages. A file format is also mentioned
        by a document of that format ("the XLSX file": the pricing sheet)."""
        vector = self.sparse.encode_query(term)
        pattern = pattern or re.compile(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])", re.IGNORECASE)
        where = where or Where.of(LIVE)
        for name in collections:
            if not self.store.has_collection(name):
                continue
            for hit in self.store.search_sparse(name, vector, where, k) if vector.indices else []:
                if pattern.search(f"{hit.chunk.section} {hit.chunk.text}"):
                    return True
            if term.isalnum() and self.store.count(name, where.and_(Where.of(Match("format", term.lower())))):
                return True
        return False

    def _latest_versions(self, hits: list[Hit]) -> list[Hit]:
        """Prefer the latest version of a document. A hit from an older version is replaced by the
        matching passage of the latest version when there is one (noting whether the wording
        changed); a passage the latest version no longer has stays, marked as from an older version.
        Then the same passage found twice (boilerplate, or two formats) is kept once."""
        out: list[Hit] = []
        for hit in hits:
            latest = hit.payload.family_latest
            if latest and latest != hit.payload.doc_id:
                twin, _ = self._counterpart(hit, Where.of(LIVE, Match("doc_id", latest)))
                if twin is not None:
                    differ = _normal(twin.text) != _normal(hit.text)
                    twin.score, twin.dense, twin.matched = hit.score, hit.dense, hit.matched
                    twin.other_versions = [hit.path]
                    twin.versions_differ = differ
                    if differ:
                        twin.older[hit.path] = VersionChange(text=hit.text, doc_id=hit.payload.doc_id)
                    hit = twin
                else:
                    # Text a later version dropped is history: it ranks below current text.
                    hit.superseded = True
                    hit.score *= SUPERSEDED_WEIGHT
            out.append(hit)
        out.sort(key=lambda h: -h.score)
        kept: list[_Passage] = []
        for hit in out:
            passage = _Passage.of(hit)
            duplicate = None
            for other in kept:
                if other.hit.id == hit.id or passage.same_as(other):
                    duplicate = other.hit
                    break
            if duplicate is None:
                kept.append(passage)
            elif hit.path != duplicate.path and hit.path not in duplicate.other_versions:
                duplicate.other_versions.append(hit.path)
                differ = _normal(hit.text) != _normal(duplicate.text)
                duplicate.versions_differ = duplicate.versions_differ or differ
                if differ and hit.payload.family and hit.payload.family == duplicate.payload.family:
                    duplicate.older[hit.path] = VersionChange(text=hit.text, doc_id=hit.payload.doc_id)
        return [p.hit for p in kept]

    def compare_versions(self, hits: list[Hit]) -> None:
        """What the other versions say differently, for the hits shown (a few lookups each, so not
        for every candidate): each recorded other passage compared sentence by sentence, and a
        later version's passage found on its own matched with its earlier version's."""
        for hit in hits:
            if not hit.other_versions and not hit.superseded:
                self._earlier_versions(hit)
            for path, change in list(hit.older.items()):
                if change.doc_id and not (change.removed or change.added or change.missing):
                    self._note_change(hit, path, change.doc_id, change.text)

    def _earlier_versions(self, hit: Hit) -> None:
        """For a passage of a later version (a conformed copy, a revised file) found on its own: the
        matching passage of the family's other versions, noted when its wording differs, or that
        those versions do not have it. Only a document that joined a family at ingest is looked at
        (its family id is another document's): one sparse lookup, none for the usual document."""
        p = hit.payload
        if not p.family or p.family == p.doc_id:
            return
        where = Where.of(LIVE, Match("family", p.family), must_not=(Match("doc_id", p.doc_id),))
        twin, seen = self._counterpart(hit, where)
        if twin is None:
            for path in seen:
                hit.older[path] = VersionChange(missing=True)  # the other versions have no such passage
            return
        hit.other_versions.append(twin.path)
        if _normal(twin.text) != _normal(hit.text):
            hit.versions_differ = True
            hit.older[twin.path] = VersionChange(text=twin.text, doc_id=twin.payload.doc_id)

    def _note_change(self, hit: Hit, path: str, doc_id: str, text: str) -> None:
        """Record on `hit` what the other version's passage `text` (of `path`) says differently,
        sentence by sentence; two wordings whose every sentence the other file also has are the same."""
        mine = _normal(hit.text) + "\n" + self._nearby(hit.collection, hit.payload.doc_id, text)
        theirs = _normal(text) + "\n" + self._nearby(hit.collection, doc_id, hit.text)
        removed = tuple(s for s in _sentences(text) if _normal(s) not in mine)
        added = tuple(s for s in _sentences(hit.text) if _normal(s) not in theirs)
        if removed or added:
            hit.older[path] = VersionChange(removed, added, text=text, doc_id=doc_id)
        else:
            del hit.older[path]  # only where the chunks begin and end differs

    def _nearby(self, collection: str, doc_id: str, text: str, k: int = 4) -> str:
        """The words of the document's passages most like `text` (one sparse lookup): where a
        sentence of `text` would be if the document has it, whatever its chunks' boundaries."""
        where = Where.of(LIVE, Match("doc_id", doc_id))
        found = self.store.search_sparse(collection, self.sparse.encode_query(text), where, k)
        return "\n".join(_normal(stored.chunk.text) for stored in found)

    def _counterpart(self, hit: Hit, where: Where) -> tuple[Hit | None, list[str]]:
        """The passage matching `hit` among those `where` selects (another version of its document),
        and the paths of the passages looked at. For a table row, the row with the same values: rows
        of one table share most of their words, so the row found by words alone can be its neighbour."""
        if hit.fields:
            keys = [Match("ids", key) for key in hit.payload.ids[:8]]
            found = self.store.search_sparse(
                hit.collection, self.sparse.encode_query(hit.text), where.and_(Where.of(*keys)), 10
            )
            values = _row_values(hit.fields)
            match = next((f for f in found if _row_values(f.chunk.fields or {}) == values), None)
        else:
            found = self.store.search_sparse(hit.collection, self.sparse.encode_query(hit.text), where, 3)
            shingles = _shingles(hit.text)
            match = next((f for f in found if _overlap(shingles, _shingles(f.chunk.text)) >= 0.5), None)
        seen = list(dict.fromkeys(f.chunk.path for f in found))
        return (Hit(match.id, hit.collection, 0.0, match.chunk) if match else None), seen


SUPERSEDED_WEIGHT = 0.85


@dataclass
class _Passage:
    """A hit as the duplicate check compares it."""

    hit: Hit
    shingles: set[str]
    values: list[str] | None  # a table row's values, normalized and sorted
    exact: bool  # found by an exact tier

    @staticmethod
    def of(hit: Hit) -> _Passage:
        values = _row_values(hit.fields) if hit.fields else None
        exact = any(key in hit.matched for key in EXACT_LISTS)
        return _Passage(hit, _shingles(hit.text), values, exact)

    def same_as(self, other: _Passage) -> bool:
        """The same passage twice: boilerplate, two formats of one file, rows of a table that
        differ in a cell nobody asked about. Two rows the exact tiers both found are the same row
        only when their values are: rows of one occupation differ in the one column that was asked
        about ("Information Security Analyst" is not "Network Security Analyst")."""
        if self.values is not None and other.values is not None:
            if self.values == other.values:
                return True
            if self.exact and other.exact:
                return False
        return _overlap(self.shingles, other.shingles) >= 0.8


def _row_values(fields: dict[str, str]) -> list[str]:
    return sorted(v for v in (_normal(str(value or "")) for value in fields.values()) if v)


def _sentences(text: str) -> list[str]:
    """The sentences of a passage, a paragraph break always ending one."""
    return [s for paragraph in text.split("\n") for s in split_sentences(paragraph)]


def _overlap(a: set[str], b: set[str]) -> float:
    """Shared shingles over the smaller passage's: one passage inside a longer one scores 1."""
    return len(a & b) / max(1, min(len(a), len(b)))


def _normal(text: str) -> str:
    return " ".join(words(text))


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
